// Inside the embedded programme (/programma/embed/): tells the page that embeds it how tall the
// programme is, whenever that changes (a font loaded, a workshop moved to another round), so that
// events/embed.js sizes the iframe to it. Only a height is sent, to whichever site framed us: the
// page's frame-ancestors (config.security) already limits those to EMBED_ALLOWED_ORIGINS.
const MESSAGE = "dld-programme:height";
let sent = 0;

function send() {
  const height = Math.ceil(document.body.getBoundingClientRect().height);
  if (height === sent || window.parent === window) return;
  sent = height;
  window.parent.postMessage({ type: MESSAGE, height }, "*");
}

new ResizeObserver(send).observe(document.body);
window.addEventListener("load", send);
// The embedding page's script may load after us and ask again.
window.addEventListener("message", (event) => {
  if (event.source === window.parent && event.data?.type === "dld-programme:ask-height") {
    sent = 0;
    send();
  }
});
