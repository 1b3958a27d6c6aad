/* The organisers' questions on the registration and delegation forms: a question asked of some
   roles only is hidden while another role is chosen in its scope (the form, or a delegation
   member's row: [data-question-scope] with a role field). Without a role, or without this script,
   every question shows with its note. The server decides either way: answers to questions the
   role is not asked are ignored. A block with [data-shown-by="<checkbox id>"] (the coordinator's
   questions, asked only while "I attend" is checked) shows while that box is checked. */
function showFor(value, questions) {
  for (const question of questions) {
    const roles = question.dataset.roles.split(" ").filter(Boolean);
    question.hidden = Boolean(value) && roles.length > 0 && !roles.includes(value);
  }
}

for (const scope of document.querySelectorAll("[data-question-scope]")) {
  // The scope's own role field and questions, not those of a row inside it.
  const own = (element) => element.closest("[data-question-scope]") === scope;
  const role = [...scope.querySelectorAll("select[name$='role']")].find(own);
  const questions = [...scope.querySelectorAll(".question[data-roles]")].filter(own);
  if (role && questions.length) {
    role.addEventListener("change", () => showFor(role.value, questions));
    showFor(role.value, questions);
  }
}

for (const block of document.querySelectorAll("[data-shown-by]")) {
  const box = document.getElementById(block.dataset.shownBy);
  if (box) {
    const show = () => { block.hidden = !box.checked; };
    box.addEventListener("change", show);
    show();
  }
}
