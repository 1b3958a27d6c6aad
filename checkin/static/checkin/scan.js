// Staff scanner: sends a typed or pasted badge code to the redeem API and shows the answer.
(() => {
  const root = document.querySelector(".scanner");
  const form = document.getElementById("scan-form");
  const input = document.getElementById("code");
  const answer = document.getElementById("answer");
  const undoButton = document.getElementById("undo");
  const text = document.getElementById("messages").dataset;
  let last = null;

  const csrfToken = () => (document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/) || [])[1] || "";
  const nonce = () => Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
  const tone = (status) => ({ ok: "ok", undone: "ok", already_checked_in: "warn", not_checked_in: "warn" })[status] || "bad";

  async function post(url, body) {
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(String(response.status));
    return response.json();
  }

  function show(result) {
    answer.hidden = false;
    answer.className = "answer " + tone(result.status);
    answer.replaceChildren();
    const status = document.createElement("span");
    status.className = "answer-status";
    status.textContent = text[result.status] || result.status;
    answer.append(status);
    if (result.attendee) {
      const who = document.createElement("div");
      who.textContent = `${result.attendee.name} · ${result.attendee.role_label} · ${result.attendee.municipality}`;
      answer.append(who);
    }
    if (result.status === "already_checked_in" && result.checked_in_at) {
      const when = document.createElement("div");
      when.textContent = `${text.first} ${new Date(result.checked_in_at).toLocaleTimeString("nl-NL", { hour: "2-digit", minute: "2-digit" })}`;
      answer.append(when);
    }
  }

  function fail() {
    answer.hidden = false;
    answer.className = "answer bad";
    answer.textContent = text.error;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const secret = input.value.trim();
    if (!secret) return;
    input.value = "";
    try {
      const result = await post(root.dataset.redeemUrl, { secret, nonce: nonce() });
      show(result);
      last = result.status === "ok" ? secret : null;
      undoButton.hidden = !last;
    } catch (error) {
      fail();
    }
    input.focus();
  });

  undoButton.addEventListener("click", async () => {
    if (!last) return;
    try {
      show(await post(root.dataset.undoUrl, { secret: last }));
    } catch (error) {
      fail();
    }
    last = null;
    undoButton.hidden = true;
    input.focus();
  });
})();
