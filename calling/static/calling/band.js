/* "Now calling" (正在叫号) over whatever the wall plays, and the spoken calls.
   Polls the hall's calls with If-None-Match (a 304 costs nothing), or fetches at
   once when push (nginx + Nchan) says they moved. Each announcement is played at
   its start time in the server's clock, `repeats` times, at its volume; while it
   plays its text is shown large, for those who cannot hear it. */
(function () {
  "use strict";
  var me = document.currentScript;
  var url = me.dataset.callsUrl;
  var code = document.body.dataset.code;
  var board = me.dataset.mode === "board";
  var params = new URLSearchParams(location.search);
  var token = "";
  try { token = localStorage.getItem("sunlight.display." + code + ".token") || ""; } catch (e) { token = ""; }
  token = token || me.dataset.token || params.get("token") || "";
  var pollMs = 1000 * (parseFloat(params.get("calls_poll")) || 1);
  var state = { etag: "", calls: null, played: {}, offset: 0, timers: {}, queue: [], playing: null,
                heard: [] };
  window.__calling = state;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }
  var band = el("section", board ? "calling-board" : "calling-band");
  band.id = "calling-band";
  band.hidden = true;
  band.setAttribute("aria-label", "正在叫号");
  var flash = el("div", "calling-flash");
  flash.id = "calling-flash";
  flash.hidden = true;
  flash.setAttribute("role", "alert");
  document.body.append(band, flash);

  function render(data) {
    band.innerHTML = "";
    if (!data.calls.length && !board) { band.hidden = true; return; }
    band.hidden = false;
    band.append(el("div", "calling-label", "正在叫号"));
    var list = el("ol", "calling-list");
    data.calls.forEach(function (c) {
      var li = el("li", c.newest ? "calling-call newest" : "calling-call");
      li.dataset.ticket = c.ticket;
      li.append(el("span", "ticket", c.ticket), el("span", "to", "请到"), el("span", "window", c.window + "号窗口"));
      list.append(li);
    });
    band.append(list);
    if (board) {
      var windows = el("ul", "calling-windows");
      data.windows.forEach(function (w) {
        var li = el("li", "calling-window state-" + w.state);
        li.append(el("span", "window", w.number + "号窗口"), el("span", "text", w.text));
        windows.append(li);
      });
      band.append(windows);
    }
  }

  /* ---- announcements: one at a time, in the order of their start ---- */
  function schedule(a) {
    if (state.played[a.id] || state.timers[a.id]) return;
    var serverNow = Date.now() + state.offset;
    var ends = Date.parse(a.ends_at);
    if (ends <= serverNow) return;
    var wait = Math.max(0, Date.parse(a.starts_at) - serverNow);
    state.timers[a.id] = setTimeout(function () { state.queue.push(a); next(); }, wait);
  }
  function next() {
    if (state.playing || !state.queue.length) return;
    var a = state.queue.shift();
    state.playing = a;
    state.played[a.id] = true;
    state.heard.push({ id: a.id, text: a.text });
    flash.textContent = a.text;
    flash.hidden = false;
    var left = a.repeats;
    var audio = new Audio(a.audio);
    audio.volume = Math.max(0, Math.min(1, a.volume / 100));
    function done() { flash.hidden = true; state.playing = null; next(); }
    audio.onended = function () {
      left -= 1;
      if (left > 0) setTimeout(function () { audio.currentTime = 0; audio.play().catch(done); }, 800);
      else done();
    };
    audio.onerror = done;
    var p = audio.play();
    // No sound allowed (autoplay policy, no speaker): the text still shows for its time.
    if (p && p.catch) p.catch(function () {
      setTimeout(done, Math.max(1000, Date.parse(a.ends_at) - Date.parse(a.starts_at)));
    });
  }

  function apply(data) {
    state.calls = data;
    render(data);
    data.announcements.forEach(schedule);
    subscribe(data.push);
  }

  /* ---- polling, and push when offered ---- */
  var busy = false, again = false;
  function poll() {
    if (busy) { again = true; return; }
    busy = true;
    var headers = { "X-Terminal-Token": token };
    if (state.etag) headers["If-None-Match"] = state.etag;
    fetch(url, { headers: headers, cache: "no-store" }).then(function (r) {
      var date = Date.parse(r.headers.get("Date") || "");
      if (date) state.offset = date - Date.now();
      if (r.status === 304) return null;
      if (!r.ok) throw new Error("HTTP " + r.status);
      state.etag = r.headers.get("ETag") || "";
      return r.json();
    }).then(function (data) { if (data) apply(data); })
      .catch(function () { /* keep showing the last calls */ })
      .then(function () { busy = false; if (again) { again = false; poll(); } });
  }
  var source = null, path = "";
  function subscribe(p) {
    p = p || "";
    if (p === path || !window.EventSource) return;
    if (source) source.close();
    path = p;
    source = p ? new EventSource(p) : null;
    if (source) source.onmessage = poll;
  }
  poll();
  setInterval(poll, pollMs);
})();
