// Printing a guide (打印本指南): the hall's name and the print date on top, the QR
// code kept, one A4 page where it fits (shrunk a little when it nearly fits), page
// numbers where it does not. Runs on beforeprint, which --kiosk-printing fires too.

import { fill, h, localTime } from "./dom.js";

const MM = 96 / 25.4; // CSS px per millimetre
// The printable height of A4 with print.css's @page margins (14 mm around, 16 mm below);
// the width (182 mm) is print.css's .measuring-print.
const PAGE_HEIGHT_MM = 297 - 14 - 16;
// Up to this much too tall, the page is shrunk to fit rather than split.
const SHRINK_LIMIT = 1.2;

function printSheet() {
  return [...document.styleSheets].find((s) => s.href && s.href.includes("/kiosk/print.css"));
}

// The guide's height as it will print: print.css applied for a moment, at the page's
// width. The width comes from a class (print.css, .measuring-print), never an inline
// style: the page's CSP refuses style attributes, so one set could not be taken back.
function printedHeight(view) {
  const sheet = printSheet();
  if (!sheet) return 0;
  const root = document.documentElement;
  sheet.media.mediaText = "all";
  root.classList.add("measuring-print");
  const height = view.scrollHeight;
  root.classList.remove("measuring-print");
  sheet.media.mediaText = "print";
  return height;
}

// Shrink steps of print.css (html.zoom-NN), largest first: a class, not a style.
const ZOOMS = [96, 93, 90, 87, 84, 81];
const zoomClasses = ZOOMS.map((z) => `zoom-${z}`);

function clearPrint() {
  document.documentElement.classList.remove("multi-page", ...zoomClasses);
}

export function preparePrint(ctx) {
  const root = document.documentElement;
  clearPrint();
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
  const fits = ZOOMS.find((z) => (height * z) / 100 <= room);
  if (height <= room * SHRINK_LIMIT && fits) root.classList.add(`zoom-${fits}`);
  else root.classList.add("multi-page");
}

export function installPrinting(ctx) {
  window.addEventListener("beforeprint", () => preparePrint(ctx));
  window.addEventListener("afterprint", clearPrint);
}
