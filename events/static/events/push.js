// Notifications on the attendee's phone (events/webpush/_manage_push.html): where the browser can
// receive pushes, the panel shows. Its service worker (/r/sw.js, scope /r/) shows what is pushed;
// "turn on" asks for permission, subscribes with the site's VAPID public key and hands the
// subscription to the server under the private link; "turn off" takes it back.
const panel = document.querySelector("[data-push]");

const supported = () =>
  window.isSecureContext && "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;

/** The VAPID public key (base64url) as the bytes pushManager.subscribe takes. */
function keyBytes(base64url) {
  const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (base64url.length % 4)) % 4);
  return Uint8Array.from(atob(base64), (character) => character.charCodeAt(0));
}

async function call(url, method, body) {
  const response = await fetch(url, {
    method,
    headers: { Accept: "application/json", ...(body ? { "Content-Type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
    credentials: "same-origin",
  });
  if (!response.ok) throw new Error(String(response.status));
}

async function setup() {
  const data = panel.dataset;
  const on = panel.querySelector("[data-push-on]");
  const off = panel.querySelector("[data-push-off]");
  const state = panel.querySelector("[data-push-state]");
  const registration = await navigator.serviceWorker.register(data.swUrl);
  panel.hidden = false;

  async function show(message = "") {
    const subscription = await registration.pushManager.getSubscription();
    on.hidden = Boolean(subscription);
    off.hidden = !subscription;
    state.textContent = message || (subscription ? data.textOn : Notification.permission === "denied" ? data.textDenied : "");
  }

  on.addEventListener("click", async () => {
    on.disabled = true;
    try {
      if ((await Notification.requestPermission()) !== "granted") {
        await show(data.textDenied);
        return;
      }
      const subscription = await registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: keyBytes(data.publicKey),
      });
      try {
        await call(data.subscriptionsUrl, "POST", subscription.toJSON());
      } catch (error) {
        await subscription.unsubscribe(); // the server does not know it: no half state
        throw error;
      }
      await show();
    } catch (error) {
      await show(data.textFailed);
    } finally {
      on.disabled = false;
    }
  });

  off.addEventListener("click", async () => {
    const subscription = await registration.pushManager.getSubscription();
    if (subscription) {
      const url = `${data.subscriptionsUrl}?endpoint=${encodeURIComponent(subscription.endpoint)}`;
      await call(url, "DELETE").catch(() => {}); // gone from the server, or 410 at the next push
      await subscription.unsubscribe();
    }
    await show();
  });

  await show();
}

if (panel && supported()) setup().catch(() => {});
