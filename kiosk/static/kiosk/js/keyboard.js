// The on-screen keyboard: letters (for pinyin) and digits, a space between words
// where the page takes several, no system keyboard needed.

import { h } from "./dom.js";

const ROWS = ["1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm"];

export function keyboard(onKey, { space = false } = {}) {
  const key = (value, label, cls = "", aria = null) =>
    h("button", { type: "button", class: `key ${cls}`, dataset: { key: value }, "aria-label": aria }, label);
  const rows = ROWS.map((row, n) =>
    h(
      "div",
      { class: "krow" },
      [...row].map((ch) => key(ch, ch.toUpperCase())),
      n === 3 ? key("back", "⌫ 退格", "wide") : null,
    ),
  );
  rows.push(
    h(
      "div",
      { class: "krow" },
      key("clear", "清空", "wide"),
      space ? key("space", "空格", "wider space", "空格（分隔两个词）") : null,
      key("go", "查 找", "wider primary"),
    ),
  );
  const board = h("div", { class: "keyboard", role: "group", "aria-label": "屏幕键盘" }, rows);
  board.addEventListener("click", (event) => {
    const button = event.target.closest("[data-key]");
    if (button) onKey(button.dataset.key);
  });
  return board;
}
