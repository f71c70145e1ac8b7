/** The only code that talks to the service worker: registration, version, update flow.
 *  A new version is announced; the app applies it only when no form is open (PITFALLS 1). */

export function startServiceWorker({ onUpdateReady = () => {}, onVersion = () => {}, onOfflineReady = () => {} } = {}) {
  const sw = navigator.serviceWorker;
  if (!sw) return { apply() {}, check() {}, offlineReady: () => false, ready: Promise.resolve(null) };
  let registration = null;
  let applying = false;

  sw.addEventListener('message', (event) => {
    if (event.data && event.data.type === 'version') onVersion(event.data.version);
  });
  sw.addEventListener('controllerchange', () => {
    if (applying) location.reload();
    else {                                     // first install: the shell is now cached and serving
      sw.controller.postMessage({ type: 'version' });
      onOfflineReady();
    }
  });

  function watch(reg) {
    if (reg.waiting && sw.controller) onUpdateReady();
    reg.addEventListener('updatefound', () => {
      const worker = reg.installing;
      worker.addEventListener('statechange', () => {
        if (worker.state === 'installed' && sw.controller) onUpdateReady();
      });
    });
  }

  const ready = sw.register('/app/sw.js', { scope: '/app/', updateViaCache: 'none' }).then((reg) => {
    registration = reg;
    watch(reg);
    if (sw.controller) sw.controller.postMessage({ type: 'version' });
    return reg;
  }).catch((err) => { console.warn('Service worker non enregistré', err); return null; });

  return {
    ready,
    /** True once a service worker serves this page: the app shell opens without network. */
    offlineReady: () => Boolean(sw.controller),
    /** Activates the waiting version; the page reloads once it controls it. */
    apply() {
      if (!registration || !registration.waiting) return false;
      applying = true;
      registration.waiting.postMessage({ type: 'apply-update' });
      return true;
    },
    /** Asks the server whether a new version exists (after a sync, periodically). */
    check() {
      if (registration) registration.update().catch(() => {});
    },
  };
}
