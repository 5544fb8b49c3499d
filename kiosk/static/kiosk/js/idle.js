// Idle reset: after idleSeconds without a touch, the kiosk asks whether the visitor
// is still there and counts down (idleWarnSeconds); "继续使用" or any touch puts the
// reset off, so a slow reader is never cut short. Then it forgets the visitor
// (half-typed forms, modes), goes home and plays the attract loop until someone touches.

import { fill, h } from "./dom.js";

const ACTIVITY = ["pointerdown", "keydown", "input", "wheel", "touchstart"];

export function startIdle(ctx, onIdle) {
  const box = document.getElementById("idle-warning");
  const attractShown = () => !document.getElementById("attract").hidden;
  let timer = null;
  let ticker = null;
  const arm = (event) => {
    clearTimeout(timer);
    clearInterval(ticker);
    // The touch that answers the warning belongs to it: the warning goes when that
    // touch ends, so it never lands on what lies beneath.
    if (!box.hidden && event && event.type !== "keydown") {
      box.addEventListener("click", () => { box.hidden = true; }, { once: true });
    } else box.hidden = true;
    timer = setTimeout(warn, ctx.cfg.idleSeconds * 1000);
  };
  const warn = () => {
    if (attractShown()) return arm();
    let left = ctx.cfg.idleWarnSeconds;
    const count = h("strong", { class: "idle-count" }, String(left));
    fill(box, h("div", { class: "idle-card" },
      h("p", { class: "idle-title" }, "您还在使用吗？"),
      h("p", {}, count, " 秒后将返回首页，并清除您填写的内容"),
      h("button", { type: "button", class: "btn primary big idle-stay" }, "继续使用")));
    box.hidden = false;
    ticker = setInterval(() => {
      left -= 1;
      count.textContent = String(Math.max(left, 0));
      if (left <= 0) {
        clearInterval(ticker);
        box.hidden = true;
        onIdle();
        timer = setTimeout(warn, ctx.cfg.idleSeconds * 1000);
      }
    }, 1000);
  };
  ACTIVITY.forEach((type) => window.addEventListener(type, arm, { capture: true, passive: true }));
  arm();
  return arm;
}

function slides(ctx) {
  const data = ctx.store.data;
  if (!data) return [];
  const out = [];
  const headlines = data.items.slice(0, 6);
  if (headlines.length) {
    out.push(
      h(
        "div",
        { class: "slide headlines" },
        h("h2", {}, "最新公开"),
        h("ul", {}, headlines.map((i) => h("li", {}, h("span", {}, i.title), h("small", {}, i.published_on || "")))),
      ),
    );
  }
  for (const guide of data.guides) {
    out.push(
      h(
        "div",
        { class: "slide guide-slide" },
        h("h2", {}, "办事指南"),
        h("p", { class: "slide-title" }, guide.name),
        h("p", { class: "slide-facts" }, [guide.promised_limit && `承诺时限：${guide.promised_limit}`, guide.fee, guide.window].filter(Boolean).join("　")),
        h("img", { src: `${guide.qr}?box=8`, alt: "扫码查看", class: "slide-qr" }),
        h("p", {}, "手机扫码，把办事指南带回家"),
      ),
    );
  }
  for (const text of data.slogans.slice(0, 4)) {
    out.push(h("div", { class: "slide slogan" }, h("p", {}, text)));
  }
  return out;
}

export function attract(ctx) {
  const overlay = document.getElementById("attract");
  const list = slides(ctx);
  let n = 0;
  const stage = h("div", { class: "attract-stage" });
  const show = () => {
    fill(stage, list.length ? list[n % list.length] : h("div", { class: "slide" }));
    n += 1;
  };
  fill(overlay,
    h("div", { class: "attract-top" }, ctx.cfg.hallName),
    stage,
    h("div", { class: "attract-hint" }, "请触摸屏幕开始查询"),
  );
  show();
  const timer = setInterval(show, ctx.cfg.attractSeconds * 1000);
  overlay.hidden = false;
  const wake = (event) => {
    event.preventDefault();
    event.stopPropagation();
    clearInterval(timer);
    overlay.hidden = true;
    overlay.removeEventListener("click", wake);
  };
  overlay.addEventListener("click", wake);
}
