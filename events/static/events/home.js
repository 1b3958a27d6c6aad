// The home page: "Mijn programma" for someone whose own page was opened in this browser (it leaves
// their workshops in localStorage, see manage.js), and the programme filter applies on change.
const section = document.getElementById("mijn-programma");

function mine() {
  try {
    return JSON.parse(localStorage.getItem("dld.mine") || "null");
  } catch {
    return null;
  }
}

function showMine() {
  const saved = mine();
  if (!section || !saved || !Array.isArray(saved.workshops)) return;
  const list = section.querySelector(".my-programme-list");
  list.replaceChildren();
  const sessions = saved.workshops
    .map((id) => document.querySelector(`.session[data-workshop="${id}"]`))
    .filter(Boolean);
  for (const session of sessions) {
    session.classList.add("is-mine");
    const round = session.closest("[data-round]");
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = `#${session.id}`;
    link.textContent = session.querySelector("h4").textContent;
    const when = round?.querySelector(".round-time")?.textContent ?? "";
    item.append(`${when} `, link);
    list.append(item);
  }
  section.querySelector("[data-my-page]").href = saved.page;
  section.hidden = false;
}

section?.querySelector("[data-forget]")?.addEventListener("click", () => {
  localStorage.removeItem("dld.mine");
  section.hidden = true;
  document.querySelectorAll(".session.is-mine").forEach((element) => element.classList.remove("is-mine"));
});

document.querySelectorAll(".programme-filter select").forEach((select) => {
  select.addEventListener("change", () => select.form.requestSubmit());
});

showMine();
