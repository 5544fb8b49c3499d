// Reading an item's PDF on the kiosk: its pages as images the server renders
// (content_feed/pdf_pages.py), a page at a time, turned by buttons or swipe,
// with the QR code to take the file home. The kiosk itself shows no PDF.

import { backBar, fill, h, onSwipe, qrCard } from "./dom.js";
import { notFound } from "./browse.js";
import { personWaits } from "./waiting.js";

export const isPdf = (a) => a.content_type === "application/pdf";

export function documentPage(ctx, itemId, attachmentId) {
  const view = h("div", { class: "page document-page fit" }, backBar(), h("p", { class: "loading" }, "正在打开……"));
  ctx.store.itemDetail(Number(itemId)).then(async (item) => {
    const file = item && (item.attachments || []).find((a) => a.id === Number(attachmentId) && isPdf(a));
    if (!file) {
      fill(view, notFound(ctx.store.online ? "该文件已下线或不再公开" : "离线状态下暂时无法打开该文件"));
      return;
    }
    let pages = 0;
    try {
      const response = await fetch(`${file.url}/pages`, { headers: { Accept: "application/json" }, signal: personWaits() });
      if (response.ok) pages = (await response.json()).pages;
    } catch (err) {
      pages = 0;
    }
    const qr = qrCard(`${item.qr}?box=8`, "扫码在手机上查看");
    if (!pages) {
      fill(view, backBar(h("span", { class: "crumb" }, item.title)), h("h1", {}, file.filename),
        h("p", { class: "empty" }, "暂时无法在本机显示该文件，请扫码在手机上查看。"), qr);
      return;
    }
    let at = 1;
    const image = h("img", { class: "doc-page-image", alt: "" });
    const label = h("span", { class: "pager-label" });
    const prev = h("button", { type: "button", class: "pager-btn", onclick: () => turn(-1) }, "‹ 上一页");
    const next = h("button", { type: "button", class: "pager-btn", onclick: () => turn(1) }, "下一页 ›");
    const show = () => {
      image.src = `${file.url}/pages/${at}.png`;
      image.alt = `${file.filename} 第 ${at} 页`;
      label.textContent = `第 ${at} / ${pages} 页`;
      prev.disabled = at === 1;
      next.disabled = at === pages;
    };
    const turn = (step) => {
      const to = at + step;
      if (to < 1 || to > pages) return;
      at = to;
      show();
    };
    const sheet = h("div", { class: "doc-sheet" }, image);
    onSwipe(sheet, 80, turn);
    fill(view,
      backBar(h("span", { class: "crumb" }, item.title)),
      h("h1", { class: "doc-title" }, file.filename.replace(/\.pdf$/i, "")),
      h("div", { class: "doc-body" }, sheet, h("div", { class: "doc-side" }, qr)),
      h("div", { class: "pager-controls" }, prev, label, next),
    );
    show();
  });
  return view;
}
