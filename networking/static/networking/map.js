// The map of the Netherlands on the network pages (templates/networking/_map.html): colours and
// figures per municipality, kept live from the socket's snapshot and `signup` events (each brings
// the municipality's entry: code, name, state, present, offers, summary, as the server words it).
const STATES = ["present", "signed-up", "both"];

export function followMap(root) {
  const map = root.querySelector("[data-map]");
  if (!map) return null;
  const svg = map.querySelector(".map-svg");
  const caption = map.querySelector("#map-caption");
  const rows = map.querySelector("#map-rows");
  const empty = map.querySelector("#map-empty");
  const offerSlugs = [...map.querySelectorAll("thead th[data-offer]")].map((th) => th.dataset.offer);
  const paths = new Map([...svg.querySelectorAll("path[data-code]")].map((path) => [path.dataset.code, path]));
  const hint = caption.textContent;

  function show(event) {
    const path = event.target.closest("path[data-code]");
    caption.textContent = path ? path.querySelector("title").textContent : hint;
  }
  for (const type of ["mouseover", "focusin"]) svg.addEventListener(type, show);
  svg.addEventListener("mouseleave", () => (caption.textContent = hint));

  function paint(path, entry) {
    for (const state of STATES) path.classList.toggle(state, entry.state === state);
    path.querySelector("title").textContent = entry.summary;
    if (entry.state) {
      path.setAttribute("tabindex", "0");
      path.setAttribute("role", "img");
      path.setAttribute("aria-label", entry.summary);
      path.removeAttribute("aria-hidden");
    } else {
      for (const name of ["tabindex", "role", "aria-label"]) path.removeAttribute(name);
      path.setAttribute("aria-hidden", "true");
    }
  }

  function row(entry) {
    const tr = document.createElement("tr");
    tr.dataset.code = entry.code;
    const name = document.createElement("th");
    name.scope = "row";
    name.textContent = entry.name;
    const present = document.createElement("td");
    present.className = "num";
    present.textContent = String(entry.present);
    tr.append(name, present);
    for (const slug of offerSlugs) {
      const cell = document.createElement("td");
      cell.textContent = entry.offers[slug] || "–";
      tr.append(cell);
    }
    return tr;
  }

  function countStates() {
    for (const state of STATES) {
      const count = map.querySelector(`[data-state-count="${state}"]`);
      if (count) count.textContent = String(svg.querySelectorAll(`path.${state}`).length);
    }
    if (empty) empty.hidden = rows.children.length > 0;
  }

  function update(entry) {
    const path = paths.get(entry.code);
    if (path) paint(path, entry);
    const old = rows.querySelector(`tr[data-code="${CSS.escape(entry.code)}"]`);
    if (!entry.state) {
      if (old) old.remove();
    } else if (old) {
      old.replaceWith(row(entry));
    } else {
      // Keep the table in name order, as the server sends it.
      const next = [...rows.children].find((tr) => tr.querySelector("th").textContent.localeCompare(entry.name, "nl") > 0);
      rows.insertBefore(row(entry), next || null);
    }
    countStates();
  }

  function replaceAll(entries) {
    const byCode = new Map(entries.map((entry) => [entry.code, entry]));
    for (const [code, path] of paths) {
      const entry = byCode.get(code);
      if (entry) paint(path, entry);
      else if (path.classList.length) paint(path, { state: "", summary: path.dataset.name });
    }
    rows.replaceChildren(...entries.filter((entry) => entry.state).map(row));
    countStates();
  }

  return { update, replaceAll };
}
