// Search with the on-screen keyboard: Chinese via hot words or the device's
// input method, pinyin by letters (full syllables or initials), several words
// apart with the space key. Results show above the keyboard, which folds away
// once they are asked for (查找, a hot word) and comes back with its button.

import { backBar, fill, h, link, marked } from "./dom.js";
import { keyboard } from "./keyboard.js";
import { personWaits } from "./waiting.js";

const HOT = ["党费", "社保", "不动产", "养老保险", "身份证", "营业执照", "入学", "党员发展", "预算", "征求意见"];

const KINDS = {
  guide: ["指南", "guide", (id) => `#/guide/${id}`],
  window: ["窗口", "window", (id) => `#/window/${id}`],
  item: ["公开", "", (id) => `#/item/${id}`],
};

function resultRow(r) {
  const [badge, badgeClass, href] = KINDS[r.kind] || KINDS.item;
  return link(
    href(r.id),
    { class: "row result" },
    h("span", { class: "row-title" }, h("em", { class: `badge ${badgeClass}` }, badge), marked(r.title, r.title_spans)),
    r.snippet ? h("span", { class: "snippet" }, marked(r.snippet, r.snippet_spans)) : null,
    h("span", { class: "row-meta" }, [r.category, r.date].filter(Boolean).join("　")),
  );
}

// Hot words sharing a character with what was typed (all of them when none does).
function related(q) {
  const chars = new Set(q);
  const near = HOT.filter((w) => [...w].some((c) => chars.has(c)));
  return near.length ? near : HOT;
}

// Nothing found: other words to try, the guides, and the question itself to ask.
function emptyHelp(ctx, q, pick) {
  const guides = ctx.store.data.guides.slice(0, 6);
  return h("div", { class: "search-empty" },
    h("p", { class: "hot-label" }, "试试这些词"),
    h("div", { class: "chips" }, related(q).map((word) => h("button", { type: "button", class: "chip", onclick: () => pick(word) }, word))),
    guides.length ? h("p", { class: "hot-label" }, "办事指南") : null,
    h("div", { class: "list" }, guides.map((g) => link(`#/guide/${g.id}`, { class: "row" }, h("span", { class: "row-title" }, g.name)))),
    link("#/guides", { class: "more" }, "全部办事指南 ›"),
    h("button", { type: "button", class: "btn primary big ask-this", onclick: () => {
      const draft = ctx.drafts.ask || (ctx.drafts.ask = { kind: "question", topic: "其他", consent: "no" });
      draft.kind = "question";
      draft.text = q;
      ctx.go("#/ask");
    } }, `没找到？直接提问：“${q}”`),
  );
}

export function search(ctx) {
  const draft = ctx.drafts.search || (ctx.drafts.search = { q: "" });
  const input = h("input", { class: "search-input", id: "search-q", inputmode: "none", autocomplete: "off", placeholder: "输入拼音首字母，如 bdc", maxlength: 40 });
  input.value = draft.q;
  const status = h("p", { class: "search-status", role: "status" });
  const results = h("div", { class: "results" });
  let timer = null;
  let seq = 0;

  const board = keyboard((key) => onKey(key), { space: true });
  const toggle = h("button", { type: "button", class: "chip keyboard-toggle", "aria-expanded": "true", onclick: () => fold(!board.classList.contains("folded")) }, "");
  const fold = (folded) => {
    board.classList.toggle("folded", folded);
    view.classList.toggle("kb-folded", folded);
    toggle.setAttribute("aria-expanded", String(!folded));
    toggle.textContent = folded ? "⌨ 打开键盘" : "⌨ 收起键盘";
  };
  // A hot word adds to what is typed ("登记" then "不动产": both words), once; a word
  // offered when nothing was found replaces the query.
  const pick = (word, replace = false) => {
    const words = replace ? [] : input.value.split(/\s+/).filter(Boolean);
    if (!words.includes(word)) words.push(word);
    input.value = words.join(" ");
    changed(true);
    fold(true);
  };
  const show = (list, total, note) => {
    status.dataset.query = draft.q.trim();
    status.textContent = list.length ? `找到 ${total} 条${note || ""}` : `没有找到${note || ""}，请换个词试试`;
    fill(results, ...(list.length ? list.map(resultRow) : [emptyHelp(ctx, draft.q.trim(), (word) => pick(word, true))]));
  };
  const run = async () => {
    const q = draft.q.trim();
    const mine = ++seq;
    if (!q) {
      status.textContent = "点选常用词，或用下方键盘输入拼音";
      fill(results);
      return;
    }
    const url = `${ctx.cfg.base}/api/v1/search?q=${encodeURIComponent(q)}&hall=${encodeURIComponent(ctx.cfg.hall)}&surface=kiosk&per_page=30`;
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, signal: personWaits() });
      if (!response.ok) throw new Error(String(response.status));
      const body = await response.json();
      if (mine === seq) show(body.results, body.total_capped ? `${body.total}+` : body.total, "");
    } catch (err) {
      if (mine !== seq) return;
      const local = ctx.store.searchLocal(q);
      show(local.slice(0, 30), local.length, "（离线查找）");
    }
  };
  const changed = (immediate) => {
    draft.q = input.value;
    clearTimeout(timer);
    timer = setTimeout(run, immediate ? 0 : 250);
  };
  input.addEventListener("input", () => changed(false));
  const onKey = (key) => {
    if (key === "back") input.value = input.value.slice(0, -1);
    else if (key === "clear") {
      // Starting over: the keyboard opens again.
      input.value = "";
      fold(false);
    }
    else if (key === "go") {
      changed(true);
      if (input.value.trim()) fold(true);
      return;
    } else if (key === "space") {
      if (input.value && !input.value.endsWith(" ")) input.value += " ";
    } else input.value += key;
    changed(false);
  };
  input.addEventListener("pointerdown", () => fold(false));
  const hot = h("div", { class: "chips hot" }, h("span", { class: "hot-label" }, "常用词"),
    HOT.map((word) => h("button", { type: "button", class: "chip", onclick: () => pick(word) }, word)));
  const view = h(
    "div",
    { class: "page search fit" },
    backBar(),
    h("div", { class: "search-box" }, h("span", { class: "ico", "aria-hidden": "true" }, "⌕"), input,
      h("button", { type: "button", class: "chip", onclick: () => onKey("clear") }, "清空"), toggle),
    hot,
    status,
    results,
    board,
  );
  fold(false);
  run();
  return view;
}
