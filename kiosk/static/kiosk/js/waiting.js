// How long the kiosk waits for the server. A connection the network left
// half-open (a switch restarting, a node killed mid-answer) would otherwise hold
// a request for minutes: a person before "正在提交……", a poll that never ends.
// Past these a request fails as if offline: a submission stays in the outbox, and
// its idempotency key makes the later send a replay, never a second copy.

const after = (ms) => (typeof AbortSignal !== "undefined" && AbortSignal.timeout ? AbortSignal.timeout(ms) : undefined);
// The page's configuration (kiosk/views.py: ?wait= and ?pollwait= shorten them for tests).
const config = document.getElementById("kiosk-config");
const cfg = config ? JSON.parse(config.textContent) : {};

// A person is waiting at the screen.
export const personWaits = () => after(1000 * (cfg.personWaitSeconds || 10));
// A poll: the next one comes anyway.
export const pollWaits = () => after(1000 * (cfg.pollWaitSeconds || 20));
