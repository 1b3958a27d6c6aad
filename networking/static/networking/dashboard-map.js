// The map of the network on the organisers' dashboard (networking/_dashboard_map.html): it hears the
// dashboard's own socket (/ws/dashboard/, opened by the dashboard's module), reading the snapshot's
// `stats.map` and the `map` of `signup` events; one connection per page.
import { followLive } from "../events/live-socket.js";
import { followMap } from "./map.js";

const root = document.querySelector("[data-map-socket]");
const map = root && followMap(root);
if (map) {
  followLive(root.dataset.mapSocket, {
    snapshot(message) {
      if (message.stats && message.stats.map) map.replaceAll(message.stats.map);
      root.dataset.live = "online";
    },
    signup(message) {
      if (message.map) map.update(message.map);
    },
  });
}
