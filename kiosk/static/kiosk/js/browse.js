// Browsing pages: home, catalogue, items, guides, meetings and public answers.

import { backBar, fill, h, link, localTime, onSwipe, qrCard, section } from "./dom.js";
import { pager } from "./pager.js";
import { materialFiles } from "./materials.js";
import { readAloudButton } from "./calls.js";
import { isPdf } from "./document.js";

// Rows per screen: what fits without scrolling in each orientation.
const perPage = () => (matchMedia("(orientation: landscape)").matches ? 5 : 9);

// When an item's comment period (征求意见) ends, or null: the one place that reads it.
export const commentUntil = (item) => (item && item.pre_disclosure ? item.pre_disclosure.comment_until : null);

function itemRow(item) {
  return link(
    `#/item/${item.id}`,
    { class: "row" },
    h("span", { class: "row-title" }, item.title),
    h(
      "span",
      { class: "row-meta" },
      commentUntil(item) ? h("em", { class: "badge warn" }, "征求意见中") : null,
      item.published_on || "",
      item.index_number ? `　索引号 ${item.index_number}` : "",
    ),
  );
}

function guideTile(guide) {
  return link(
    `#/guide/${guide.id}`,
    { class: "tile guide-tile" },
    h("span", { class: "tile-name" }, guide.name),
    h("span", { class: "tile-sub" }, [guide.promised_limit && `承诺 ${guide.promised_limit}`, guide.fee].filter(Boolean).join(" · ")),
    guide.window ? h("span", { class: "tile-sub" }, guide.window) : null,
  );
}

export function home(ctx) {
  const { data } = ctx.store;
  const byDomain = new Map();
  for (const cat of data.catalogue) {
    if (!byDomain.has(cat.domain)) byDomain.set(cat.domain, []);
    byDomain.get(cat.domain).push(cat);
  }
  const catalogue = [...byDomain].map(([domain, cats]) =>
    h(
      "div",
      { class: "domain" },
      h("h3", {}, domain),
      h(
        "div",
        { class: "tiles" },
        cats.map((cat) =>
          link(
            `#/cat/${cat.code}`,
            { class: "tile cat-tile" },
            h("span", { class: "tile-name" }, cat.name),
            h("span", { class: "tile-count" }, `${cat.count} 条`),
          ),
        ),
      ),
    ),
  );
  return h(
    "div",
    { class: "page home" },
    link(
      "#/search",
      { class: "search-entry" },
      h("span", { class: "ico" }, "⌕"),
      h("span", {}, "查找公开内容和办事指南"),
      h("small", {}, "可输入拼音首字母，如 bdc 查“不动产登记”"),
    ),
    h(
      "div",
      { class: "home-cols" },
      h("div", {}, section("公开目录", catalogue)),
      h(
        "div",
        {},
        data.meetings.length
          ? section(
              "会议公告（党员旁听）",
              data.meetings.map((m) =>
                link(
                  `#/meeting/${m.id}`,
                  { class: "row meeting" },
                  h("span", { class: "row-title" }, m.title),
                  h("span", { class: "row-meta" }, `${localTime(m.meeting_at, data.timezone)}　${m.place}`),
                ),
              ),
            )
          : null,
        section(
          "办事指南",
          h("div", { class: "tiles" }, data.guides.slice(0, 6).map(guideTile)),
          data.guides.length > 6 ? link("#/guides", { class: "more" }, `全部 ${data.guides.length} 项办事指南 ›`) : null,
        ),
        section("最新公开", data.items.slice(0, 5).map(itemRow)),
      ),
    ),
  );
}

// A list shown a screen at a time, turned by buttons or swipe.
function pagedList(rows, page, hashFor) {
  const size = perPage();
  const pages = Math.max(1, Math.ceil(rows.length / size));
  page = Math.min(Math.max(1, page), pages);
  const list = h("div", { class: "list" }, rows.slice((page - 1) * size, page * size));
  onSwipe(list, 80, (step) => {
    const to = page + step;
    if (to >= 1 && to <= pages) location.replace(hashFor(to));
  });
  return [
    list,
    pages > 1
      ? h(
          "div",
          { class: "pager-controls" },
          h("button", { type: "button", class: "pager-btn", disabled: page === 1, dataset: { replace: hashFor(page - 1) } }, "‹ 上一页"),
          h("span", { class: "pager-label" }, `第 ${page} / ${pages} 页`),
          h("button", { type: "button", class: "pager-btn", disabled: page === pages, dataset: { replace: hashFor(page + 1) } }, "下一页 ›"),
        )
      : null,
  ];
}

export function category(ctx, code, page) {
  const { store } = ctx;
  const cat = store.categories.get(code);
  if (!cat) return notFound("没有这个公开目录");
  const parent = cat.parent ? store.categories.get(cat.parent) : null;
  const siblings = parent ? parent : cat;
  const chips = [
    link(`#/cat/${siblings.code}`, { class: `chip${siblings.code === code ? " on" : ""}` }, `全部（${siblings.count}）`),
    ...siblings.children.map((c) =>
      link(`#/cat/${c.code}`, { class: `chip${c.code === code ? " on" : ""}` }, `${c.name}（${c.count}）`),
    ),
  ];
  const items = store.itemsUnder(code);
  return h(
    "div",
    { class: "page category" },
    backBar(h("span", { class: "crumb" }, parent ? `${parent.name} › ${cat.name}` : cat.name)),
    h("h1", {}, cat.name),
    siblings.children.length ? h("div", { class: "chips" }, chips) : null,
    items.length
      ? pagedList(items.map(itemRow), Number(page || 1), (n) => `#/cat/${code}/${n}`)
      : h("p", { class: "empty" }, "该目录下暂无公开内容"),
  );
}

function metaList(item) {
  const rows = [
    ["索引号", item.index_number],
    ["发布机构", item.publishing_body],
    ["发布日期", item.published_on],
    ["成文日期", item.written_on],
    ["文号", item.document_number],
    ["主题分类", item.subject],
    ["公开属性", `${item.disclosure_mode_label}　${item.timeliness_label}`],
  ].filter(([, v]) => v);
  return h("dl", { class: "meta" }, rows.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
}

// A picture's caption from its file name: the words of a name like "党员大会现场_1.jpg",
// "附图 N" for a camera's "IMG_2041.JPG" — never the raw file name.
export function caption(filename, n) {
  const stem = (filename || "").replace(/\.[A-Za-z0-9]{1,5}$/, "").replace(/[_\-]+/g, " ").replace(/\s*\d+$/, "").trim();
  return /[\u3400-\u9fff]/.test(stem) ? stem : `附图 ${n}`;
}

function attachments(item) {
  const list = item.attachments || [];
  const images = list.filter((a) => a.content_type.startsWith("image/"));
  const files = list.filter((a) => !a.content_type.startsWith("image/"));
  return [
    images.map((a, n) => h("figure", { class: "attachment" }, h("img", { src: a.thumbnail_url || a.url, alt: caption(a.filename, n + 1) }), h("figcaption", {}, caption(a.filename, n + 1)))),
    files.length
      ? h("div", { class: "files" }, h("h3", {}, "附件"), h("ul", {}, files.map((a) =>
          h("li", {}, isPdf(a)
            ? link(`#/doc/${item.id}/${a.id}`, { class: "btn doc-open" }, `阅读 ${a.filename}`)
            : `${a.filename}（扫码在手机上查看）`))))
      : null,
  ];
}

export function item(ctx, id) {
  const view = h("div", { class: "page item-page fit" }, backBar(), h("p", { class: "loading" }, "正在打开……"));
  ctx.store.itemDetail(Number(id)).then((item) => {
    if (!item) {
      fill(view, backBar(), notFound(ctx.store.online ? "该内容已下线或不再公开" : "离线状态下暂时无法打开该内容"));
      return;
    }
    const tz = ctx.store.data.timezone;
    const until = commentUntil(item);
    const spoken = [item.title, item.summary].filter(Boolean).join("。");
    fill(view,
      backBar(h("span", { class: "crumb" }, item.category.name), h("span", { class: "spacer" }), readAloudButton(ctx, spoken)),
      h("h1", { class: "item-title" }, item.title),
      h("div", { class: "item-head" }, metaList(item), qrCard(`${item.qr}?box=8`, "扫码带走")),
      until
        ? h(
            "div",
            { class: "pre-disclosure" },
            h("span", {}, `征求意见中，截止 ${localTime(until, tz)}`),
            link(`#/comment/${item.id}`, { class: "btn primary" }, "我要提意见"),
          )
        : null,
      "body_html" in item
        ? pager(h("div", { class: "item-body" }, h("div", { html: item.body_html }), attachments(item)))
        : h("div", { class: "item-body" }, h("p", {}, item.summary), h("p", { class: "empty" }, "全文需联网查看，请扫码在手机上阅读。")),
    );
  });
  return view;
}

export function guides(ctx) {
  return h(
    "div",
    { class: "page guides" },
    backBar(),
    h("h1", {}, "办事指南"),
    h("div", { class: "tiles" }, ctx.store.data.guides.map(guideTile)),
  );
}

function facts(g) {
  const rows = [
    ["法定办结时限", g.statutory_limit],
    ["承诺办结时限", g.promised_limit],
    ["收费", g.fee],
    ["到现场次数", g.visits_text],
    ["办理窗口", g.window || g.location],
    ["办理时间", g.office_hours],
    ["咨询电话", g.consult_phone],
    ["监督投诉电话", g.complaint_phone],
    ["网上办理", g.online ? "可网上办理" : "不支持"],
  ].filter(([, v]) => v);
  return h("div", { class: "facts" }, rows.map(([k, v]) => h("div", { class: "fact" }, h("span", { class: "fact-k" }, k), h("span", { class: "fact-v" }, v))));
}

function scrollButtons() {
  const scroll = (sign) => {
    const main = document.getElementById("view");
    main.scrollBy({ top: sign * main.clientHeight * 0.8, behavior: "smooth" });
  };
  return h(
    "div",
    { class: "scroll-buttons noprint" },
    h("button", { type: "button", onclick: () => scroll(-1), "aria-label": "向上翻" }, "▲"),
    h("button", { type: "button", onclick: () => scroll(1), "aria-label": "向下翻" }, "▼"),
  );
}

export function guide(ctx, id) {
  const g = ctx.store.guides.get(Number(id));
  if (!g) return notFound("该办事指南已下线");
  return h(
    "div",
    { class: "page guide-page" },
    backBar(
      h("span", { class: "spacer" }),
      readAloudButton(ctx, [g.name, g.summary, g.promised_limit && `承诺办结时限 ${g.promised_limit}`, g.window && `办理窗口 ${g.window}`].filter(Boolean).join("。")),
      h("button", { type: "button", class: "btn", onclick: () => window.print() }, "打印本指南"),
      link(`#/rate/guide/${g.id}`, { class: "btn" }, "★ 评价此事项"),
    ),
    h("header", { class: "guide-head" },
      h("div", {},
        h("h1", {}, g.name),
        h("p", { class: "guide-code" }, `事项编码 ${g.code}　${g.kind || ""}`),
        g.implementing_body ? h("p", { class: "guide-code" }, `实施主体：${g.implementing_body}`) : null,
        g.summary ? h("p", { class: "guide-summary" }, g.summary) : null,
      ),
      h("div", { class: "qrs" },
        qrCard(`${g.qr}?box=8`, "扫码带走"),
        g.online_qr ? qrCard(`${g.online_qr}?box=8`, "扫码网上办理") : null,
      ),
    ),
    facts(g),
    section(
      "申请材料",
      h("ol", { class: "checklist" }, g.materials.map((m) =>
        h("li", {},
          h("span", { class: "box", "aria-hidden": "true" }),
          h("div", {},
            h("span", { class: "mat-name" }, m.name),
            h("span", { class: "mat-tags" },
              h("em", { class: "badge" }, m.form_label),
              h("em", { class: "badge" }, `${m.copies} 份`),
              h("em", { class: `badge ${m.necessity === "required" ? "warn" : ""}` }, m.necessity_label),
              m.deferrable ? h("em", { class: "badge deferrable" }, "容缺后补") : null,
            ),
            m.source ? h("small", {}, `来源：${m.source}`) : null,
            m.notes ? h("small", {}, `须知：${m.notes}`) : null,
            materialFiles(ctx, m),
          ),
        ),
      )),
    ),
    section(
      "办理流程",
      h("ol", { class: "steps" }, g.steps.map((s, n) =>
        h("li", {}, h("span", { class: "step-no" }, n + 1), h("div", {}, h("strong", {}, s.title), s.description ? h("p", {}, s.description) : null)),
      )),
    ),
    g.conditions ? section("受理条件", h("p", { class: "prose" }, g.conditions)) : null,
    !g.is_free && g.fees.length
      ? section("收费标准", h("ul", { class: "fees" }, g.fees.map((f) => h("li", {}, `${f.name}：${f.standard}`, f.basis ? h("small", {}, `依据：${f.basis}`) : null))))
      : null,
    g.basis ? section("设定依据", h("p", { class: "prose" }, g.basis)) : null,
    g.faqs.length
      ? section("常见问题", g.faqs.map((f) => h("details", { class: "faq" }, h("summary", {}, f.question), h("p", {}, f.answer))))
      : null,
    scrollButtons(),
  );
}

export function meeting(ctx, id) {
  const m = ctx.store.data.meetings.find((x) => x.id === Number(id));
  if (!m) return notFound("该会议公告已结束");
  const tz = ctx.store.data.timezone;
  const rows = [
    ["会议时间", localTime(m.meeting_at, tz)],
    ["会议地点", m.place],
    ["会议议题", m.topics],
    ["旁听名额", `${m.observer_quota} 名`],
    ["报名条件", m.eligibility],
    ["报名方式", m.how_to_register],
    ["报名截止", localTime(m.register_until, tz)],
  ].filter(([, v]) => v);
  return h("div", { class: "page meeting-page" }, backBar(), h("h1", {}, m.title),
    h("dl", { class: "meta wide" }, rows.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])));
}

export function answers(ctx) {
  const list = ctx.store.data.answers;
  return h(
    "div",
    { class: "page answers" },
    backBar(),
    h("h1", {}, "问答公开"),
    h("p", { class: "lead" }, "群众问询的答复：经提问人同意公开，或由工作人员改写为不含个人信息的问答；个人信息已隐去"),
    link("#/ledger", { class: "btn" }, "受理情况统计"),
    list.length
      ? list.map((a) =>
          h("article", { class: "qa" },
            h("p", { class: "q" }, h("b", {}, "问"), h("span", {}, a.topic ? `【${a.topic}】` : "", a.question)),
            h("p", { class: "a" }, h("b", {}, "答"), h("span", {}, a.reply)),
            h("p", { class: "qa-meta" }, `${a.kind_label}　${a.rewritten ? "问题经工作人员改写　" : ""}答复日期 ${a.replied_on || ""}`),
          ),
        )
      : h("p", { class: "empty" }, "暂无公开的答复"),
    scrollButtons(),
  );
}

export function notFound(message) {
  return h("div", { class: "page" }, backBar(), h("p", { class: "empty" }, message), link("#/", { class: "btn primary" }, "返回首页"));
}
