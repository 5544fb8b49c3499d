// Submissions leave through here. Each gets an idempotency key and is kept
// in localStorage until the server has answered it, so a submission made
// while the server is unreachable is sent later, and a retry of one that did
// reach the server returns the same receipt instead of storing it twice.

import { readJson } from "./dom.js";
import { withToken } from "./token.js";

export class Outbox extends EventTarget {
  constructor(cfg, store) {
    super();
    this.cfg = cfg;
    this.store = store;
    this.key = `sunlight.kiosk.${cfg.terminal}.outbox`;
    this.receiptsKey = `sunlight.kiosk.${cfg.terminal}.receipts`;
    this.flushing = null;
  }

  static newKey() {
    // crypto.randomUUID needs a secure context; getRandomValues does not.
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return "k-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  entries() {
    return readJson(this.key, []);
  }

  save(entries) {
    localStorage.setItem(this.key, JSON.stringify(entries));
    this.dispatchEvent(new Event("change"));
  }

  remove(key) {
    this.save(this.entries().filter((e) => e.body.idempotency_key !== key));
  }

  receipts() {
    return readJson(this.receiptsKey, []);
  }

  remember(receipt) {
    const list = [receipt, ...this.receipts().filter((r) => r.receipt_no !== receipt.receipt_no)];
    localStorage.setItem(this.receiptsKey, JSON.stringify(list.slice(0, 50)));
  }

  // kind: "inquiries" or "ratings". Returns {status: sent|queued|refused, ...}.
  async submit(kind, fields) {
    const body = { ...fields, terminal: this.cfg.terminal, idempotency_key: Outbox.newKey() };
    const entry = { kind, body, queuedAt: new Date().toISOString() };
    this.save([...this.entries(), entry]);
    return this.send(entry);
  }

  async send(entry) {
    let response;
    try {
      response = await fetch(`${this.cfg.base}/api/v1/${entry.kind}`, {
        method: "POST",
        headers: withToken(this.cfg, { "Content-Type": "application/json", Accept: "application/json" }),
        body: JSON.stringify(entry.body),
      });
    } catch (err) {
      this.store.setOnline(false);
      return { status: "queued", reason: "offline" };
    }
    // 401: this kiosk is not (yet) provisioned with its token; keep it for later.
    if (response.status === 401 || response.status === 429 || response.status >= 500) {
      const reason = { 401: "unauthorised", 429: "busy" }[response.status] || "server";
      return { status: "queued", reason };
    }
    this.store.setOnline(true);
    const body = await response.json().catch(() => ({}));
    this.remove(entry.body.idempotency_key);
    if (response.ok) {
      this.remember(body);
      this.dispatchEvent(new CustomEvent("sent", { detail: body }));
      return { status: "sent", receipt: body };
    }
    return { status: "refused", problem: body };
  }

  // Send what is waiting, oldest first; stop at the first that cannot go.
  flush() {
    if (!this.flushing) {
      this.flushing = (async () => {
        for (const entry of this.entries()) {
          const result = await this.send(entry);
          if (result.status === "queued") break;
        }
      })().finally(() => {
        this.flushing = null;
      });
    }
    return this.flushing;
  }
}
