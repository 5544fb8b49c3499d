// The kiosk's content: one bundle fetched with If-None-Match and kept in
// localStorage, so every page renders from memory and browsing survives a
// server outage with no service worker.

import { makeDoc, searchDocs } from "./searchcore.js";
import { withToken } from "./token.js";
import { pollWaits } from "./waiting.js";

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
  // ``version``: a pushed version (push.js); nginx then asks a node, and a node
  // that has not read that far re-reads first.
  async refresh(version = "") {
    const headers = withToken(this.cfg, { Accept: "application/json" });
    if (this.data && this.etag) headers["If-None-Match"] = this.etag;
    if (version) headers["X-Sunlight-Version"] = version;
    let response;
    try {
      response = await fetch(this.url, { headers, cache: "no-store", signal: pollWaits() });
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
    this.searchIndex = null;
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

  // Search without the server: the server's rules (searchcore.js) on the bundle.
  searchLocal(query) {
    if (!this.searchIndex) {
      const d = this.data;
      const search = d.search || { abbreviations: {}, windows: [] };
      const text = (doc, fallback) => doc.search || fallback;
      this.searchIndex = [
        ...d.guides.map((g) => {
          const [summary, body] = text(g, [g.summary, ""]);
          return makeDoc({ kind: "guide", id: g.id, title: g.name, summary, body, pinyin: g.pinyin, spelled: g.spelled, info: { date: g.published_on || "", category: "办事指南" } });
        }),
        ...search.windows.map((w) => makeDoc({ kind: "window", id: w.id, title: w.title, summary: w.summary, body: w.body, pinyin: w.pinyin, spelled: w.spelled, info: { date: "", category: "办理窗口" } })),
        ...d.items.map((i) => {
          const [summary, body] = text(i, [i.summary, ""]);
          return makeDoc({ kind: "item", id: i.id, title: i.title, summary, body, pinyin: i.pinyin, info: { date: i.published_on || "", category: i.category.name } });
        }),
      ];
      this.abbreviations = search.abbreviations;
    }
    return searchDocs(this.searchIndex, query, this.abbreviations);
  }
}
