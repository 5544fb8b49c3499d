// 受理情况: the public ledger of requests (received, done, in progress, cannot handle).
// Counts only; fetched live and kept in localStorage so it still shows offline.

import { backBar, fill, h } from "./dom.js";

const KEY = (cfg) => `sunlight.kiosk.${cfg.terminal}.ledger`;

function load(cfg) {
  try {
    return JSON.parse(localStorage.getItem(KEY(cfg)) || "null");
  } catch (err) {
    return null;
  }
}

async function fetchSummary(ctx) {
  try {
    const response = await fetch(`${ctx.cfg.base}/api/v1/ledger-summary`, {
      headers: { Accept: "application/json" },
      cache: "no-store",
    });
    if (!response.ok) return null;
    const data = await response.json();
    try {
      localStorage.setItem(KEY(ctx.cfg), JSON.stringify(data));
    } catch (err) {
      // Storage full: show it anyway.
    }
    return data;
  } catch (err) {
    ctx.store.setOnline(false);
    return null;
  }
}

function percent(share) {
  return share == null ? "—" : `${(share * 100).toFixed(1)}%`;
}

function figures(data) {
  const tiles = [
    ["受理", data.received, "件"],
    ["已办结", data.done, "件"],
    ["办理中", data.in_progress, "件"],
    ["暂不能办", data.cannot_handle, "件"],
  ];
  const months = Object.entries(data.by_month || {}).slice(-6);
  const biggest = Math.max(1, ...months.map(([, m]) => m.received));
  return [
    h("div", { class: "ledger-figures" },
      tiles.map(([label, value, unit]) =>
        h("div", { class: "ledger-figure" }, h("strong", {}, String(value)), h("span", {}, `${label}（${unit}）`)))),
    h("p", { class: "lead" },
      `按时办结率 ${percent(data.on_time_share)}　平均办理 ${data.avg_working_days_to_answer ?? "—"} 个工作日　` +
      `满意度 ${data.satisfaction.average ?? "—"} 星（${data.satisfaction.count} 条评价，好评率 ${percent(data.satisfaction.good_share)}）`),
    months.length
      ? h("div", { class: "ledger-months", role: "img", "aria-label": "近六个月受理与办结" },
          months.map(([month, m]) =>
            h("div", { class: "ledger-month" },
              h("span", { class: "label" }, month),
              h("span", { class: "bar received", style: `width:${(m.received / biggest) * 100}%` }, `受理 ${m.received}`),
              h("span", { class: "bar done", style: `width:${(m.done / biggest) * 100}%` }, `办结 ${m.done}`))))
      : null,
  ];
}

export function ledger(ctx) {
  const body = h("div", { class: "ledger-body" });
  const cached = load(ctx.cfg);
  fill(body, cached ? figures(cached) : h("p", { class: "loading" }, "正在加载……"));
  fetchSummary(ctx).then((data) => {
    if (data) fill(body, figures(data));
    else if (!cached) fill(body, h("p", { class: "empty" }, "暂时无法获取统计，请稍后再试"));
  });
  return h("div", { class: "page ledger" }, backBar(), h("h1", {}, "受理情况公开"),
    h("p", { class: "lead" }, "群众问询、意见建议、依申请公开的受理和办理情况（不含个人信息）"), body);
}
