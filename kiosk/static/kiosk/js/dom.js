// Small DOM helpers: build elements from data, never from HTML strings
// (the only HTML inserted is item bodies, sanitised on the server).

export function h(tag, props = {}, ...kids) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value == null || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "html") el.innerHTML = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    // Through the CSSOM: a style attribute would be refused by the page's CSP.
    else if (key === "style") el.style.cssText = value;
    else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? "" : value);
  }
  append(el, kids);
  return el;
}

export function append(el, kids) {
  for (const kid of kids.flat(Infinity)) {
    if (kid == null || kid === false) continue;
    el.append(kid instanceof Node ? kid : String(kid));
  }
  return el;
}

// Replace an element's children, skipping null and false (unlike replaceChildren).
export function fill(el, ...kids) {
  el.replaceChildren();
  return append(el, kids);
}

// A button that goes to a route: the one way to navigate.
export function link(hash, props, ...kids) {
  return h("button", { type: "button", ...props, dataset: { go: hash } }, ...kids);
}

// Text with the matched [start, end) spans wrapped in <mark>.
export function marked(text, spans) {
  const out = [];
  let at = 0;
  for (const [start, end] of spans || []) {
    if (start < at) continue;
    out.push(text.slice(at, start), h("mark", {}, text.slice(start, end)));
    at = end;
  }
  out.push(text.slice(at));
  return out.filter((part) => part !== "");
}

export function section(title, ...kids) {
  return h("section", { class: "block" }, h("h2", {}, title), ...kids);
}

export function backBar(...extra) {
  return h(
    "div",
    { class: "backbar" },
    h("button", { type: "button", class: "back", dataset: { back: "1" } }, "‹ 返回"),
    ...extra,
  );
}

export function qrCard(src, caption) {
  return h(
    "figure",
    { class: "qr" },
    h("img", { src, alt: caption, width: 200, height: 200 }),
    h("figcaption", {}, caption),
  );
}

const formatters = new Map();

function formatter(tz, options) {
  const key = tz + JSON.stringify(options);
  if (!formatters.has(key)) {
    formatters.set(key, new Intl.DateTimeFormat("zh-CN", { timeZone: tz, ...options }));
  }
  return formatters.get(key);
}

// An ISO UTC time shown in the hall's time zone.
export function localTime(iso, tz) {
  if (!iso) return "";
  return formatter(tz, {
    year: "numeric", month: "long", day: "numeric", weekday: "short",
    hour: "2-digit", minute: "2-digit", hour12: false,
  }).format(new Date(iso));
}

export function clockText(tz) {
  return formatter(tz, {
    month: "long", day: "numeric", weekday: "short", hour: "2-digit", minute: "2-digit", hour12: false,
  }).format(new Date());
}

// Call back with -1 (swipe right: back) or +1 (swipe left: on) after a horizontal swipe.
export function onSwipe(el, threshold, callback) {
  let startX = null;
  el.addEventListener("pointerdown", (e) => { startX = e.clientX; });
  el.addEventListener("pointerup", (e) => {
    if (startX === null) return;
    const dx = e.clientX - startX;
    startX = null;
    if (Math.abs(dx) >= threshold) callback(dx < 0 ? 1 : -1);
  });
}

export function readJson(key, fallback) {
  try {
    return JSON.parse(localStorage.getItem(key) || "null") ?? fallback;
  } catch (err) {
    return fallback;
  }
}
