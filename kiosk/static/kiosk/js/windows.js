// One window of the hall (办理窗口): what it handles and the guides served there,
// reached from a search result.

import { backBar, h, link } from "./dom.js";
import { notFound } from "./browse.js";

export function windowPage(ctx, id) {
  const { data } = ctx.store;
  const w = data.hall.windows.find((x) => x.id === Number(id));
  if (!w) return notFound("没有找到这个窗口");
  const label = `${w.number}号窗口 ${w.name}`;
  const guides = data.guides.filter((g) => g.window === label);
  return h(
    "div",
    { class: "page window-page" },
    backBar(),
    h("h1", {}, label),
    h("p", { class: "lead" }, w.services ? `办理：${w.services}` : ""),
    h("p", {}, `${data.hall.name}　${data.hall.opening_hours || ""}`),
    guides.length ? h("h2", {}, "在此窗口办理的事项") : null,
    h("div", { class: "list" }, guides.map((g) => link(`#/guide/${g.id}`, { class: "row" }, h("span", { class: "row-title" }, g.name)))),
    link(`#/rate/window/${w.id}`, { class: "btn" }, "★ 评价此窗口"),
  );
}
