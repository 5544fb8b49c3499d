// Blank forms (空白表格) and samples (填写样例) that staff attach to a guide's
// materials: a button per file on the guide page, opening a card with a preview
// (images) and a QR code to download it on a phone.

import { fill, h, qrCard } from "./dom.js";

function fileCard(ctx, label, file, host) {
  return h("div", { class: "mat-file-card", role: "dialog", "aria-label": label },
    h("p", { class: "mat-file-title" }, `${label}：${file.filename}`),
    file.thumb ? h("img", { class: "mat-file-thumb", src: `${ctx.cfg.base}${file.thumb}`, alt: label }) : null,
    qrCard(`${ctx.cfg.base}${file.qr}?box=8`, "扫码下载到手机"),
    h("button", { type: "button", class: "btn", onclick: () => fill(host) }, "收起"),
  );
}

// The buttons (and the card's place) for one material; null when nothing is attached.
export function materialFiles(ctx, material) {
  const files = [["空白表格", material.blank_form], ["填写样例", material.sample]].filter(([, f]) => f);
  if (!files.length) return null;
  const host = h("div", { class: "mat-file-host" });
  return h("div", { class: "mat-files" },
    files.map(([label, file]) => h("button", { type: "button", class: "chip mat-file", dataset: { file: String(file.id) }, onclick: () => fill(host, fileCard(ctx, label, file, host)) }, `${label} ⤓`)),
    host,
  );
}
