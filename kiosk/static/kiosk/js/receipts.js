// Receipts at the kiosk: the receipt shown after a submission, the 暂存号 of one
// queued while the server is unreachable, a printed slip for either, and
// 查询回执 — looking a receipt up with the on-screen keyboard.
//
// The server decides what a typed number means (inquiries/receipts.py
// normalises it); the kiosk only sends what was typed.

import { backBar, fill, h, link, localTime, qrCard } from "./dom.js";
import { keyboard } from "./keyboard.js";
import { personWaits } from "./waiting.js";

// A 暂存号: the first characters of a kiosk-made idempotency key ("k-" + the
// receipt alphabet, see outbox.js); inquiries/receipts.py reads it the same way.
export const PENDING_LENGTH = 8;
export const pendingCode = (key) => (key && key.startsWith("k-") ? key.slice(2, 2 + PENDING_LENGTH) : "");
// How a number is shown, as inquiries/receipts.py group_receipt_no does it:
// WX-7KXM-4PQR-9HTW as "WX 7KXM 4PQR 9HTW"; an older number or a 暂存号 in fours.
const fours = (text) => text.replace(/(.{4})(?=.)/g, "$1 ");
export const grouped = (text) => {
  const t = text || "";
  return t.includes("-") ? t.replace(/-/g, " ") : fours(t);
};
const typedForm = (text) => (text || "").normalize("NFKC").toUpperCase().replace(/[^0-9A-Z]/g, "");
// What is being typed on the keyboard, grouped as it is printed: a kind prefix
// (WX, JY, …) apart, then fours, unless it is an older number (prefix and date).
const PREFIX = /^(WX|JY|YS|YJ|PJ)(?!\d{8})/;
const typedGrouped = (raw) => (PREFIX.test(raw) ? `${raw.slice(0, 2)} ${fours(raw.slice(2))}`.trim() : fours(raw));

function qrSrc(ctx, number) {
  return `${ctx.cfg.base}/kiosk/qr/receipts/${encodeURIComponent(number)}.png?box=8`;
}

// The slip the kiosk's printer gives: hidden on screen, alone on paper.
function slip(ctx, { title, number, lines, qr }) {
  const hall = ctx.store.data.hall;
  return h("section", { class: "slip", "aria-hidden": "true" },
    h("p", { class: "slip-hall" }, hall.name),
    h("p", { class: "slip-title" }, title),
    h("p", { class: "slip-no" }, grouped(number)),
    ...lines.filter(Boolean).map((line) => h("p", {}, line)),
    qr ? h("img", { class: "slip-qr", src: qr, alt: "" }) : null,
    h("p", { class: "slip-foot" }, `在触摸查询机“查询回执”输入号码${qr ? "或扫码" : ""}查看办理进度`),
    h("p", { class: "slip-foot" }, `打印时间 ${localTime(new Date().toISOString(), ctx.cfg.timezone)}`),
  );
}

function printButton() {
  return h("button", { type: "button", class: "btn big print-slip", onclick: () => {
    document.documentElement.classList.add("printing-slip");
    window.print();
  } }, "打印回执");
}
window.addEventListener("afterprint", () => document.documentElement.classList.remove("printing-slip"));

export function receipt(ctx, number) {
  const r = ctx.receipts.get(number) || ctx.outbox.receipts().find((x) => x.receipt_no === number);
  if (!r) return notFoundPage("没有找到这张回执");
  const words = ctx.store.data.vocabulary.progress.due;
  const due = r.due_on ? `${words.inquiry}：${r.due_on}` : r.resolve_due_on ? `${words.rating}：${r.resolve_due_on}` : "";
  // A call is promised only to someone who left a number.
  const call = r.follow_up && r.contact_due_on
    ? (r.has_phone === false ? "您未留联系电话，工作人员无法回访；可凭回执号查询整改情况" : `工作人员将于 ${r.contact_due_on} 前与您联系`)
    : "";
  return h(
    "div",
    { class: "page receipt" },
    h("h1", {}, "提交成功"),
    h("p", { class: "lead" }, `${r.kind_label}已受理，请记下回执号、打印回执或扫码查看办理进度`),
    h("div", { class: "receipt-card" },
      h("div", {},
        h("p", { class: "receipt-label" }, "回执号"),
        h("p", { class: "receipt-no" }, grouped(r.receipt_no)),
        due ? h("p", {}, due) : null,
        call ? h("p", { class: "call" }, call) : null,
      ),
      qrCard(qrSrc(ctx, r.receipt_no), "扫码查看进度"),
    ),
    h("div", { class: "actions" }, printButton(), link(`#/lookup/${r.receipt_no}`, { class: "btn big" }, "查询进度")),
    link("#/", { class: "btn primary big" }, "返回首页"),
    slip(ctx, { title: `${r.kind_label}回执`, number: r.receipt_no, lines: [due, call], qr: qrSrc(ctx, r.receipt_no) }),
  );
}

export function queued(ctx, reason, code) {
  const text = reason === "busy" ? "本机提交较多，已排队，稍后自动提交。" : "网络暂时中断，您的内容已保存在本机，恢复后会自动提交。";
  return h(
    "div",
    { class: "page receipt queued" },
    h("h1", {}, "已保存"),
    h("p", { class: "lead" }, text),
    code ? h("div", { class: "receipt-card" }, h("div", {},
      h("p", { class: "receipt-label" }, "暂存号"),
      h("p", { class: "receipt-no" }, grouped(code)),
      h("p", {}, "提交后凭暂存号在“查询回执”即可查到回执号和办理进度"),
    )) : null,
    h("p", {}, `本机待提交：${ctx.outbox.entries().length} 条。`),
    h("div", { class: "actions" }, code ? printButton() : null, link("#/lookup", { class: "btn big" }, "查询回执")),
    link("#/", { class: "btn primary big" }, "返回首页"),
    code ? slip(ctx, { title: "暂存回执（待提交）", number: code, lines: ["网络恢复后自动提交，凭暂存号查询回执号与进度"], qr: null }) : null,
  );
}

// The steps of a request in the words of the bundle's vocabulary (the phone page's too).
const STEPS = ["pending", "in_progress", "done"];

function progress(words, body) {
  if (body.kind === "rating" || body.state === "cannot_handle") {
    return h("p", { class: "state" }, `状态：${body.state_label}`);
  }
  const at = STEPS.indexOf(body.state);
  // The current step is marked by a word as well as by colour.
  return h("ol", { class: "progress", "aria-label": "办理进度" },
    STEPS.map((s, n) => h("li", { class: n < at ? "past" : n === at ? "now" : "", dataset: { state: s }, "aria-current": n === at ? "step" : null }, words.inquiry[s])));
}

function answerCard(ctx, body) {
  const words = ctx.store.data.vocabulary.progress;
  const rating = body.kind === "rating";
  const rows = [
    ["回执号", grouped(body.receipt_no)],
    ["类型", body.kind_label],
    ["提交时间", localTime(body.received_at, ctx.cfg.timezone)],
    [rating ? words.due.rating : words.due.inquiry, (rating ? body.resolve_due_on : body.due_on) || ""],
    ["主题", body.topic || ""],
  ].filter(([, v]) => v);
  return h("div", { class: "lookup-answer" },
    progress(words, body),
    h("dl", {}, rows.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])),
    body.text ? h("p", { class: "text" }, h("b", {}, "内容："), body.text) : null,
    body.state_reason ? h("p", { class: "text" }, h("b", {}, "暂不能办理的原因："), body.state_reason) : null,
    body.reply ? h("p", { class: "text reply" }, h("b", {}, `答复${body.replied_on ? `（${body.replied_on}）` : ""}：`), body.reply) : null,
    h("p", { class: "privacy" }, "个人信息已隐去部分内容。"),
  );
}

export function lookup(ctx, prefill) {
  // Each visit to 查询回执 starts with an empty box (or the number it was opened for).
  const draft = (ctx.drafts.lookup = { q: prefill || "" });
  // After an answer, the next character starts a new number instead of adding to it.
  let answered = false;
  const input = h("input", { class: "search-input", id: "lookup-q", inputmode: "none", autocomplete: "off", placeholder: "输入回执号或暂存号", maxlength: 40 });
  input.value = typedGrouped(typedForm(draft.q));
  const status = h("p", { class: "lookup-status", role: "status" }, "输入回执上的号码（字母和数字），点“查询”");
  const out = h("div", { class: "lookup-out" });
  let seq = 0;
  const run = async () => {
    const typed = typedForm(draft.q);
    const mine = ++seq;
    answered = true;
    fill(out);
    if (!typed) { status.textContent = "请输入回执号或暂存号"; return; }
    const waiting = ctx.outbox.entries().find((e) => pendingCode(e.body.idempotency_key) === typed);
    if (waiting) {
      status.textContent = "该内容保存在本机，尚未提交到服务器，网络恢复后会自动提交";
      return;
    }
    const refused = ctx.outbox.refused().find((r) => r.code === typed);
    if (refused) {
      status.textContent = `该内容未被受理：${refused.message}。已转工作人员跟进，您也可重新填写提交`;
      return;
    }
    const sent = ctx.outbox.receipts().find((r) => r.pending_code === typed);
    const number = sent ? sent.receipt_no : typed;
    status.textContent = "正在查询……";
    status.dataset.state = "busy";
    try {
      const response = await fetch(`${ctx.cfg.base}/api/v1/inquiries/${encodeURIComponent(number)}`, { headers: { Accept: "application/json" }, cache: "no-store", signal: personWaits() });
      if (mine !== seq) return;
      const body = await response.json().catch(() => ({}));
      if (response.status === 404) status.textContent = `没有找到 ${typedGrouped(typed)}，请核对号码；离线时提交的内容联网后才会生成回执`;
      else if (!response.ok) status.textContent = body.detail || body.title || "查询未成功，请稍后再试";
      else {
        status.textContent = sent ? `暂存号 ${grouped(typed)} 已提交，回执号 ${grouped(body.receipt_no)}` : "查询结果";
        fill(out, answerCard(ctx, body), qrCard(qrSrc(ctx, body.receipt_no), "扫码在手机上查看"));
      }
    } catch (err) {
      if (mine === seq) status.textContent = "暂时无法连接服务器，请稍后再查";
    } finally {
      if (mine === seq) status.dataset.state = "done";
    }
  };
  const onKey = (key) => {
    if (key === "go") return run();
    let raw = answered && key !== "back" ? "" : typedForm(draft.q);
    answered = false;
    if (key === "back") raw = raw.slice(0, -1);
    else if (key === "clear") raw = "";
    else raw += key.toUpperCase();
    draft.q = raw.slice(0, 30);
    input.value = typedGrouped(draft.q);
  };
  input.addEventListener("input", () => { draft.q = input.value; });
  const view = h("div", { class: "page lookup" },
    backBar(),
    h("h1", {}, "查询回执"),
    h("div", { class: "search-box" }, input, h("button", { type: "button", class: "chip primary lookup-go", onclick: run }, "查 询")),
    status,
    out,
    keyboard(onKey),
  );
  if (prefill) run();
  return view;
}

function notFoundPage(message) {
  return h("div", { class: "page" }, backBar(), h("p", { class: "empty" }, message), link("#/lookup", { class: "btn" }, "查询回执"), link("#/", { class: "btn primary" }, "返回首页"));
}
