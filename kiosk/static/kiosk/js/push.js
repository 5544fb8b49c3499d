// Push (nginx + Nchan): hear at once that the bundle or urgent notices moved,
// then fetch them through the normal cached GET. Polling goes on regardless:
// it is what keeps a kiosk current when the subscription is down, and the only
// path when the server has no push (cfg.push is "").

export function listen(cfg, { urgent, bundle }) {
  if (!cfg.push || !window.EventSource) return null;
  const source = new EventSource(`${cfg.push}`);
  source.onmessage = (event) => {
    let message = {};
    try {
      message = JSON.parse(event.data);
    } catch (err) {
      return;
    }
    const version = String(message.v || "");
    if (String(message.c || "").startsWith("urgent-")) urgent(version);
    else bundle(version);
  };
  return source;
}
