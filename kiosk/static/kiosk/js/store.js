// The kiosk's content: one bundle fetched with If-None-Match and kept in
// localStorage, so every page renders from memory and browsing survives a
// server outage with no service worker.

import { withToken } from "./token.js";

const STALE_STATUSES = new Set([502, 503, 504]);

export class Store extends EventTarget {
  constructor(cfg) {
    super();
    this.cfg = cfg;
    this.key = `sunlight.kiosk.${cfg.terminal}.bundle`;
    this.online = navigator.onLine;
    this.data = null;
    this.etag = "";
    this.details = new Map();
    try {
      const saved = JSON.parse(localStorage.getItem(this.key) || "null");
      if (saved && saved.data) {
        this.data = saved.data;
        this.etag = saved.etag || "";
      }
    } catch (err) {
      localStorage.removeItem(this.key);
    }
  }

  get url() {
    return `${this.cfg.base}/kiosk/${encodeURIComponent(this.cfg.terminal)}/bundle.json`;
  }

  setOnline(value) {
    if (value === this.online) return;
    this.online = value;
    this.dispatchEvent(new Event("online"));
  }

  // Ask the server for news; true when the content changed.
  async refresh() {
    const headers = withToken(this.cfg, { Accept: "application/json" });
    if (this.data && this.etag) headers["If-None-Match"] = this.etag;
    let response;
    try {
      response = await fetch(this.url, { headers, cache: "no-store" });
    } catch (err) {
      this.setOnline(false);
      return false;
    }
    this.setOnline(!STALE_STATUSES.has(response.status));
    // 401: this kiosk has no (right) token; it keeps showing what it has.
    this.unauthorised = response.status === 401;
    if (response.status === 304 || !response.ok) return false;
    this.data = await response.json();
    this.etag = response.headers.get("ETag") || "";
    this.index();
    try {
      localStorage.setItem(this.key, JSON.stringify({ data: this.data, etag: this.etag }));
    } catch (err) {
      // Storage full: keep working from memory.
    }
    this.dispatchEvent(new Event("change"));
    return true;
  }

  index() {
    const d = this.data;
    this.items = new Map(d.items.map((i) => [i.id, i]));
    this.guides = new Map(d.guides.map((g) => [g.id, g]));
    this.categories = new Map();
    const walk = (nodes, parent) => {
      for (const node of nodes) {
        node.parent = parent ? parent.code : null;
        this.categories.set(node.code, node);
        walk(node.children, node);
      }
    };
    walk(d.catalogue, null);
  }

  ready() {
    if (this.data && !this.items) this.index();
    return Boolean(this.data);
  }

  codesUnder(code) {
    const node = this.categories.get(code);
    const out = new Set();
    const walk = (n) => {
      out.add(n.code);
      n.children.forEach(walk);
    };
    if (node) walk(node);
    return out;
  }

  itemsUnder(code) {
    const codes = this.codesUnder(code);
    return this.data.items.filter((i) => codes.has(i.category.code));
  }

  // An item with its body: from the bundle, else from the feed API (online only).
  async itemDetail(id) {
    const item = this.items.get(id);
    if (item && "body_html" in item) return item;
    if (this.details.has(id)) return this.details.get(id);
    const url = `${this.cfg.base}/api/v1/items/${id}?hall=${encodeURIComponent(this.cfg.hall)}&surface=kiosk`;
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (!response.ok) return item || null;
      const detail = await response.json();
      this.details.set(id, detail);
      return detail;
    } catch (err) {
      this.setOnline(false);
      return item || null;
    }
  }

  // Search without the server: titles, summaries, pinyin initials and syllables.
  searchLocal(query) {
    const q = query.replace(/\s+/g, "").toLowerCase();
    if (!q) return [];
    const letters = /^[a-z]+$/.test(q);
    const hits = [];
    const consider = (kind, doc, title, summary) => {
      let spans = [];
      let at = title.toLowerCase().indexOf(q);
      if (at >= 0) spans = [[at, at + q.length]];
      else if (letters && (at = doc.py.indexOf(q)) >= 0) spans = [[at, at + q.length]];
      else if (letters) spans = pinyinSpans(doc.pinyin, q);
      const inSummary = (summary || "").toLowerCase().includes(q);
      if (!spans.length && !inSummary) return;
      hits.push({
        kind, id: doc.id, title, title_spans: spans, snippet: summary || "", snippet_spans: [],
        matched_in: spans.length ? "title" : "summary",
        date: doc.published_on || "", category: kind === "guide" ? "办事指南" : doc.category.name,
      });
    };
    this.data.guides.forEach((g) => consider("guide", g, g.name, `${g.summary} ${g.keywords || ""}`));
    this.data.items.forEach((i) => consider("item", i, i.title, i.summary));
    return hits.sort((a, b) => (a.matched_in === "title" ? 0 : 1) - (b.matched_in === "title" ? 0 : 1));
  }
}

function pinyinSpans(syllables, q) {
  for (let start = 0; start < syllables.length; start++) {
    let rest = q;
    let end = start;
    while (rest && end < syllables.length && syllables[end] !== " ") {
      const s = syllables[end];
      if (rest.startsWith(s)) rest = rest.slice(s.length);
      else if (s.startsWith(rest)) rest = "";
      else break;
      end++;
    }
    if (!rest && end > start) return [[start, end]];
  }
  return [];
}
