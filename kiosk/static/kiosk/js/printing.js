// Printing a guide (打印本指南): the hall's name and the print date on top, the QR
// code kept, one A4 page where it fits (shrunk a little when it nearly fits), page
// numbers where it does not. Runs on beforeprint, which --kiosk-printing fires too.

import { fill, h, localTime } from "./dom.js";

const MM = 96 / 25.4; // CSS px per millimetre
// The printable area of A4 with print.css's @page margins (14 mm around, 16 mm below).
const PAGE_WIDTH_MM = 210 - 14 - 14;
const PAGE_HEIGHT_MM = 297 - 14 - 16;
// Up to this much too tall, the page is shrunk to fit rather than split.
const SHRINK_LIMIT = 1.2;

function printSheet() {
  return [...document.styleSheets].find((s) => s.href && s.href.includes("/kiosk/print.css"));
}

// The guide's height as it will print: print.css applied for a moment, at the page's width.
function printedHeight(view) {
  const sheet = printSheet();
  if (!sheet) return 0;
  const saved = view.getAttribute("style");
  sheet.media.mediaText = "all";
  view.style.width = `${PAGE_WIDTH_MM}mm`;
  const height = view.scrollHeight;
  sheet.media.mediaText = "print";
  if (saved === null) view.removeAttribute("style");
  else view.setAttribute("style", saved);
  return height;
}

export function preparePrint(ctx) {
  const root = document.documentElement;
  root.classList.remove("multi-page");
  root.style.removeProperty("--print-zoom");
  const guide = document.querySelector(".guide-page");
  if (!guide || root.classList.contains("printing-slip")) return;
  let head = guide.querySelector(".print-head");
  if (!head) {
    head = h("div", { class: "print-head" });
    guide.prepend(head);
  }
  fill(head, h("span", {}, ctx.store.data.hall.name), h("span", {}, `打印时间：${localTime(new Date().toISOString(), ctx.cfg.timezone)}`));
  const height = printedHeight(document.getElementById("view"));
  const room = PAGE_HEIGHT_MM * MM;
  if (!height || height <= room) return;
  if (height <= room * SHRINK_LIMIT) root.style.setProperty("--print-zoom", ((room / height) * 0.97).toFixed(3));
  else root.classList.add("multi-page");
}

export function installPrinting(ctx) {
  window.addEventListener("beforeprint", () => preparePrint(ctx));
  window.addEventListener("afterprint", () => {
    document.documentElement.classList.remove("multi-page");
    document.documentElement.style.removeProperty("--print-zoom");
  });
}
