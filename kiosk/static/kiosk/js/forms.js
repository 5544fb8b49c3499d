// Asking and rating: forms that keep a draft for the visitor's session (the
// idle reset forgets it) and submit through the outbox.

import { backBar, fill, h, link } from "./dom.js";
import { commentUntil, notFound } from "./browse.js";
import { check } from "./rules.js";

const KINDS = [
  ["question", "问询", "有问题想咨询，我们在 3 个工作日内答复"],
  ["suggestion", "意见建议", "对党务政务公开和大厅服务的意见建议"],
  ["disclosure_request", "依申请公开", "申请获取未主动公开的政府信息，20 个工作日内答复"],
];
const TOPICS = ["党务公开", "政务公开", "办事服务", "窗口服务", "其他"];
const STARS = { 5: "★★★★★", 4: "★★★★", 3: "★★★", 2: "★★", 1: "★" };

function draftOf(ctx, name, defaults) {
  if (!ctx.drafts[name]) ctx.drafts[name] = { ...defaults };
  return ctx.drafts[name];
}

function field(draft, name, label, { multiline = false, max = 0, hint = "", type = "text", inputmode } = {}) {
  const err = h("span", { class: "err", dataset: { for: name } });
  const props = { name, id: `f-${name}`, class: multiline ? "input area" : "input", type: multiline ? null : type, inputmode };
  const input = h(multiline ? "textarea" : "input", props);
  input.value = draft[name] || "";
  const count = max ? h("span", { class: "count" }, `${input.value.length}/${max}`) : null;
  input.addEventListener("input", () => {
    draft[name] = input.value;
    if (count) count.textContent = `${input.value.length}/${max}`;
  });
  return h("label", { class: "field", for: `f-${name}` }, h("span", { class: "label" }, label, count), input, hint ? h("small", {}, hint) : null, err);
}

function choice(draft, name, options, onPick) {
  const group = h("div", { class: "choices", role: "radiogroup", dataset: { name } });
  for (const [value, label] of options) {
    const button = h("button", { type: "button", class: "chip", role: "radio", "aria-checked": String(draft[name] === value), dataset: { value } }, label);
    button.addEventListener("click", () => {
      draft[name] = value;
      group.querySelectorAll("[role=radio]").forEach((b) => b.setAttribute("aria-checked", String(b === button)));
      if (onPick) onPick(value);
    });
    group.append(button);
  }
  return group;
}

function showErrors(form, problem) {
  form.querySelectorAll(".err").forEach((e) => { e.textContent = ""; });
  const errors = (problem && problem.errors) || {};
  let shown = false;
  for (const [name, message] of Object.entries(errors)) {
    const slot = form.querySelector(`.err[data-for="${name}"]`);
    if (slot) { slot.textContent = message; shown = true; }
  }
  const summary = form.querySelector(".form-error");
  summary.textContent = (problem && (problem.detail || problem.title)) || "提交未成功，请检查后重试";
  summary.hidden = false;
  if (!shown) summary.scrollIntoView({ block: "center" });
}

// The rules the server applies (in the bundle), checked before anything is sent or
// queued: a submission waiting offline is one the server will take.
function refusedHere(ctx, kind, body) {
  const { rules, items } = ctx.store.data;
  if (!rules) return null;
  const fields = Object.fromEntries(Object.entries(body).map(([k, v]) => [k, typeof v === "string" ? v.trim() : String(v ?? "")]));
  const commentOpen = (id) => {
    const until = commentUntil(items.find((i) => String(i.id) === id));
    return Boolean(until && new Date(until) > new Date());
  };
  const errors = check(rules.rules, kind === "inquiries" ? "inquiry" : "rating", fields, rules.params, commentOpen);
  return Object.keys(errors).length ? { detail: "请按提示修改后再提交", errors } : null;
}

async function submit(ctx, form, kind, body, draftName) {
  const problem = refusedHere(ctx, kind, body);
  if (problem) {
    showErrors(form, problem);
    return;
  }
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  button.textContent = "正在提交……";
  const result = await ctx.outbox.submit(kind, body);
  button.disabled = false;
  button.textContent = "提 交";
  if (result.status === "refused") {
    showErrors(form, result.problem);
    return;
  }
  delete ctx.drafts[draftName];
  if (result.status === "sent") {
    ctx.receipts.set(result.receipt.receipt_no, result.receipt);
    ctx.go(`#/receipt/${result.receipt.receipt_no}`, true);
  } else {
    ctx.go(`#/queued/${result.reason}/${result.code || ""}`, true);
  }
}

const PRIVACY = "您留下的姓名和电话只用于答复您，公开时会隐去。";

function formShell(title, lead, privacy, ...kids) {
  return h(
    "form",
    { class: "page form", novalidate: true, autocomplete: "off" },
    backBar(),
    h("h1", {}, title),
    lead ? h("p", { class: "lead" }, lead) : null,
    h("p", { class: "form-error", role: "alert", hidden: true }),
    ...kids,
    h("button", { type: "submit", class: "btn primary big" }, "提 交"),
    h("p", { class: "privacy" }, privacy),
  );
}

export function ask(ctx, kindParam) {
  const draft = draftOf(ctx, "ask", { kind: "question", topic: "其他", consent: "no" });
  if (kindParam) draft.kind = kindParam;
  const vocab = ctx.store.data.vocabulary;
  const max = ctx.store.data.limits.max_text_length;
  const extra = h("div", { class: "extra" });
  const lead = h("p", { class: "lead" });
  const renderExtra = () => {
    const request = draft.kind === "disclosure_request";
    lead.textContent = KINDS.find(([k]) => k === draft.kind)[2];
    fill(extra,
      request
        ? h("div", { class: "field" }, h("span", { class: "label" }, "获取信息的方式"), choice(draft, "delivery", vocab.delivery_methods.map((d) => [d, d])), h("span", { class: "err", dataset: { for: "delivery" } }))
        : null,
    );
    form.querySelector("[data-for=name]").closest(".field").querySelector(".label").firstChild.textContent = request ? "申请人姓名（必填）" : "姓名（可不填）";
    form.querySelector("[data-for=phone]").closest(".field").querySelector(".label").firstChild.textContent = request ? "联系电话（必填）" : "联系电话（可不填）";
  };
  const form = formShell(
    "咨询建议",
    "",
    PRIVACY,
    link("#/lookup", { class: "btn lookup-link" }, "已提交过？查询回执与办理进度 ›"),
    lead,
    choice(draft, "kind", KINDS.map(([k, label]) => [k, label]), renderExtra),
    h("div", { class: "field" }, h("span", { class: "label" }, "主题"), choice(draft, "topic", TOPICS.map((t) => [t, t]))),
    field(draft, "text", "您想说的内容（可用屏幕输入法或手写）", { multiline: true, max }),
    field(draft, "name", "姓名（可不填）"),
    field(draft, "phone", "联系电话（可不填）", { type: "tel", inputmode: "tel" }),
    extra,
    h("div", { class: "field consent" },
      h("span", { class: "label" }, "是否同意公开答复"),
      choice(draft, "consent", [["no", "不同意"], ["yes", "同意公开（姓名电话隐去）"]]),
      h("small", {}, "同意后，您的问题和答复可在“问答公开”展示；不同意时，工作人员只会改写成不含个人信息的问答再公开。")),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const body = {
      kind: draft.kind, topic: draft.topic || "", text: draft.text || "", name: draft.name || "",
      phone: draft.phone || "", delivery: draft.kind === "disclosure_request" ? draft.delivery || "" : "",
      public_consent: draft.consent === "yes",
    };
    if (!body.text.trim()) {
      showErrors(form, { detail: "请填写您想说的内容", errors: { text: "请填写您想说的内容" } });
      return;
    }
    submit(ctx, form, "inquiries", body, "ask");
  });
  renderExtra();
  return form;
}

export function comment(ctx, id) {
  const item = ctx.store.items.get(Number(id));
  if (!commentUntil(item)) return notFound("该事项已不在征求意见期内");
  const name = `comment-${id}`;
  const draft = draftOf(ctx, name, {});
  const max = ctx.store.data.limits.max_text_length;
  const form = formShell(
    "提出意见",
    `对“${item.title}”的意见`,
    PRIVACY,
    field(draft, "text", "您的意见", { multiline: true, max }),
    field(draft, "name", "姓名（可不填）"),
    field(draft, "phone", "联系电话（可不填）", { type: "tel", inputmode: "tel" }),
    h("span", { class: "err", dataset: { for: "item_id" } }),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit(ctx, form, "inquiries", { kind: "comment", item_id: item.id, topic: item.title.slice(0, 100), text: draft.text || "", name: draft.name || "", phone: draft.phone || "" }, name);
  });
  return form;
}

export function rate(ctx, target, id) {
  const data = ctx.store.data;
  const draft = draftOf(ctx, "rate", { target: "hall" });
  if (target) {
    draft.target = target;
    draft[`${target}_id`] = String(id);
  }
  const pick = h("div", { class: "extra" });
  const renderPick = () => {
    if (draft.target === "window") {
      fill(pick, h("div", { class: "field" }, h("span", { class: "label" }, "选择窗口"), choice(draft, "window_id", data.hall.windows.map((w) => [String(w.id), `${w.number} ${w.name}`])), h("span", { class: "err", dataset: { for: "window_id" } })));
    } else if (draft.target === "guide") {
      fill(pick, h("div", { class: "field" }, h("span", { class: "label" }, "选择办事事项"), choice(draft, "guide_id", data.guides.map((g) => [String(g.id), g.name])), h("span", { class: "err", dataset: { for: "guide_id" } })));
    } else {
      fill(pick);
    }
  };
  const levels = Object.entries(data.vocabulary.rating_levels).sort((a, b) => b[0] - a[0]);
  const form = formShell(
    "服务评价（好差评）",
    "请为我们的服务打分，您的评价是改进工作的依据",
    // A rating asks for a phone number only (no name).
    "您留下的电话只用于回访，不会公开。",
    choice(draft, "target", Object.entries(data.vocabulary.rating_targets), renderPick),
    pick,
    h("div", { class: "field" },
      h("span", { class: "label" }, "满意程度"),
      h("div", { class: "levels" }, choice(draft, "level", levels.map(([n, label]) => [n, h("span", { class: "level" }, h("span", { class: "stars" }, STARS[n]), label)]))),
      h("span", { class: "err", dataset: { for: "level" } }),
    ),
    field(draft, "comment", "意见（可不填；不满意时请告诉我们原因）", { multiline: true, max: data.limits.max_text_length }),
    field(draft, "phone", "联系电话（可不填；差评将在 1 个工作日内回访）", { type: "tel", inputmode: "tel" }),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!draft.level) {
      showErrors(form, { detail: "请选择满意程度", errors: { level: "请选择满意程度" } });
      return;
    }
    const body = { level: Number(draft.level), target: draft.target, comment: draft.comment || "", phone: draft.phone || "" };
    if (draft.target === "window") body.window_id = Number(draft.window_id);
    if (draft.target === "guide") body.guide_id = Number(draft.guide_id);
    submit(ctx, form, "ratings", body, "rate");
  });
  renderPick();
  return form;
}
