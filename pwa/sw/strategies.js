/* Fetch strategies: the app shell from the precache (cache first), navigations inside /app/ to
   the cached index; the API and the office pages are never touched (network only). */
self.strategies = {
  route(event, shell) {
    const request = event.request;
    const url = new URL(request.url);
    if (request.method !== 'GET' || url.origin !== self.location.origin) return;
    if (!url.pathname.startsWith('/app/') || url.pathname === '/app/sw.js') return;
    const navigate = request.mode === 'navigate';
    event.respondWith(this.cacheFirst(navigate ? '/app/' : request, request, shell));
  },

  async cacheFirst(key, request, shell) {
    const cache = await self.precache.open(shell);
    const hit = await cache.match(key, { ignoreSearch: true });
    if (hit) return hit;
    try {
      return await fetch(request);
    } catch (err) {
      const fallback = await caches.match(key, { ignoreSearch: true });
      return fallback || new Response('Hors ligne : fichier non disponible.', {
        status: 503, headers: { 'Content-Type': 'text/plain; charset=utf-8' },
      });
    }
  },
};
