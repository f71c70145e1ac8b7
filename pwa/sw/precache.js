/* Precache of the app shell: one cache per version; old versions go only when the new one is
   activated, which the page asks for only when no form is open (PITFALLS 1). */
self.precache = {
  PREFIX: 'tournee-shell-',

  cacheName(shell) {
    return this.PREFIX + shell.version;
  },

  async install(shell) {
    const cache = await caches.open(this.cacheName(shell));
    await cache.addAll(shell.files.map((url) => new Request(url, { cache: 'reload' })));
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
