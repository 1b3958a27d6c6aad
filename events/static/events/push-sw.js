// Service worker of the attendee's pages, served at /r/sw.js (events.webpush.views): it shows what
// the server pushes (events.webpush.push: JSON {title, body, url}), also with the page closed, and a
// tap opens the attendee's own page. It caches nothing.
self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

function messageOf(data) {
  if (!data) return {};
  try {
    return data.json();
  } catch (error) {
    return { body: data.text() };
  }
}

self.addEventListener("push", (event) => {
  const message = messageOf(event.data);
  event.waitUntil(
    self.registration.showNotification(message.title || self.location.host, {
      body: message.body || "",
      data: { url: message.url || "" },
      // The same text twice (two tabs, a retry) is one notification.
      tag: `${message.title || ""}|${message.body || ""}`,
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = event.notification.data && event.notification.data.url;
  if (url && new URL(url).origin === self.location.origin) event.waitUntil(self.clients.openWindow(url));
});
