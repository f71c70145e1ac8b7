/* Tournée service worker: wires events only. The server injects `self.SHELL` (version and
   precache list computed from file hashes) on the first line; strategies live in sw/. */
importScripts('sw/precache.js', 'sw/strategies.js');

self.addEventListener('install', (event) => event.waitUntil(self.precache.install(self.SHELL, event)));
self.addEventListener('activate', (event) => event.waitUntil(self.precache.activate(self.SHELL)));
self.addEventListener('fetch', (event) => self.strategies.route(event, self.SHELL));
self.addEventListener('message', (event) => self.precache.onMessage(event, self.SHELL));
