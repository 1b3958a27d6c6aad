// Network pages (/netwerk/, /netwerk/muur/): places left per offer and the network's members,
// live over /ws/netwerk/ (events/live-socket.js), and the kiosk's return to an empty form. Without
// JavaScript the pages still work: the numbers are those of page load, and the kiosk falls back
// to a meta refresh.
import { connectLive } from "../events/live-socket.js";
import { followMap } from "./map.js";

const root = document.querySelector(".network-page");
const labels = (document.getElementById("network-labels") || { dataset: {} }).dataset;

/** Nothing typed by one visitor stays on screen for the next. */
function resetKiosk() {
  const resetUrl = root.dataset.resetUrl;
  const resetAfter = Number(root.dataset.resetAfter || 0);
  if (resetAfter > 0) {
    setTimeout(() => window.location.replace(resetUrl), resetAfter * 1000);
  }
  const form = root.querySelector("form.signup-form");
  if (!form) return;
  // A page restored from the back/forward cache would show the previous entry.
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) form.reset();
  });
  const idle = Number(root.dataset.idleReset || 0) * 1000;
  if (idle > 0) {
    let timer = null;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => window.location.replace(resetUrl), idle);
    };
    for (const type of ["input", "pointerdown", "keydown"]) {
      document.addEventListener(type, arm, { passive: true });
    }
    arm();
  }
}

function followLive() {
  const statusLine = document.getElementById("live-status");
  const members = document.getElementById("members");
  const memberCount = document.getElementById("member-count");
  const membersEmpty = document.getElementById("members-empty");
  const networkSlug = root.dataset.networkSlug;
  const map = followMap(root);

  function placesText(offer) {
    if (offer.places === null) return labels.unlimited;
    if (offer.places_left === 0) return labels.full;
    if (offer.places_left === 1) return labels.oneLeft;
    return labels.manyLeft.replace("{n}", String(offer.places_left));
  }

  function setOffer(offer) {
    for (const element of document.querySelectorAll("[data-offer-places]")) {
      if (element.dataset.offerPlaces !== offer.slug) continue;
      element.textContent = placesText(offer);
      const full = offer.places !== null && offer.places_left === 0;
      element.classList.toggle("full", full);
      element.classList.toggle("free", !full);
    }
  }

  function memberItem(member) {
    const item = document.createElement("li");
    const name = document.createElement("span");
    name.className = "name";
    name.textContent = member.municipality;
    const province = document.createElement("span");
    province.className = "province";
    province.textContent = member.province;
    item.append(name, " ", province);
    return item;
  }

  function showCount(count) {
    if (memberCount) memberCount.textContent = String(count);
    if (membersEmpty) membersEmpty.hidden = count > 0;
  }

  const handlers = {
    snapshot(message) {
      for (const offer of message.offers) setOffer(offer);
      if (map && message.map) map.replaceAll(message.map);
      if (members) {
        members.replaceChildren(...message.members.map(memberItem));
        showCount(message.members.length);
      }
    },
    signup(message) {
      setOffer(message.offer);
      if (map && message.map) map.update(message.map);
      if (!members || message.offer.slug !== networkSlug || message.signup.status !== "accepted") return;
      // The snapshot may already hold this member (it joined while the socket connected).
      if (members.children.length < message.offer.taken) {
        const item = memberItem(message.signup);
        item.classList.add("new");
        members.append(item);
        item.scrollIntoView({ block: "nearest" });
      }
      showCount(message.offer.taken);
    },
  };

  function setStatus(name) {
    if (!statusLine) return;
    statusLine.dataset.state = name;
    statusLine.textContent = labels[name] || "";
  }

  connectLive({
    path: root.dataset.socket,
    handlers,
    onState: setStatus,
    refreshEvery: 60000,
  });
}

if (root) {
  if (root.hasAttribute("data-kiosk")) resetKiosk();
  if (root.dataset.socket) followLive();
}
