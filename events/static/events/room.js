// Polls and questions in the room: the voter's page, the big screen and the moderator's page.
// Each follows the room's public socket (/ws/room/<code>/, through live-socket.js) and acts
// through the API. Everything people typed (questions, word answers, options) is put in the page
// with textContent, never as HTML: a question that looks like markup shows as the text it is.
import { connectLive } from "./live-socket.js";

const root = document.querySelector("[data-room-page]");
const labels = (document.getElementById("room-labels") || { dataset: {} }).dataset;
const dataNode = document.getElementById("room-data");
const data = dataNode ? JSON.parse(dataNode.textContent) : {};
const page = root ? root.dataset.roomPage : "";
const code = root ? root.dataset.room : "";

const polls = new Map(); // id → poll as the socket sends it (results included)
const questions = new Map(); // id → public question
const mine = new Map(Object.entries(data.mine || {}).map(([id, choices]) => [Number(id), choices]));
const upvoted = new Set(data.upvoted || []);

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "text") node.textContent = value;
    else if (value !== false && value !== null && value !== undefined) node.setAttribute(name, value);
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

function votesText(count) {
  return count === 1 ? labels.oneVote : (labels.manyVotes || "{n}").replace("{n}", String(count));
}

// --- talking to the API -------------------------------------------------------------------

function csrfToken() {
  const field = document.querySelector("input[name=csrfmiddlewaretoken]");
  return field ? field.value : "";
}

async function call(method, path, body) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (page === "moderator") {
    if (data.token) headers.Authorization = `Bearer ${data.token}`;
    else headers["X-CSRFToken"] = csrfToken();
  }
  const response = await fetch(`/api/v1/${path}`, {
    method,
    headers,
    credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let answer = {};
  try {
    answer = await response.json();
  } catch (error) {
    answer = {};
  }
  if (!response.ok) {
    const messages = Object.values(answer.errors || {}).flat();
    throw new Error(messages.length ? messages.join(" ") : answer.detail || String(response.status));
  }
  return answer;
}

function report(node, text, failed = false) {
  if (!node) return;
  node.textContent = failed ? `${labels.failed} ${text}` : text;
  node.dataset.failed = failed ? "true" : "false";
}

// --- results, as all three pages show them ------------------------------------------------

function resultsView(poll) {
  const results = poll.results;
  const box = element("div", { class: "room-results" });
  if (poll.kind === "words") {
    const most = Math.max(1, ...results.counts.map((item) => item.count));
    const cloud = element("ul", { class: "room-words" });
    for (const item of results.counts) {
      const word = element("li", { text: item.label, "data-count": item.count });
      // Five sizes, by frequency: the class is chosen here, the sizes are in room.css.
      word.className = `size-${Math.ceil((item.count / most) * 5)}`;
      cloud.append(word);
    }
    box.append(cloud);
  } else {
    const most = Math.max(1, results.votes);
    const bars = element("ol", { class: "room-bars" });
    for (const item of results.counts) {
      const fill = element("span", { class: "fill" });
      fill.style.width = `${Math.round((item.count / most) * 100)}%`;
      bars.append(
        element(
          "li",
          {},
          element("span", { class: "label", text: item.label }),
          element("span", { class: "bar", "aria-hidden": "true" }, fill),
          element("span", { class: "count", text: String(item.count) }),
        ),
      );
    }
    box.append(bars);
  }
  let summary = votesText(results.votes);
  if (results.average !== null && results.average !== undefined) summary += ` · ${labels.average} ${results.average}`;
  box.append(element("p", { class: "room-votes", text: summary }));
  return box;
}

function sortedQuestions() {
  return [...questions.values()].sort((a, b) => b.votes - a.votes || a.id - b.id);
}

// --- the big screen ---------------------------------------------------------------------

function renderScreen() {
  const pollBox = document.getElementById("screen-poll");
  const all = [...polls.values()];
  const current = all.filter((poll) => poll.status === "open").pop() || all.pop();
  pollBox.replaceChildren();
  if (current) {
    pollBox.append(element("p", { class: "room-poll-question", text: current.question }), resultsView(current));
  } else {
    pollBox.append(element("p", { class: "muted", text: labels.noPoll }));
  }
  const list = document.getElementById("screen-questions");
  list.replaceChildren(
    ...sortedQuestions()
      .filter((question) => question.status === "approved")
      .slice(0, 8)
      .map((question) =>
        element(
          "li",
          { "data-status": question.status },
          element("span", { class: "text", text: question.text }),
          question.name ? element("span", { class: "name", text: question.name }) : null,
          element("span", { class: "votes", text: votesText(question.votes) }),
        ),
      ),
  );
}

// --- the voter's page -------------------------------------------------------------------

function choiceInputs(poll, form) {
  const previous = mine.get(poll.id) || [];
  const group = element("fieldset", {});
  group.append(element("legend", { text: poll.question }));
  const name = `poll-${poll.id}`;
  if (poll.kind === "words") {
    const id = `${name}-word`;
    group.append(
      element("label", { for: id, text: labels.word }),
      element("input", { type: "text", id, name: "word", maxlength: "40", required: "", value: previous[0] || "" }),
    );
    return group;
  }
  const options = poll.kind === "scale" ? ["1", "2", "3", "4", "5"] : poll.options;
  const type = poll.kind === "multiple" ? "checkbox" : "radio";
  options.forEach((option, index) => {
    const value = poll.kind === "scale" ? index + 1 : index;
    const input = element("input", { type, name, value: String(value), checked: previous.includes(value) ? "" : null });
    group.append(element("label", { class: "choice" }, input, document.createTextNode(` ${option}`)));
  });
  form.dataset.kind = poll.kind;
  return group;
}

function chosen(poll, form) {
  if (poll.kind === "words") return [form.elements.word.value];
  return [...form.querySelectorAll("input:checked")].map((input) => Number(input.value));
}

function pollCard(poll) {
  const card = element("article", { class: "room-poll", "data-poll": poll.id, "data-status": poll.status });
  if (poll.status === "open" && data.attending) {
    const form = element("form", { class: "room-vote" });
    const status = element("p", { class: "form-status", role: "status" });
    form.append(
      choiceInputs(poll, form),
      element("button", { type: "submit", text: mine.has(poll.id) ? labels.changeVote : labels.vote }),
      status,
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        const answer = await call("POST", `registrations/${data.token}/votes`, {
          poll: poll.id,
          choices: chosen(poll, form),
        });
        mine.set(poll.id, answer.choices);
        form.querySelector("button").textContent = labels.changeVote;
        report(status, labels.voted);
      } catch (error) {
        report(status, error.message, true);
      }
    });
    card.append(form);
  } else {
    card.append(element("h3", { text: poll.question }), element("p", { class: "muted", text: labels.closed }));
  }
  card.append(resultsView(poll));
  return card;
}

function renderVoterPolls() {
  const box = document.getElementById("voter-polls");
  const shown = [...polls.values()].reverse();
  // A poll being filled in is not rebuilt (that would clear the choice); its results are.
  const existing = new Map([...box.querySelectorAll("[data-poll]")].map((card) => [Number(card.dataset.poll), card]));
  if (!shown.length) {
    box.replaceChildren(element("p", { class: "muted", text: labels.noPoll }));
    return;
  }
  const cards = shown.map((poll) => {
    const card = existing.get(poll.id);
    if (card && card.dataset.status === poll.status && poll.status === "open" && data.attending) {
      card.querySelector(".room-results").replaceWith(resultsView(poll));
      return card;
    }
    return pollCard(poll);
  });
  box.replaceChildren(...cards);
}

function renderVoterQuestions() {
  const list = document.getElementById("voter-questions");
  const shown = sortedQuestions();
  if (!shown.length) {
    list.replaceChildren(element("li", { class: "muted", text: labels.noQuestions }));
    return;
  }
  list.replaceChildren(
    ...shown.map((question) => {
      const button = element("button", {
        type: "button",
        class: "secondary",
        "aria-pressed": upvoted.has(question.id) ? "true" : "false",
        disabled: upvoted.has(question.id) || !data.attending || question.status !== "approved" ? "" : null,
        text: upvoted.has(question.id) ? labels.upvoted : labels.upvote,
      });
      button.addEventListener("click", async () => {
        try {
          await call("POST", `registrations/${data.token}/questions/${question.id}/upvote`);
          upvoted.add(question.id);
          renderVoterQuestions();
        } catch (error) {
          button.textContent = `${labels.failed} ${error.message}`;
        }
      });
      return element(
        "li",
        { "data-status": question.status },
        element("span", { class: "text", text: question.text }),
        question.name ? element("span", { class: "name", text: question.name }) : null,
        element("span", { class: "votes", text: votesText(question.votes) }),
        question.status === "answered" ? element("span", { class: "tag", text: labels.statusAnswered }) : button,
      );
    }),
  );
}

function setUpAsking() {
  const form = document.getElementById("ask-form");
  if (!form) return;
  const status = document.getElementById("ask-status");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await call("POST", `registrations/${data.token}/questions`, {
        session: data.session,
        text: form.elements.text.value,
        show_name: form.elements.show_name.checked,
      });
      form.reset();
      report(status, labels.asked);
    } catch (error) {
      report(status, error.message, true);
    }
  });
}

// --- the moderator's page ---------------------------------------------------------------

async function loadModeratorPolls() {
  const all = await call("GET", `workshops/${data.session}/polls`);
  const list = document.getElementById("moderator-polls");
  list.replaceChildren(
    ...all.reverse().map((poll) => {
      const actions = element("p", { class: "actions" });
      if (poll.status === "draft") actions.append(actionButton(labels.openPoll, `polls/${poll.id}/open`));
      if (poll.status !== "closed") actions.append(actionButton(labels.closePoll, `polls/${poll.id}/close`, "secondary"));
      const state = { draft: labels.draft, open: labels.open, closed: labels.closed }[poll.status];
      return element(
        "li",
        { "data-poll": poll.id, "data-status": poll.status },
        element("h3", { text: poll.question }),
        element("p", { class: "tag", text: state }),
        actions,
        resultsView(poll),
      );
    }),
  );
}

async function loadModeratorQuestions() {
  const all = await call("GET", `workshops/${data.session}/questions`);
  const order = { pending: 0, approved: 1, answered: 2, hidden: 3 };
  all.sort((a, b) => order[a.status] - order[b.status] || b.votes - a.votes || a.id - b.id);
  const list = document.getElementById("moderator-questions");
  const statusLabel = {
    pending: labels.statusPending,
    approved: labels.statusApproved,
    hidden: labels.statusHidden,
    answered: labels.statusAnswered,
  };
  list.replaceChildren(
    ...all.map((question) => {
      const asker = question.asked_by;
      const who = [asker.name, asker.affiliation].filter(Boolean).join(", ");
      const actions = element("p", { class: "actions" });
      if (question.status !== "approved") actions.append(actionButton(labels.approve, `questions/${question.id}/approve`));
      if (question.status !== "hidden") actions.append(actionButton(labels.hide, `questions/${question.id}/hide`, "secondary"));
      if (question.status === "approved") actions.append(actionButton(labels.answered, `questions/${question.id}/answered`, "secondary"));
      return element(
        "li",
        { "data-question": question.id, "data-status": question.status },
        element("span", { class: "text", text: question.text }),
        element("span", {
          class: "name",
          text: `${who} (${question.show_name ? labels.named : labels.anonymous})`,
        }),
        element("span", { class: "tag", text: `${statusLabel[question.status]} · ${votesText(question.votes)}` }),
        actions,
      );
    }),
  );
}

function actionButton(text, path, kind = "") {
  const button = element("button", { type: "button", class: kind || null, text });
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      await call("POST", path);
      await refreshModerator();
    } catch (error) {
      button.textContent = `${labels.failed} ${error.message}`;
    }
  });
  return button;
}

let refreshing = null;
function refreshModerator() {
  // One refresh at a time; a burst of votes or questions becomes one reload.
  if (!refreshing) {
    refreshing = Promise.all([loadModeratorPolls(), loadModeratorQuestions()])
      .catch(() => {})
      .finally(() => {
        refreshing = null;
      });
  }
  return refreshing;
}

function setUpPollForm() {
  const form = document.getElementById("poll-form");
  if (!form) return;
  const status = document.getElementById("poll-status");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const kind = form.elements.kind.value;
    const options = form.elements.options.value
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean);
    const body = { question: form.elements.question.value, kind };
    if (options.length) body.options = options;
    try {
      await call("POST", `workshops/${data.session}/polls`, body);
      form.reset();
      report(status, labels.pollMade);
      await refreshModerator();
    } catch (error) {
      report(status, error.message, true);
    }
  });
}

function showPending(count) {
  const node = document.getElementById("pending-count");
  if (!node) return;
  node.textContent = count ? (count === 1 ? labels.pendingOne : labels.pendingMany.replace("{n}", String(count))) : "";
}

// --- wiring -------------------------------------------------------------------------------

function render() {
  if (page === "screen") renderScreen();
  if (page === "voter") {
    renderVoterPolls();
    renderVoterQuestions();
  }
}

if (root) {
  const statusLine = document.getElementById("live-status");
  if (page === "voter") setUpAsking();
  if (page === "moderator") {
    setUpPollForm();
    refreshModerator();
  }
  connectLive({
    // The big screen and the moderator follow the results more often than the phones.
    path: `/ws/room/${encodeURIComponent(code)}/${page === "voter" ? "" : "?screen=1"}`,
    refreshEvery: 60000,
    onState(state) {
      if (!statusLine) return;
      statusLine.dataset.state = state;
      statusLine.textContent = labels[state] || "";
    },
    handlers: {
      snapshot(message) {
        polls.clear();
        for (const poll of message.polls) polls.set(poll.id, poll);
        questions.clear();
        for (const question of message.questions) questions.set(question.id, question);
        showPending(message.pending);
        render();
        if (page === "moderator") refreshModerator();
      },
      poll(message) {
        polls.set(message.poll.id, message.poll);
        render();
        if (page === "moderator") refreshModerator();
      },
      question(message) {
        questions.set(message.question.id, message.question);
        render();
        if (page === "moderator") refreshModerator();
      },
      question_removed(message) {
        questions.delete(message.id);
        render();
        if (page === "moderator") refreshModerator();
      },
      pending(message) {
        showPending(message.pending);
        if (page === "moderator") refreshModerator();
      },
    },
  });
}
