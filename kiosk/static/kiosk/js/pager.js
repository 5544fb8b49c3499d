// Long text shown a screen at a time: turned by swipe or by buttons.
// The text flows into columns as wide as the viewport, so no line is cut.

import { h, onSwipe } from "./dom.js";

const GAP = 64;

export function pager(content) {
  const inner = h("div", { class: "pager-content" }, content);
  const viewport = h("div", { class: "pager-viewport" }, inner);
  const label = h("span", { class: "pager-label" });
  const prev = h("button", { type: "button", class: "pager-btn" }, "‹ 上一页");
  const next = h("button", { type: "button", class: "pager-btn" }, "下一页 ›");
  const controls = h("div", { class: "pager-controls" }, prev, label, next);
  const box = h("div", { class: "pager" }, viewport, controls);
  let page = 0;
  let pages = 1;
  let width = 0;

  const show = () => {
    page = Math.max(0, Math.min(page, pages - 1));
    inner.style.transform = `translateX(${-page * (width + GAP)}px)`;
    label.textContent = `第 ${page + 1} / ${pages} 页`;
    prev.disabled = page === 0;
    next.disabled = page >= pages - 1;
    controls.hidden = pages <= 1;
  };
  const layout = () => {
    if (!viewport.isConnected) return;
    // The viewport's content box, without its padding: a column as wide as the padding box
    // would be narrowed by the browser, each turn would overshoot, and lines at the foot of
    // a column would hide under the padding.
    const pad = getComputedStyle(viewport);
    width = viewport.clientWidth - parseFloat(pad.paddingLeft) - parseFloat(pad.paddingRight);
    const height = viewport.clientHeight - parseFloat(pad.paddingTop) - parseFloat(pad.paddingBottom);
    inner.style.columnWidth = `${width}px`;
    inner.style.columnGap = `${GAP}px`;
    inner.style.height = `${height}px`;
    pages = Math.max(1, Math.round((inner.scrollWidth + GAP) / (width + GAP)));
    show();
  };
  prev.addEventListener("click", () => { page -= 1; show(); });
  next.addEventListener("click", () => { page += 1; show(); });

  onSwipe(viewport, 60, (step) => { page += step; show(); });

  const observer = new ResizeObserver(layout);
  observer.observe(viewport);
  inner.querySelectorAll("img").forEach((img) => img.addEventListener("load", layout));
  box.goTo = (n) => { page = n; show(); };
  box.pages = () => pages;
  return box;
}
