// Finding someone by name (a badge left at home): the server's search, or offline the check-in list.
import { api, isNetworkTrouble } from "./api.js";
import { redeem } from "./checkins.js";
import { attendeeOf } from "./decide.js";
import { $, data, line, text } from "./page.js";
import { session } from "./session.js";
import { saved } from "./storage.js";

const searchInput = $("search");
let searchTimer = null;
let searchRound = 0;

function searchLocally(query) {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const upper = query.toUpperCase();
  return ((saved.list && saved.list.people) || [])
    .filter((p) => p.reference === upper || words.every((word) => p.name.toLowerCase().includes(word)))
    .slice(0, 20)
    .map((p) => ({ ...attendeeOf(p), reference: p.reference, status: p.status, checked_in: p.checked_in }));
}

function resultItem(match) {
  const item = document.createElement("li");
  const who = document.createElement("div");
  who.append(line("result-name", match.name));
  who.append(line("result-detail", [match.role_label, match.municipality, match.reference].filter(Boolean).join(" · ")));
  if (match.status !== "confirmed") who.append(line("result-flag", text.cancelled));
  else if (match.checked_in) who.append(line("result-flag", text.checkedIn));
  const button = document.createElement("button");
  button.type = "button";
  button.className = "secondary";
  button.textContent = text.checkIn;
  button.setAttribute("aria-label", `${text.checkIn}: ${match.name}`);
  button.addEventListener("click", async () => {
    await redeem({ reference: match.reference });
    search();
  });
  item.append(who, button);
  return item;
}

async function search() {
  const query = searchInput.value.trim();
  const round = ++searchRound;
  const results = $("search-results");
  const status = $("search-status");
  if (query.length < 2) {
    results.replaceChildren();
    status.textContent = query ? text.searchShort : "";
    return;
  }
  let matches;
  let offline = false;
  try {
    if (!session.online) throw new Error("offline");
    matches = await api(`${data.searchUrl}?q=${encodeURIComponent(query)}`);
  } catch (error) {
    if (!isNetworkTrouble(error)) return;
    matches = searchLocally(query);
    offline = true;
  }
  if (round !== searchRound) return; // a newer search is under way
  status.textContent = matches.length
    ? `${matches.length} ${text.searchFound}${offline ? ". " + text.searchOffline : ""}`
    : text.searchNone;
  results.replaceChildren(...matches.map(resultItem));
}

export function setupSearch() {
  searchInput.addEventListener("input", () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(search, 300);
  });
  $("search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(searchTimer);
    search();
  });
}
