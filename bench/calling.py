#!/usr/bin/env python3
"""Queue calling benchmark: a call's way from the queue system to the window's LED
card and to the walls.

Sunlight runs under waitress (LiveServer, the tests' real server) on a fresh SQLite
file, with a hall of N windows, each window's strip a simulated Onbon BX-5 card
(its own dynamic area), and W walls. Each round posts one call per window to the
queue system's endpoint, as a queue system does, and measures:

  * event arrival → the window's card has acknowledged its new picture (the
    sender's wake-up, the render, the push), for the last of the N windows;
    baseline in the same run: the driver pushing the same pictures straight to
    the same cards (the wire's and the cards' own time);
  * the last event's arrival → every wall's calls answer (``/calling/screens/<wall>/calls.json``,
    If-None-Match) shows the call; baseline: one 304 of that answer per wall
    (what a poll costs when nothing moved).

Figures print as ratios to their baseline (these machines are noisy).

Run: python bench/calling.py [--windows 1 20] [--walls 1 50] [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests  # noqa: E402

from bench.onbon import direct  # noqa: E402  (the baseline: the driver alone)

QUEUE = {"X-Queue-Token": "bench-queue-token"}


def world(app, windows: int, walls: int) -> list:
    from calling.models import CallingHall, CallingWindow
    from content_feed.db import db
    from content_feed.models import Window
    from content_feed.terminals import hash_token
    from display.led.onbon_sim import OnbonSimulator
    from tests.builders import make_hall, make_terminal

    hall = make_hall("hall-1", "基准大厅")
    db.session.add(CallingHall(hall_id=hall.id, token_hash=hash_token(QUEUE["X-Queue-Token"])))
    sims = []
    for n in range(windows):
        window = Window(hall=hall, number=str(n + 1), name=f"窗口{n + 1}", sort_order=n)
        sim = OnbonSimulator(colour="mono").start()
        db.session.add(window)
        db.session.flush()
        db.session.add(
            CallingWindow(
                window_id=window.id,
                hall_id=hall.id,
                led_protocol="onbon-bx5",
                led_host=sim.host,
                led_port=sim.port,
                led_area_id=1,
            )
        )
        sims.append(sim)
    for n in range(walls):
        make_terminal(f"wall-{n}", "wall", hall, token=f"wall-token-{n}")
    db.session.commit()
    return sims


def acked_after(sims, frames: list[int], timeout: float = 30.0) -> list[float]:
    """When each card got its next picture (monotonic)."""
    for sim, before in zip(sims, frames, strict=True):
        if not sim.wait_for(lambda s, b=before: len(s.history) > b, timeout):
            raise SystemExit(f"a card did not get its picture within {timeout} s")
    return [sim.state.history[before].at for sim, before in zip(sims, frames, strict=True)]


def post_calls(url: str, session, round_no: int, windows: int) -> list[float]:
    """Post one call per window; when each was sent (monotonic)."""
    sent = []
    for n in range(windows):
        body = {
            "event_id": f"bench-{round_no}-{n}",
            "type": "call",
            "window": str(n + 1),
            "ticket": f"A{round_no:02d}{n:01d}"[:20],
            "occurred_at": datetime.now(UTC).isoformat(),
            "sound": False,
        }
        sent.append(time.monotonic())
        response = session.post(f"{url}/api/v1/calling/hall-1/events", json=body, headers=QUEUE)
        response.raise_for_status()
    return sent


def walls_see(url: str, session, walls: int, ticket: str, etags: dict) -> None:
    """Every wall's answer shows ``ticket`` (each polls with its ETag until it does)."""
    for n in range(walls):
        headers = {"X-Terminal-Token": f"wall-token-{n}"}
        while True:
            r = session.get(
                f"{url}/calling/screens/wall-{n}/calls.json",
                headers={**headers, "If-None-Match": etags.get(n, "")},
            )
            if r.status_code == 200:
                etags[n] = r.headers["ETag"]
                if any(c["ticket"] == ticket for c in r.json()["calls"]):
                    break


def one_poll(url: str, session, walls: int, etags: dict) -> float:
    started = time.monotonic()
    for n in range(walls):
        r = session.get(
            f"{url}/calling/screens/wall-{n}/calls.json",
            headers={"X-Terminal-Token": f"wall-token-{n}", "If-None-Match": etags[n]},
        )
        assert r.status_code == 304, r.status_code
    return time.monotonic() - started


def run(windows: int, walls: int, rounds: int) -> dict:
    from calling.strips import start_strips
    from content_feed.clock import SystemClock
    from content_feed.db import db
    from tests.conftest import LiveServer, build_app

    folder = Path(tempfile.mkdtemp(prefix="sunlight-bench-calling-"))
    app = build_app(folder, SystemClock())
    app.config["TESTING"] = False
    with app.app_context():
        sims = world(app, windows, walls)
    server = LiveServer(app).start()
    strips = start_strips(app)
    session = requests.Session()
    figures = {"led": [], "led_base": [], "wall": [], "wall_base": [], "post": []}
    etags: dict = {}
    try:
        acked_after(sims, [0] * windows)  # the idle text, first
        for r in range(1, rounds + 1):
            frames = [len(sim.state.history) for sim in sims]
            sent = post_calls(server.url, session, r, windows)
            figures["post"].append(time.monotonic() - sent[-1])
            last_ticket = f"A{r:02d}{windows - 1:01d}"[:20]
            walls_see(server.url, session, walls, last_ticket, etags)
            figures["wall"].append(time.monotonic() - sent[-1])
            acked = acked_after(sims, frames)
            figures["led"].append(max(a - s for a, s in zip(acked, sent, strict=True)))
            figures["wall_base"].append(one_poll(server.url, session, walls, etags))
            workers = list(strips.workers.values())
            while not all(w.idle for w in workers):
                time.sleep(0.01)
            figures["led_base"].append(direct(workers, sims))
            time.sleep(3.5)  # the flash ends: the steady picture goes out before the next round
        return figures
    finally:
        strips.stop()
        server.stop()
        for sim in sims:
            sim.stop()
        with app.app_context():
            db.engine.dispose()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--windows", type=int, nargs="+", default=[1, 20])
    parser.add_argument("--walls", type=int, nargs="+", default=[1, 50])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    for windows, walls in zip(args.windows, args.walls, strict=True):
        f = run(windows, walls, args.rounds)
        ms = {k: statistics.median(v) * 1000 for k, v in f.items()}
        print(
            f"calling: {windows} windows, {walls} walls, {args.rounds} rounds: "
            f"event → its LED card's ACK (slowest window) p50 {ms['led']:.0f} ms (worst {max(f['led']) * 1000:.0f} ms), "
            f"direct push p50 {ms['led_base']:.0f} ms, ratio {ms['led'] / ms['led_base']:.1f}×; "
            f"last event → every wall's answer shows it p50 {ms['wall']:.0f} ms, "
            f"one 304 poll of every wall p50 {ms['wall_base']:.0f} ms, "
            f"ratio {ms['wall'] / ms['wall_base']:.1f}× "
            f"(the last POST itself p50 {ms['post']:.0f} ms)",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
