/* Scanfloor scanner service worker: a versioned app shell so the app opens with no network.
 *
 * - install: download every shell file fresh (cache: "reload", past the HTTP cache) into the
 *   cache named for VERSION; the new worker takes over at once.
 * - activate: delete the caches of older versions.
 * - fetch: /api/ is network-only (never from a cache: stale stock or task data would lie);
 *   other same-origin GETs under /scanner/ are cache-first; a navigation gets the cached shell.
 *
 * Bump VERSION whenever a file below changes (tests check the list matches scanner_ui/).
 */
const VERSION = "scanfloor-scanner-v11";
const SHELL = "/scanner/";
const PRECACHE = [
  SHELL,
  "/scanner/manifest.webmanifest",
  "/scanner/css/app.css",
  "/scanner/icons/icon-192.png",
  "/scanner/icons/icon-512.png",
  "/scanner/icons/icon-maskable-512.png",
  "/scanner/icons/apple-touch-icon-180.png",
  "/scanner/js/main.js",
  "/scanner/js/api.js",
  "/scanner/js/camera.js",
  "/scanner/js/decoder-worker.js",
  "/scanner/js/dom.js",
  "/scanner/js/feedback.js",
  "/scanner/js/gs1.js",
  "/scanner/js/idb.js",
  "/scanner/js/live.js",
  "/scanner/js/outbox.js",
  "/scanner/js/router.js",
  "/scanner/js/scan-capture.js",
  "/scanner/js/session.js",
  "/scanner/js/settings.js",
  "/scanner/js/task-flow.js",
  "/scanner/js/task-cache.js",
  "/scanner/js/screens/dock-queue.js",
  "/scanner/js/screens/exceptions.js",
  "/scanner/js/screens/floor.js",
  "/scanner/js/screens/home.js",
  "/scanner/js/screens/inspect-photo.js",
  "/scanner/js/screens/inspect-rules.js",
  "/scanner/js/screens/inspect-views.js",
  "/scanner/js/screens/inspect.js",
  "/scanner/js/screens/keypad-view.js",
  "/scanner/js/screens/pack-rules.js",
  "/scanner/js/screens/pack-views.js",
  "/scanner/js/screens/pack.js",
  "/scanner/js/screens/count-rules.js",
  "/scanner/js/screens/count-views.js",
  "/scanner/js/screens/count.js",
  "/scanner/js/screens/pick-rules.js",
  "/scanner/js/screens/pick-views.js",
  "/scanner/js/screens/pick.js",
  "/scanner/js/screens/putaway-rules.js",
  "/scanner/js/screens/putaway-views.js",
  "/scanner/js/screens/putaway.js",
  "/scanner/js/screens/receive-rules.js",
  "/scanner/js/screens/receive-views.js",
  "/scanner/js/screens/receive.js",
  "/scanner/js/screens/replenish-rules.js",
  "/scanner/js/screens/replenish-tasks.js",
  "/scanner/js/screens/replenish-views.js",
  "/scanner/js/screens/replenish.js",
  "/scanner/js/screens/returns-lookup.js",
  "/scanner/js/screens/returns-rules.js",
  "/scanner/js/screens/returns-views.js",
  "/scanner/js/screens/returns.js",
  "/scanner/js/screens/scanner-settings.js",
  "/scanner/js/screens/ship-views.js",
  "/scanner/js/screens/ship.js",
  "/scanner/js/screens/signin.js",
  "/scanner/vendor/barcode-detector/ponyfill.js",
  "/scanner/vendor/barcode-detector/zxing-exported.js",
  "/scanner/vendor/barcode-detector/zxing_reader.wasm",
  "/scanner/vendor/socket.io/socket.io.esm.min.js",
];

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(VERSION);
      await cache.addAll(PRECACHE.map((url) => new Request(url, { cache: "reload" })));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(
        names
          .filter((n) => n.startsWith("scanfloor-scanner-") && n !== VERSION)
          .map((n) => caches.delete(n)),
      );
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  // Not ours to answer: other origins, writes, and the API (network-only, never cached).
  if (url.origin !== self.location.origin || request.method !== "GET") return;
  if (url.pathname.startsWith("/api/")) return;
  if (request.mode === "navigate" && url.pathname.startsWith("/scanner")) {
    event.respondWith(shellFor(request));
    return;
  }
  if (!url.pathname.startsWith("/scanner/")) return;
  event.respondWith(cacheFirst(request));
});

async function shellFor(request) {
  const cache = await caches.open(VERSION);
  const cached = await cache.match(SHELL);
  if (cached) return cached;
  return fetch(request);
}

async function cacheFirst(request) {
  const cache = await caches.open(VERSION);
  const cached = await cache.match(request, { ignoreSearch: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && response.type === "basic") {
    await cache.put(request, response.clone());
  }
  return response;
}

self.addEventListener("message", (event) => {
  if (event.data === "version" && event.source) {
    event.source.postMessage({ version: VERSION });
  }
});
