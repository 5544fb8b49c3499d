/* Wall player: rotates the program, polls it with If-None-Match, keeps the last
   program in localStorage and keeps rotating while the server is unreachable.
   Heartbeat, urgent-notice confirmation and proof of play go back in batches. */
(function () {
  "use strict";
  var body = document.body;
  var params = new URLSearchParams(location.search);
  var code = body.dataset.code;
  // The token comes once in the address (provisioning), is kept in localStorage,
  // leaves the address bar at once and goes only in X-Terminal-Token headers.
  var tokenKey = "sunlight.display." + code + ".token";
  var token = params.get("token") || "";
  if (params.has("token")) {
    try { localStorage.setItem(tokenKey, token); } catch (e) { /* kept in memory only */ }
    params.delete("token");
    var rest = params.toString();
    history.replaceState(history.state, "", location.pathname + (rest ? "?" + rest : "") + location.hash);
  } else {
    try { token = localStorage.getItem(tokenKey) || ""; } catch (e) { token = ""; }
  }
  // Tests may shorten the poll interval and the entry durations.
  var pollMs = 1000 * (parseFloat(params.get("poll")) || parseFloat(body.dataset.pollSeconds) || 5);
  var durationScale = parseFloat(params.get("speed")) || 1;
  var storeKey = "sunlight.display." + code;
  var PLAY_FLUSH_MS = Math.max(pollMs * 3, 15000);
  var PLAY_BATCH_MAX = 50;

  var state = { program: null, etag: "", normal: null, index: -1, timer: null,
                current: null, shownAt: null, urgentShown: null, online: false };

  function load(key, fallback) {
    try { var v = localStorage.getItem(storeKey + "." + key); return v ? JSON.parse(v) : fallback; }
    catch (e) { return fallback; }
  }
  function save(key, value) {
    try { localStorage.setItem(storeKey + "." + key, JSON.stringify(value)); } catch (e) { /* full */ }
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }
  // A connection the network left half-open (a switch restarting) would hold a
  // request for minutes, and the next poll, or a pushed fetch, waits for it.
  // Tests may shorten it (?wait=seconds), as the poll interval.
  var WAIT_MS = 1000 * (parseFloat(params.get("wait")) || 20);
  function patience() {
    return window.AbortSignal && AbortSignal.timeout ? AbortSignal.timeout(WAIT_MS) : undefined;
  }
  function post(url, data) {
    return fetch(url, { method: "POST", cache: "no-store", signal: patience(),
      headers: { "Content-Type": "application/json", "X-Terminal-Token": token },
      body: JSON.stringify(data) });
  }

  /* ---- clock in the hall's time zone ---- */
  function tick() {
    var tz = (state.program && state.program.hall.timezone) || "Asia/Shanghai";
    var now = new Date();
    var date = new Intl.DateTimeFormat("zh-CN", { timeZone: tz, year: "numeric", month: "long",
      day: "numeric", weekday: "long" }).format(now);
    var time = new Intl.DateTimeFormat("zh-CN", { timeZone: tz, hour: "2-digit", minute: "2-digit",
      second: "2-digit", hour12: false }).format(now);
    document.getElementById("clock").innerHTML = "";
    document.getElementById("clock").append(el("span", "date", date), el("span", "time", time));
    expireUrgent(now);
  }

  /* ---- slides ---- */
  function slide(entry) {
    var s = el("article", "slide kind-" + entry.kind);
    s.dataset.key = entry.key;
    var text = el("div", "slide-text");
    if (entry.label) text.append(el("div", "label", entry.label));
    text.append(el("h1", "title", entry.title || ""));
    if (entry.subtitle) text.append(el("div", "subtitle", entry.subtitle));
    if (entry.summary) text.append(el("p", "summary", entry.summary));
    if (entry.facts && entry.facts.length) {
      var dl = el("dl", "facts");
      entry.facts.forEach(function (f) { if (f[1]) { dl.append(el("dt", "", f[0]), el("dd", "", f[1])); } });
      text.append(dl);
    }
    if (entry.materials && entry.materials.length) {
      var ul = el("ul", "materials");
      entry.materials.forEach(function (m) { ul.append(el("li", "", m)); });
      text.append(el("div", "materials-head", "申请材料"), ul);
    }
    if (entry.body_html) {
      var b = el("div", "body-html"); b.innerHTML = entry.body_html; text.append(b);
    } else if (entry.body) {
      text.append(el("p", "body", entry.body));
    }
    s.append(text);
    if (entry.qr) {
      var fig = el("figure", "qr");
      var img = el("img"); img.src = entry.qr; img.alt = "二维码";
      fig.append(img, el("figcaption", "", entry.qr_caption || "扫码查看"));
      s.append(fig);
    }
    if (entry.image) {
      var pic = el("img", "picture"); pic.src = entry.image; pic.alt = entry.title || "";
      s.append(pic);
    }
    return s;
  }

  function idleSlide() {
    var s = el("article", "slide kind-idle");
    s.dataset.key = "idle";
    var t = el("div", "slide-text");
    t.append(el("div", "label", "欢迎"), el("h1", "title", (state.program && state.program.hall.name) || body.dataset.hallName),
             el("p", "summary", "推进党务政务公开 · 打造阳光服务大厅"));
    s.append(t);
    return s;
  }

  function show(node) {
    var stage = document.getElementById("stage");
    var old = stage.querySelectorAll(".slide");
    node.classList.add("enter");
    stage.append(node);
    requestAnimationFrame(function () { requestAnimationFrame(function () { node.classList.remove("enter"); }); });
    old.forEach(function (o) { o.classList.add("leave"); setTimeout(function () { o.remove(); }, 900); });
    fitText(node);
  }

  function fitText(node) {
    // Text never shrinks below what reads from across a hall (player.css): a slide too
    // long for the screen shows its summary, or the start of its text, clamped to the
    // lines that fit, and points to its QR code for the full text.
    var text = node.querySelector(".slide-text");
    if (!text || strip.matches) return;
    var over = function () { return text.scrollHeight > text.clientHeight + 2; };
    if (!over()) return;
    node.classList.add("condensed");
    var full = text.querySelector(".body-html, .body");
    if (!text.querySelector(".summary") && full) {
      text.insertBefore(el("p", "summary excerpt", full.textContent.replace(/\s+/g, " ").trim()), full);
    }
    if (node.querySelector(".qr")) {
      text.append(el("p", "see-qr", node.classList.contains("kind-guide") ? "完整指南请扫码查看" : "全文请扫码查看"));
    }
    var lines = 8;
    while (over() && lines > 1) {
      lines -= 1;
      text.style.setProperty("--lines", String(lines));
    }
    if (over()) node.classList.add("no-summary");
    if (over()) node.classList.add("title-clamped");
  }

  var strip = window.matchMedia("(min-aspect-ratio: 3/1)");
  function scrollTitle(node, seconds) {
    // A strip has one line for the title: one longer than the line scrolls through once
    // during the entry instead of being cut off.
    var title = node.querySelector(".title");
    if (!title || !strip.matches) return;
    var overflow = title.scrollWidth - title.clientWidth;
    if (overflow <= 2) return;
    var run = el("span", "title-run", title.textContent);
    title.textContent = "";
    title.append(run);
    title.classList.add("scrolling");
    run.style.setProperty("--shift", -overflow + "px");
    run.style.animationDelay = seconds * 0.1 + "s";
    run.style.animationDuration = seconds * 0.75 + "s";
  }

  function entries() { return (state.program && state.program.entries) || []; }

  function recordPlay() {
    if (!state.current || !state.shownAt) return;
    var seconds = (Date.now() - state.shownAt) / 1000;
    if (seconds >= 0.5 && state.current.kind !== "idle") {
      var queue = load("plays", []);
      queue.push({ key: state.current.key, ref: state.current.ref || "", kind: state.current.kind,
                   title: (state.current.title || "").slice(0, 200),
                   started_at: new Date(state.shownAt).toISOString(), duration: Math.round(seconds * 10) / 10 });
      save("plays", queue.slice(-2000));
    }
  }

  function next() {
    clearTimeout(state.timer);
    recordPlay();
    var list = entries();
    var entry;
    if (!list.length) {
      entry = { kind: "idle", key: "idle", duration: 10 };
      show(idleSlide());
      state.index = -1;
    } else {
      state.index = (state.index + 1) % list.length;
      entry = list[state.index];
      var node = slide(entry);
      show(node);
      scrollTitle(node, (entry.duration || 10) * durationScale);
    }
    state.current = entry;
    state.shownAt = Date.now();
    body.dataset.entry = entry.key;
    body.dataset.index = String(state.index);
    state.timer = setTimeout(next, Math.max(500, (entry.duration || 10) * 1000 * durationScale));
  }

  /* ---- urgent takeover ---- */
  function urgentEntries(program) {
    return (program && program.mode === "urgent") ? program.entries : [];
  }

  function showUrgent(program) {
    var list = urgentEntries(program);
    var box = document.getElementById("urgent");
    if (!list.length) {
      box.hidden = true;
      state.urgentShown = null;
      return;
    }
    var n = list[0];
    document.getElementById("urgent-title").textContent = n.title;
    document.getElementById("urgent-body").textContent = n.body || "";
    var until = new Date(n.ends_at);
    var tz = program.hall.timezone;
    document.getElementById("urgent-until").textContent = "持续至 " + new Intl.DateTimeFormat("zh-CN",
      { timeZone: tz, month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit", hour12: false }).format(until);
    box.dataset.level = n.level || "";  // an official warning's colour (player.css)
    box.hidden = false;
    fitUrgent(box);
    body.dataset.urgent = String(n.notice_id);
    if (state.urgentShown !== n.notice_id) state.urgentShown = n.notice_id;
    confirmUrgent();
  }

  function fitUrgent(box) {
    // A long notice shrinks until the label, the whole text and the end time fit the screen.
    var fit = 1;
    box.style.setProperty("--fit", "1");
    while (fit > 0.4 && box.scrollHeight > box.clientHeight + 2) {
      fit -= 0.05;
      box.style.setProperty("--fit", String(fit));
    }
  }

  function confirmUrgent() {
    if (state.urgentShown == null || !state.online) return;
    post(body.dataset.ackUrl, { notice_id: state.urgentShown }).catch(function () {});
  }

  function expireUrgent(now) {
    // Offline: an urgent notice still ends on time, and the last normal program resumes.
    if (!state.program || state.program.mode !== "urgent") return;
    var live = state.program.entries.filter(function (e) { return new Date(e.ends_at) > now; });
    if (live.length === state.program.entries.length) return;
    if (live.length) {
      state.program = Object.assign({}, state.program, { entries: live });
    } else {
      state.program = state.normal || Object.assign({}, state.program, { mode: "idle", entries: [] });
    }
    apply(state.program, false);
  }

  /* ---- program ---- */
  function apply(program, fresh) {
    var before = state.current && state.current.key;
    var wasUrgent = body.dataset.mode === "urgent";
    state.program = program;
    if (program.mode !== "urgent") state.normal = program;
    if (fresh) save("program", { etag: state.etag, program: program, normal: state.normal });
    body.dataset.mode = program.mode;
    body.dataset.slot = program.slot || "";
    if (program.mode !== "urgent") delete body.dataset.urgent;
    document.getElementById("hall-name").textContent = program.hall.name;
    ticker(program.ticker || []);
    showUrgent(program);
    var list = entries();
    var keep = list.findIndex(function (e) { return e.key === before; });
    if (keep >= 0 && !wasUrgent && program.mode !== "urgent") {
      state.index = keep;          // same entry is still there: let it finish its time
      state.current = list[keep];
    } else {
      state.index = -1;
      next();
    }
  }

  var tickerText = null;
  function ticker(slogans) {
    var text = slogans.join("　　★　　");
    if (text === tickerText) return;
    tickerText = text;
    var run = document.getElementById("ticker-run");
    run.textContent = text;
    run.style.animationDuration = Math.max(20, text.length * 0.35) + "s";
    document.getElementById("ticker").hidden = !text;
  }

  function setOnline(online) {
    state.online = online;
    body.dataset.online = online ? "1" : "0";
  }

  function heartbeat() {
    var p = state.program;
    var done = load("commandsDone", []);
    post(body.dataset.heartbeatUrl, {
      version: state.etag.replace(/"/g, ""),
      program: p ? (p.mode === "urgent" ? "紧急通知" : (p.playlist ? p.playlist.name : "空闲画面")) : "",
      entry: state.current ? (state.current.title || state.current.key) : "",
      done: done.length ? done : null,
      power: body.dataset.power === "off" ? "off" : "on"
    }).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (reply) { if (reply) obey(reply, done); })
      .catch(function () {});
  }

  /* ---- commands from the console (設备监控), in the heartbeat's reply ---- */
  function setPower(power) {
    body.dataset.power = power === "off" ? "off" : "on";
    document.getElementById("power-off").hidden = power !== "off";
  }
  function identify() {
    var box = document.getElementById("identify");
    box.textContent = code;
    box.hidden = false;
    clearTimeout(identify.timer);
    identify.timer = setTimeout(function () { box.hidden = true; }, 30000);
  }
  // 截图: the wall draws its own screen (html-to-image, vendored) and uploads the PNG,
  // at most 1280 pixels wide; a failure just leaves the console's older picture.
  function screenshot() {
    if (!window.htmlToImage) return;
    var ratio = Math.min(1, 1280 / Math.max(1, document.documentElement.clientWidth));
    window.htmlToImage.toBlob(document.body, { pixelRatio: ratio, cacheBust: false,
      backgroundColor: "#000" })
      .then(function (blob) {
        if (!blob) return;
        return fetch(body.dataset.heartbeatUrl.replace(/heartbeat$/, "screenshot"), {
          method: "POST", cache: "no-store", signal: patience(), body: blob,
          headers: { "Content-Type": "image/png", "X-Terminal-Token": token } });
      })
      .catch(function () {});
  }
  function obey(reply, sent) {
    if (reply.power) setPower(reply.power);
    var waiting = reply.commands || [];
    var ids = waiting.map(function (c) { return c.id; });
    // Acknowledged ones no longer come back: stop repeating them.
    var done = load("commandsDone", []).filter(function (id) {
      return ids.indexOf(id) >= 0 || sent.indexOf(id) < 0;
    });
    // Done once, never again: a node that has not yet heard of the acknowledgement
    // (several nodes) may hand a command out again; it is only reported again.
    var ran = load("commandsRan", []);
    var reload = false;
    waiting.forEach(function (c) {
      if (done.indexOf(c.id) < 0) done.push(c.id);
      if (ran.indexOf(c.id) >= 0) return;
      ran.push(c.id);
      if (c.action === "reload") reload = true;
      else if (c.action === "fetch") pollNow("");
      else if (c.action === "identify") identify();
      else if (c.action === "screenshot") screenshot();
    });
    save("commandsDone", done.slice(-50));
    save("commandsRan", ran.slice(-100));
    // After the note is kept: the reloaded page acknowledges it in its first heartbeat.
    if (reload) location.reload();
  }

  /* ---- polling, and push when the server offers it ---- */
  var polling = { timer: null, busy: false, again: "", wanted: "" };
  function poll() {
    clearTimeout(polling.timer);
    polling.busy = true;
    var headers = { "X-Terminal-Token": token };
    if (state.etag) headers["If-None-Match"] = state.etag;
    if (polling.wanted) headers["X-Sunlight-Version"] = polling.wanted;
    polling.wanted = "";
    fetch(body.dataset.programUrl, { headers: headers, cache: "no-store", signal: patience() })
      .then(function (r) {
        if (r.status === 304) return null;
        if (!r.ok) throw new Error("HTTP " + r.status);
        state.etag = r.headers.get("ETag") || "";
        return r.json();
      })
      .then(function (program) {
        setOnline(true);
        if (program) apply(program, true);
        subscribe(state.program && state.program.push);
        heartbeat();
        confirmUrgent();
      })
      .catch(function () { setOnline(false); })
      .then(function () {
        polling.busy = false;
        if (polling.again) { polling.wanted = polling.again; polling.again = ""; poll(); }
        else polling.timer = setTimeout(poll, pollMs);
      });
  }
  // A pushed version: fetch now (after the poll in flight, if any).
  function pollNow(version) {
    if (polling.busy) { polling.again = version || "1"; return; }
    polling.wanted = version;
    poll();
  }
  // The program names its channels (nginx + Nchan); a new program may name others.
  var push = { path: "", source: null };
  function subscribe(path) {
    path = path || "";
    if (path === push.path || !window.EventSource) return;
    if (push.source) push.source.close();
    push.path = path;
    push.source = path ? new EventSource(path) : null;
    if (push.source) push.source.onmessage = function (e) {
      var v = "";
      try { v = String(JSON.parse(e.data).v || ""); } catch (err) { return; }
      pollNow(v);
    };
  }
  window.sunlightWallPush = push;

  /* ---- proof of play in idempotent batches ---- */
  function newKey() {
    var a = new Uint8Array(12);
    (window.crypto || window.msCrypto).getRandomValues(a);
    return code + "-" + Array.prototype.map.call(a, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function flushPlays() {
    var pending = load("pendingBatch", null);
    if (!pending) {
      var queue = load("plays", []);
      if (!queue.length) return;
      pending = { batch_key: newKey(), plays: queue.slice(0, PLAY_BATCH_MAX) };
      save("pendingBatch", pending);
      save("plays", queue.slice(PLAY_BATCH_MAX));
    }
    post(body.dataset.playsUrl, pending).then(function (r) {
      // Accepted or already stored (same key): either way the batch is home.
      if (r.ok || r.status === 400) save("pendingBatch", null);
    }).catch(function () {});
  }

  /* ---- start ---- */
  var stored = load("program", null);
  if (stored && stored.program) {
    state.etag = stored.etag || "";
    state.normal = stored.normal || null;
    apply(stored.program, false);
    subscribe(stored.program.push);
  } else {
    next();
  }
  tick();
  setInterval(tick, 1000);
  poll();
  setInterval(flushPlays, PLAY_FLUSH_MS);
  window.__player = state;
})();
