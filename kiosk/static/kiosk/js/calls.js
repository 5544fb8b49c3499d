// The hall's current calls (排队叫号) on request, and 朗读: an item or a guide read
// aloud by the calls' voice (无障碍). Both exist only where the server has them
// (cfg.calls, cfg.speak are "" otherwise).
import { h, fill, backBar } from "./dom.js";
import { withToken } from "./token.js";
import { personWaits } from "./waiting.js";

export function callsPage(ctx) {
  const view = h("div", { class: "page calls-page" }, backBar(), h("p", { class: "loading" }, "正在查询……"));
  fetch(ctx.cfg.calls, { headers: withToken(ctx.cfg), cache: "no-store", signal: personWaits() })
    .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`))))
    .then((data) => {
      fill(view,
        backBar(),
        h("h1", {}, "当前叫号"),
        data.calls.length
          ? h("ol", { class: "calls-list" }, data.calls.map((c) =>
              h("li", { class: c.newest ? "newest" : "" }, h("strong", {}, c.ticket), ` 请到 ${c.window}号窗口（${c.window_name}）`)))
          : h("p", { class: "empty" }, "暂时没有叫号"),
        h("h2", {}, "各窗口"),
        h("ul", { class: "calls-windows" }, data.windows.map((w) =>
          h("li", {}, h("span", { class: "fact-k" }, `${w.number}号窗口 ${w.name}`), h("span", { class: "fact-v" }, w.text)))),
      );
    })
    .catch(() => fill(view, backBar(), h("p", { class: "empty" }, "暂时无法查询叫号，请稍后再试")));
  return view;
}

let playing = null;

export function readAloudButton(ctx, text) {
  if (!ctx.cfg.speak || !text) return null;
  const button = h("button", { type: "button", class: "btn read-aloud" }, "🔊 朗读");
  button.onclick = () => {
    if (playing) {
      playing.pause();
      playing = null;
      button.textContent = "🔊 朗读";
      return;
    }
    button.textContent = "正在准备……";
    fetch(ctx.cfg.speak, {
      method: "POST",
      headers: withToken(ctx.cfg, { "Content-Type": "application/json" }),
      body: JSON.stringify({ text }),
      signal: personWaits(),
    })
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`))))
      .then((made) => {
        const audio = new Audio(made.audio);
        playing = audio;
        button.textContent = "■ 停止朗读";
        audio.onended = () => { playing = null; button.textContent = "🔊 朗读"; };
        return audio.play();
      })
      .catch(() => { playing = null; button.textContent = "🔊 朗读（暂不可用）"; });
  };
  return button;
}
