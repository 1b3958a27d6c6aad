/*
 * The live programme of the Dag van de Lokale Democratie on another site. Paste where it should appear:
 *
 *   <script src="https://<our site>/static/events/embed.js" async></script>
 *
 * It puts an iframe of <our site>/programma/embed/ right after itself (or into the element that
 * `data-target="#some-id"` names) and keeps the frame as tall as the programme (the page inside
 * posts its height). The site must be listed in EMBED_ALLOWED_ORIGINS, or the browser shows no
 * frame. A classic script, not a module: it needs `document.currentScript` and no CORS.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src) return;
  var origin = new URL(script.src).origin;
  var frame = document.createElement("iframe");
  frame.src = origin + "/programma/embed/";
  frame.title = script.getAttribute("data-title") || "Programma Dag van de Lokale Democratie";
  frame.loading = "lazy";
  frame.referrerPolicy = "strict-origin-when-cross-origin";
  // Scripts and the socket to our own origin inside; links open in a new tab, never this page.
  frame.setAttribute("sandbox", "allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox");
  frame.setAttribute("data-dld-programme", "");
  frame.style.display = "block";
  frame.style.width = "100%";
  frame.style.minWidth = "0";
  frame.style.height = "600px";
  frame.style.border = "0";

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (event.origin !== origin || event.source !== frame.contentWindow) return;
    if (!data || data.type !== "dld-programme:height" || typeof data.height !== "number") return;
    frame.style.height = Math.max(0, Math.min(Math.ceil(data.height), 100000)) + "px";
  });
  frame.addEventListener("load", function () {
    // The programme may have measured itself before this listener was there: ask once more.
    frame.contentWindow.postMessage({ type: "dld-programme:ask-height" }, origin);
  });

  var selector = script.getAttribute("data-target");
  var target = selector ? document.querySelector(selector) : null;
  if (target) {
    target.appendChild(frame);
  } else {
    script.parentNode.insertBefore(frame, script.nextSibling);
  }
})();
