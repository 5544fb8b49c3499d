// The kiosk's terminal token. It is given once in the address when the kiosk
// is set up (/kiosk/<code>?token=…), kept in localStorage, removed from the
// address bar at once, and sent as X-Terminal-Token with the bundle,
// submissions and heartbeats: never in a URL, so never in a log or Referer.

const key = (cfg) => `sunlight.kiosk.${cfg.terminal}.token`;

export function provision(cfg) {
  const url = new URL(location.href);
  const given = url.searchParams.get("token");
  if (given === null) return;
  try {
    localStorage.setItem(key(cfg), given);
  } catch (err) {
    // Storage unavailable: the kiosk cannot keep its token (it says so by failing to load).
  }
  url.searchParams.delete("token");
  history.replaceState(history.state, "", url.pathname + url.search + url.hash);
}

export function withToken(cfg, headers = {}) {
  let token = "";
  try {
    token = localStorage.getItem(key(cfg)) || "";
  } catch (err) {
    token = "";
  }
  return token ? { ...headers, "X-Terminal-Token": token } : headers;
}
