#!/usr/bin/env python3
"""NovoSGA adapter benchmark: what one poll cycle of the halls' NovoSGA links costs.

H halls, each linked to its own simulated NovoSGA (tests/calling/novosga_sim.py, a
real HTTP server on loopback with its token check). Each round every NovoSGA calls
one new ticket, and one cycle of the poller (``poll_due_links``, as the poller
thread runs it) takes them all; measured:

  * the cycle with one new call per hall; baseline in the same run: the same
    number of calls handed straight to ``calling.state.receive`` (the event path
    the endpoint uses, with its voice), so the ratio is what asking NovoSGA adds;
  * a quiet cycle (nothing new): what polling costs every interval, also as a share
    of the default 3 s interval.

Run: python bench/novosga.py [--halls 1 20] [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def world(app, halls: int) -> list:
    from calling.adapters.settings import apply
    from calling.models import NovosgaLink
    from content_feed.db import db
    from content_feed.models import Window
    from tests.builders import make_hall
    from tests.calling.novosga_sim import NovosgaServer

    servers = []
    for n in range(halls):
        hall = make_hall(f"hall-{n}", f"基准大厅{n}")
        for w in range(1, 4):
            db.session.add(Window(hall=hall, number=str(w), name=f"窗口{w}", sort_order=w))
        server = NovosgaServer().start()
        link = NovosgaLink(hall=hall)
        db.session.add(link)
        sim = server.sim
        apply(
            link,
            {
                "active": True,
                "base_url": server.url,
                "unit_id": 1,
                "client_id": sim.client_id,
                "client_secret": sim.client_secret,
                "username": sim.username,
                "password": sim.password,
                "interval_seconds": 3,
            },
        )
        servers.append(server)
    db.session.commit()
    return servers


def run(halls: int, rounds: int, clips: Path) -> dict:
    from calling.adapters.pull import poll_due_links
    from calling.schemas import CallEventIn
    from calling.state import receive
    from content_feed.clock import FixedClock
    from content_feed.db import db
    from content_feed.models import Hall
    from tests.conftest import FIXED_NOW, build_app

    clock = FixedClock(FIXED_NOW)
    app = build_app(Path(tempfile.mkdtemp(prefix="sunlight-bench-novosga-")), clock)
    app.config["CALLING_CLIPS"] = str(clips)
    figures = {"cycle": [], "direct": [], "quiet": []}
    with app.app_context():
        servers = world(app, halls)
        hall_rows = list(db.session.query(Hall).order_by(Hall.id))
    try:
        for server in servers:  # the first answer: history (and the token)
            server.sim.call("A", 0, 1)
        poll_due_links(app, clock.now())
        for r in range(1, rounds + 1):
            clock.set(clock.now() + timedelta(seconds=10))
            for server in servers:
                server.sim.call("A", r, 1 + r % 3)
            started = time.monotonic()
            assert len(poll_due_links(app, clock.now())) == halls
            figures["cycle"].append(time.monotonic() - started)
            clock.set(clock.now() + timedelta(seconds=10))
            started = time.monotonic()
            poll_due_links(app, clock.now())
            figures["quiet"].append(time.monotonic() - started)
            with app.app_context():
                started = time.monotonic()
                for hall in hall_rows:
                    data = CallEventIn(
                        event_id=f"direct-{r}-{hall.id}",
                        type="call",
                        window=str(1 + (r + 1) % 3),
                        ticket=f"B{r:03d}",
                        occurred_at=clock.now(),
                    )
                    receive(db.session, db.session.merge(hall), data, clock.now())
                figures["direct"].append(time.monotonic() - started)
        return figures
    finally:
        for server in servers:
            server.stop()
        with app.app_context():
            db.engine.dispose()


def main(argv=None) -> int:
    from calling.voice import ensure_default_clips

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--halls", type=int, nargs="+", default=[1, 20])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    clips = ensure_default_clips(Path(tempfile.mkdtemp(prefix="sunlight-bench-clips-")))
    for halls in args.halls:
        f = run(halls, args.rounds, clips)
        ms = {k: statistics.median(v) * 1000 for k, v in f.items()}
        print(
            f"novosga: {halls} halls, {args.rounds} rounds: a poll cycle taking one new call "
            f"per hall p50 {ms['cycle']:.0f} ms (worst {max(f['cycle']) * 1000:.0f} ms), "
            f"the same calls straight into receive() p50 {ms['direct']:.0f} ms, "
            f"ratio {ms['cycle'] / ms['direct']:.1f}×; a quiet cycle p50 {ms['quiet']:.0f} ms "
            f"({ms['quiet'] / 30:.1f}% of a 3 s interval)",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
