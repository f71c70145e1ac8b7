/**
 * Entry point: starts the app once the HTML's own first screen is painted (issue 14).
 *
 * The modules are fetched only after that paint, so the paint never waits for them and stays the
 * page's largest one (a first visit on a slow network: the login text shows before the code has
 * arrived). The start-up graph is then preloaded in one round trip: the server lists it in the
 * inert template `#start-up-modules`. The wait is one frame.
 */
function preloadStartUpModules() {
  const listed = document.getElementById('start-up-modules');
  if (listed) document.head.append(listed.content);
}

function afterFirstPaint(then) {
  if (document.visibilityState === 'hidden') then();   // no frame is drawn for a hidden page
  else requestAnimationFrame(() => setTimeout(then, 0));   // the task after the frame that painted
}

afterFirstPaint(() => {
  preloadStartUpModules();
  import('./app.js');
});
