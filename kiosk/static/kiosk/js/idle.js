// Idle reset: after idleSeconds without a touch, forget the visitor (half-typed
// forms, modes), go home and play the attract loop until someone touches.

import { fill, h } from "./dom.js";

const ACTIVITY = ["pointerdown", "keydown", "input", "wheel", "touchstart"];

export function startIdle(ctx, onIdle) {
  let timer = null;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(onIdle, ctx.cfg.idleSeconds * 1000);
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
