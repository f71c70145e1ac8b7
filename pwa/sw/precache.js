/* Precache of the app shell: one cache per version; old versions go only when the new one is
   activated, which the page asks for only when no form is open (PITFALLS 1). */
self.precache = {
  PREFIX: 'tournee-shell-',

  cacheName(shell) {
    return this.PREFIX + shell.version;
  },

  /** The open cache of this version, opened once per worker life (every module load goes here). */
  open(shell) {
    if (!this.opened) this.opened = caches.open(this.cacheName(shell));
    return this.opened;
  },

  async install(shell, event) {
    const cache = await caches.open(this.cacheName(shell));
    await cache.addAll(shell.files.map((url) => new Request(url, { cache: 'reload' })));
    await this.route(shell, event);
  },

  /** Where the browser supports static routes, modules and styles come straight from this
   *  version's cache without waking the worker's JavaScript (much faster offline start). */
  async route(shell, event) {
    if (!event.addRoutes || typeof URLPattern === 'undefined') return;
    try {
      await event.addRoutes(['/app/src/*', '/app/css/*', '/app/icons/*'].map((pathname) => ({
        condition: { urlPattern: new URLPattern({ pathname }), requestMethod: 'GET' },
        source: { cacheName: this.cacheName(shell) },
      })));
    } catch (err) {
      console.warn('Routes statiques indisponibles', err);
    }
  },

  async activate(shell) {
    const keep = this.cacheName(shell);
    const names = await caches.keys();
    await Promise.all(names.filter((n) => n.startsWith(this.PREFIX) && n !== keep).map((n) => caches.delete(n)));
    await self.clients.claim();
  },

  onMessage(event, shell) {
    const type = event.data && event.data.type;
    if (type === 'apply-update') self.skipWaiting();
    if (type === 'version' && event.source) event.source.postMessage({ type: 'version', version: shell.version });
  },
};
