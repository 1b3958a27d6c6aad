// Service worker of the scanner, served at /scan/sw.js (see checkin.scanner_views.service_worker,
// which puts `SCANNER = {version, shell, page}` above this). It keeps the scanner's shell (page,
// its ES modules, styles, the QR reader's wasm) so that /scan/ also reloads without the network.
// The API is never cached: the page itself keeps the check-in list and the queue.
const CACHE = `dld-scanner-${SCANNER.version}`;
const PAGE_TIMEOUT = 3000; // bad Wi-Fi: show the cached scanner rather than a blank page

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SCANNER.shell))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(keys.filter((key) => key.startsWith("dld-scanner-") && key !== CACHE).map((key) => caches.delete(key))),
      )
      .then(() => self.clients.claim()),
  );
});

function freshPage(request) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), PAGE_TIMEOUT);
    fetch(request).then(
      (response) => {
        clearTimeout(timer);
        if (response.ok) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(SCANNER.page, copy));
        }
        resolve(response);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === SCANNER.page) {
    event.respondWith(
      freshPage(request).catch(() => caches.match(SCANNER.page).then((cached) => cached || fetch(request))),
    );
  } else if (SCANNER.shell.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname).then((cached) => cached || fetch(request)));
  }
});
