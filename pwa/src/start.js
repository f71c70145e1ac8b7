/**
 * Entry point: starts the app once the HTML's own first screen is painted (issue 14).
 *
 * On a first visit (no service worker controls the page yet) the modules are fetched only after
 * that paint, so the paint never waits for them and stays the page's largest one. The start-up
 * graph is then preloaded in one round trip: the server lists it in the inert template
 * `#start-up-modules`. A reopen from the service worker's cache starts at once.
 */
function preloadStartUpModules() {
  const listed = document.getElementById('start-up-modules');
  if (listed) document.head.append(listed.content);
}

function start() {
  preloadStartUpModules();
  import('./app.js');
}

function afterFirstPaint(then) {
  requestAnimationFrame(() => setTimeout(then, 0));   // the task after the frame that painted
}

if (navigator.serviceWorker?.controller) start();
else afterFirstPaint(start);
