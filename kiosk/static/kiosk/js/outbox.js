// Submissions leave through here. Each gets an idempotency key and is kept
// in localStorage until the server has answered it, so a submission made
// while the server is unreachable is sent later, and a retry of one that did
// reach the server returns the same receipt instead of storing it twice.

import { readJson } from "./dom.js";
import { pendingCode } from "./receipts.js";

const KEY_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
import { withToken } from "./token.js";
import { personWaits } from "./waiting.js";

export class Outbox extends EventTarget {
  constructor(cfg, store) {
    super();
    this.cfg = cfg;
    this.store = store;
    this.key = `sunlight.kiosk.${cfg.terminal}.outbox`;
    this.receiptsKey = `sunlight.kiosk.${cfg.terminal}.receipts`;
    this.refusedKey = `sunlight.kiosk.${cfg.terminal}.refused`;
    this.flushing = null;
  }

  // "k-" and 26 characters of the receipt alphabet (no 0/O, 1/I): its first 8 are
  // the 暂存号 a visitor keeps while the submission waits (see receipts.js).
  static newKey() {
    // crypto.randomUUID needs a secure context; getRandomValues does not.
    const bytes = crypto.getRandomValues(new Uint8Array(26));
    return "k-" + Array.from(bytes, (b) => KEY_ALPHABET[b % 32]).join("");
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

  // Submissions refused on arrival after waiting here, kept for 查询回执 (code → reason).
  refused() {
    return readJson(this.refusedKey, []);
  }

  // A queued submission the server refused: tell the server (staff follow it up),
  // and only then let it go from the outbox. False when the report did not arrive.
  async reportRefusal(entry, problem) {
    let response;
    try {
      response = await fetch(`${this.cfg.base}/api/v1/refused-submissions`, {
        method: "POST",
        headers: withToken(this.cfg, { "Content-Type": "application/json", Accept: "application/json" }),
        body: JSON.stringify({ terminal: this.cfg.terminal, kind: entry.kind, body: entry.body, errors: problem.errors || {}, queued_at: entry.queuedAt }),
        signal: personWaits(),
      });
    } catch (err) {
      return false;
    }
    // Not recorded (token refused, busy, server trouble): keep the entry, or it would be lost unseen.
    if (response.status === 401 || response.status === 429 || response.status >= 500) return false;
    const message = problem.detail || problem.title || "未被受理";
    const list = [{ code: pendingCode(entry.body.idempotency_key), message }, ...this.refused()];
    localStorage.setItem(this.refusedKey, JSON.stringify(list.slice(0, 50)));
    return true;
  }

  // `waited`: the entry is sent from the queue (no visitor at the form to show errors to).
  async send(entry, waited = false) {
    let response;
    try {
      response = await fetch(`${this.cfg.base}/api/v1/${entry.kind}`, {
        method: "POST",
        headers: withToken(this.cfg, { "Content-Type": "application/json", Accept: "application/json" }),
        body: JSON.stringify(entry.body),
        signal: personWaits(),
      });
    } catch (err) {
      this.store.setOnline(false);
      return { status: "queued", reason: "offline", code: pendingCode(entry.body.idempotency_key) };
    }
    // 401: this kiosk is not (yet) provisioned with its token; keep it for later.
    if (response.status === 401 || response.status === 429 || response.status >= 500) {
      const reason = { 401: "unauthorised", 429: "busy" }[response.status] || "server";
      return { status: "queued", reason, code: pendingCode(entry.body.idempotency_key) };
    }
    this.store.setOnline(true);
    const body = await response.json().catch(() => ({}));
    if (!response.ok && waited && !(await this.reportRefusal(entry, body))) {
      return { status: "queued", reason: "server", code: pendingCode(entry.body.idempotency_key) };
    }
    this.remove(entry.body.idempotency_key);
    if (response.ok) {
      this.remember({ ...body, pending_code: pendingCode(entry.body.idempotency_key) });
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
          const result = await this.send(entry, true);
          if (result.status === "queued") break;
        }
      })().finally(() => {
        this.flushing = null;
      });
    }
    return this.flushing;
  }
}
