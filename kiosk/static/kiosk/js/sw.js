// Service worker, used only where the origin is a secure context (HTTPS or
// localhost). It keeps the kiosk shell (page, scripts, styles, QR images) so
// that a reload during an outage still starts; content itself lives in
// localStorage, which works without it.

const CACHE = "sunlight-kiosk-v2";

self.addEventListener("install", (event) => {
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys().then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  // The API and the bundle are polled with ETags by the page itself.
  if (url.pathname.includes("/api/") || url.pathname.endsWith("/bundle.json")) return;
  // A push subscription (EventSource) is an endless stream: never cached.
  if ((request.headers.get("Accept") || "").includes("text/event-stream")) return;
  // Network first, the last good copy when the server is unreachable.
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(request, copy));
        }
        return response;
      })
      .catch(() => caches.match(request).then((hit) => hit || Response.error())),
  );
});
