/* The organisers' questions on the registration form: a question asked of some roles only is
   hidden while another role is chosen (without a role, or without this script, every question
   shows with its note). The server decides either way: answers to questions the role is not
   asked are ignored. */
const role = document.getElementById("id_role");
const questions = [...document.querySelectorAll(".question[data-roles]")];

function showFor(value) {
  for (const question of questions) {
    const roles = question.dataset.roles.split(" ").filter(Boolean);
    question.hidden = Boolean(value) && roles.length > 0 && !roles.includes(value);
  }
}

if (role && questions.length) {
  role.addEventListener("change", () => showFor(role.value));
  showFor(role.value);
}
