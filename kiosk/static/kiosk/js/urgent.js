// Urgent notices: polled every few seconds (as walls do), shown at once,
// gone on time even while the server is unreachable, and confirmed back so
// the console knows which kiosks show them.

import { withToken } from "./token.js";
import { pollWaits } from "./waiting.js";

export class Urgent extends EventTarget {
  constructor(cfg, store) {
    super();
    this.cfg = cfg;
    this.store = store;
    this.key = `sunlight.kiosk.${cfg.terminal}.urgent`;
    this.etag = "";
    this.notices = null; // null: nothing polled yet, the bundle's list stands
    this.shown = "";
    try {
      const saved = JSON.parse(localStorage.getItem(this.key) || "null");
      if (saved) ({ notices: this.notices, etag: this.etag } = saved);
    } catch (err) {
      localStorage.removeItem(this.key);
    }
  }

  get url() {
    // Its own list (notices for its groups too), with its token, as the bundle.
    return `${this.cfg.base}/kiosk/${encodeURIComponent(this.cfg.terminal)}/urgent.json`;
  }

  headers() {
    return withToken(this.cfg, { Accept: "application/json" });
  }

  // The notices in force at ``now``: the end time holds offline too.
  current(now = new Date()) {
    const list = this.notices || (this.store.data && this.store.data.urgent_notices) || [];
    return list.filter((n) => new Date(n.starts_at) <= now && new Date(n.ends_at) > now);
  }

  async poll(version = "") {
    const headers = this.headers();
    if (this.notices && this.etag) headers["If-None-Match"] = this.etag;
    if (version) headers["X-Sunlight-Version"] = version;
    let response;
    try {
      response = await fetch(this.url, { headers, cache: "no-store", signal: pollWaits() });
    } catch (err) {
      this.store.setOnline(false);
      return;
    }
    if (response.ok) {
      this.store.setOnline(true);
      const data = await response.json();
      this.notices = data.urgent_notices;
      this.etag = response.headers.get("ETag") || "";
      try {
        localStorage.setItem(this.key, JSON.stringify({ notices: this.notices, etag: this.etag }));
      } catch (err) {
        // Storage full: keep working from memory.
      }
    }
    this.changed();
    this.confirm();
  }

  // Redraw only when what should show now differs from what shows.
  changed() {
    const ids = this.current().map((n) => n.id).join(",");
    if (ids === this.shown) return;
    this.shown = ids;
    this.dispatchEvent(new Event("change"));
  }

  confirm() {
    if (!this.store.online) return;
    const url = `${this.cfg.base}/kiosk/${encodeURIComponent(this.cfg.terminal)}/ack`;
    for (const notice of this.current()) {
      fetch(url, {
        method: "POST",
        headers: { ...this.headers(), "Content-Type": "application/json" },
        body: JSON.stringify({ notice_id: notice.id }),
      }).catch(() => {});
    }
  }
}
