// The scanner page's elements and texts (templates/checkin/scan.html): its URLs on #scanner, its
// translated texts on #messages.
export const $ = (id) => document.getElementById(id);
export const data = $("scanner").dataset;
export const text = $("messages").dataset;

export { clock } from "../../events/times.js";

export function line(className, content) {
  const element = document.createElement("span");
  element.className = className;
  element.textContent = content;
  return element;
}
