// The kiosk app: routes, polling, heartbeat, idle reset, offline mark.

import * as browse from "./browse.js";
import { documentPage } from "./document.js";
import { clockText, fill, h } from "./dom.js";
import * as forms from "./forms.js";
import { attract, startIdle } from "./idle.js";
import { ledger } from "./ledger.js";
import { Outbox } from "./outbox.js";
import { installPrinting } from "./printing.js";
import { callsPage } from "./calls.js";
import * as receipts from "./receipts.js";
import { search } from "./search.js";
import { Store } from "./store.js";
import { provision, withToken } from "./token.js";
import { Urgent } from "./urgent.js";
import { listen } from "./push.js";
import { windowPage } from "./windows.js";

const cfg = JSON.parse(document.getElementById("kiosk-config").textContent);
provision(cfg);
const store = new Store(cfg);
const outbox = new Outbox(cfg, store);
const urgent = new Urgent(cfg, store);
const view = document.getElementById("view");
const root = document.documentElement;

const ctx = {
  cfg,
  store,
  outbox,
  drafts: {},
  receipts: new Map(),
  go(hash, replace = false) {
    if (replace) location.replace(hash);
    else location.hash = hash;
  },
};

const ROUTES = [
  [/^#?\/?$/, () => browse.home(ctx)],
  [/^#\/cat\/([\w-]+)(?:\/(\d+))?$/, (code, page) => browse.category(ctx, code, page)],
  [/^#\/item\/(\d+)$/, (id) => browse.item(ctx, id)],
  [/^#\/doc\/(\d+)\/(\d+)$/, (item, file) => documentPage(ctx, item, file)],
  [/^#\/guides$/, () => browse.guides(ctx)],
  [/^#\/guide\/(\d+)$/, (id) => browse.guide(ctx, id)],
  [/^#\/meeting\/(\d+)$/, (id) => browse.meeting(ctx, id)],
  [/^#\/window\/(\d+)$/, (id) => windowPage(ctx, id)],
  [/^#\/answers$/, () => browse.answers(ctx)],
  [/^#\/ledger$/, () => ledger(ctx)],
  [/^#\/calls$/, () => callsPage(ctx)],
  [/^#\/search$/, () => search(ctx)],
  [/^#\/ask(?:\/(\w+))?$/, (kind) => forms.ask(ctx, kind)],
  [/^#\/comment\/(\d+)$/, (id) => forms.comment(ctx, id)],
  [/^#\/rate(?:\/(guide|window)\/(\d+))?$/, (target, id) => forms.rate(ctx, target, id)],
  [/^#\/receipt\/([A-Z0-9-]+)$/, (no) => receipts.receipt(ctx, no)],
  [/^#\/queued(?:\/(\w+))?(?:\/([A-Z0-9]*))?$/, (reason, code) => receipts.queued(ctx, reason, code)],
  [/^#\/lookup(?:\/([A-Z0-9-]+))?$/, (no) => receipts.lookup(ctx, no)],
];
// Pages that may be redrawn when new content arrives (no form, no reading position).
const REDRAW = /^#?\/?$|^#\/(cat|guides|answers)/;

function render() {
  if (!store.ready()) {
    const waiting = store.online ? "正在加载……" : "暂时无法连接服务器，正在重试……";
    const text = store.unauthorised ? "本机尚未配置终端令牌，请联系大厅工作人员" : waiting;
    fill(view, h("p", { class: "loading" }, text));
    return;
  }
  const hash = location.hash || "#/";
  let page = null;
  for (const [pattern, make] of ROUTES) {
    const match = hash.match(pattern);
    if (match) {
      page = make(...match.slice(1));
      break;
    }
  }
  page = page || browse.notFound("页面不存在");
  view.classList.toggle("fit", page.classList.contains("fit"));
  fill(view, page);
  view.scrollTop = 0;
  document.querySelectorAll(".dock [data-go]").forEach((b) => {
    const target = b.dataset.go;
    b.classList.toggle("on", target === "#/" ? hash === "#/" || hash === "" : hash.startsWith(target));
  });
  renderUrgent();
}

function renderUrgent() {
  const box = document.getElementById("urgent");
  const notices = urgent.current();
  box.hidden = !notices.length;
  fill(box, ...notices.map((n) => h("div", { class: "urgent-item" }, h("strong", {}, n.heading), n.body ? h("span", {}, n.body) : null)));
}

// Navigation by data attributes, so every button works by touch alone.
document.addEventListener("click", (event) => {
  const target = event.target.closest("[data-go],[data-back],[data-replace]");
  if (!target || target.disabled) return;
  event.preventDefault();
  if (target.dataset.go) ctx.go(target.dataset.go);
  else if (target.dataset.replace) ctx.go(target.dataset.replace, true);
  else if (history.length > 1) history.back();
  else ctx.go("#/");
});
window.addEventListener("hashchange", render);

// Large font (适老化) and high contrast: one touch away, kept for the session.
const MODES = { large: "toggle-large", contrast: "toggle-contrast" };
function applyModes() {
  for (const [mode, id] of Object.entries(MODES)) {
    const on = sessionStorage.getItem(`sunlight.mode.${mode}`) === "1";
    root.classList.toggle(mode, on);
    document.getElementById(id).setAttribute("aria-pressed", String(on));
  }
}
for (const [mode, id] of Object.entries(MODES)) {
  document.getElementById(id).addEventListener("click", () => {
    const key = `sunlight.mode.${mode}`;
    sessionStorage.setItem(key, sessionStorage.getItem(key) === "1" ? "0" : "1");
    applyModes();
    window.dispatchEvent(new Event("resize"));
  });
}

function showOnline() {
  document.getElementById("offline").hidden = store.online;
  if (store.online) outbox.flush();
}
store.addEventListener("online", showOnline);
urgent.addEventListener("change", renderUrgent);
store.addEventListener("change", () => {
  if (REDRAW.test(location.hash || "#/") || view.querySelector(".loading")) render();
  else renderUrgent();
});

function tick() {
  document.getElementById("clock").textContent = clockText(cfg.timezone);
}

async function poll(version = "") {
  await store.refresh(version);
  if (store.online && outbox.entries().length) outbox.flush();
}

function heartbeat() {
  fetch(`${cfg.base}/api/v1/heartbeat`, {
    method: "POST",
    headers: withToken(cfg, { "Content-Type": "application/json" }),
    body: JSON.stringify({ terminal: cfg.terminal, page: location.hash || "#/", version: store.etag }),
  }).then(() => store.setOnline(true), () => store.setOnline(false));
}

function onIdle() {
  ctx.drafts = {};
  ctx.receipts.clear();
  sessionStorage.removeItem("sunlight.mode.large");
  sessionStorage.removeItem("sunlight.mode.contrast");
  applyModes();
  if (location.hash && location.hash !== "#/") ctx.go("#/", true);
  else render();
  attract(ctx);
}

applyModes();
tick();
setInterval(tick, 15000);
render();
poll().then(() => {
  heartbeat();
  if (!store.ready()) render();
});
setInterval(poll, cfg.pollSeconds * 1000);
urgent.poll();
setInterval(() => urgent.poll(), cfg.urgentPollSeconds * 1000);
const push = listen(cfg, { urgent: (v) => urgent.poll(v), bundle: (v) => poll(v) });
// An urgent notice ends on time even when no poll gets through.
setInterval(() => urgent.changed(), 1000);
setInterval(heartbeat, cfg.heartbeatSeconds * 1000);
startIdle(ctx, onIdle);
showOnline();

if (cfg.serviceWorker && window.isSecureContext && "serviceWorker" in navigator) {
  navigator.serviceWorker.register(`${cfg.base}/kiosk/sw.js`, { scope: `${cfg.base}/kiosk/` }).catch(() => {});
}

// For staff diagnostics and tests.
window.sunlightKiosk = { cfg, store, outbox, urgent, ctx, render, push };

// A printed guide shows every answer of its FAQ (before its height is measured).
window.addEventListener("beforeprint", () => {
  view.querySelectorAll("details").forEach((d) => { d.open = true; });
});
installPrinting(ctx);
