#!/usr/bin/env python3
"""设备监控 on the heartbeat: what answering from the shared state costs a wall's heartbeat.

In one process (Sunlight's WSGI stack, fast path included, driven in-process so
only the server's work is timed), with the demo hall plus N walls on a fresh
SQLite file, and the feed version TTL of production (1 s):

  * **baseline**: wall heartbeats with monitoring's reply fields removed (what the
    core answers alone), in this same run;
  * **monitoring**: the same heartbeats with commands and power state, answered from
    the process's copy of the database (``monitoring/state.py``: re-read when the
    ``monitor:state`` topic moves, and every 30 s);
  * **monitoring, acknowledging**: heartbeats that each acknowledge a command (the
    acknowledgement is written at once, and moves the commands' topic: the next
    heartbeat re-reads the commands waiting);

each for one wall beating again and again and for N distinct walls in turn; and the
time of one re-read of the whole state (N walls, a schedule and a command each).

    python bench/monitoring.py [--walls 200] [--beats 3000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def build(walls: int):
    from app import create_app, load_demo
    from content_feed.clock import SystemClock
    from content_feed.db import db
    from content_feed.models import Hall, Terminal
    from content_feed.terminals import hash_token
    from content_feed.versioning import ensure_feed_state

    tmp = Path(tempfile.mkdtemp(prefix="sunlight-bench-monitoring-"))
    settings = {
        "database": {"url": f"sqlite:///{tmp / 'hall.db'}"},
        "security": {"secret_key": "bench", "password_hash_method": "pbkdf2:sha256:1000"},
        "backup": {"folder": str(tmp / "backups")},
    }
    clock = SystemClock()
    app = create_app(settings, clock=clock, environ={}, instance_path=str(tmp / "instance"))
    with app.app_context():
        db.create_all()
        ensure_feed_state(db.session)
        load_demo(db.session, clock.now())
        hall = db.session.query(Hall).first()
        token = hash_token("bench-token")
        db.session.add_all(
            Terminal(code=f"bw-{n}", name=f"大屏{n}", kind="wall", hall=hall, token_hash=token)
            for n in range(walls)
        )
        db.session.commit()
    return app, clock


def beats(client, codes: list[str], count: int, done=None) -> list[float]:
    """Seconds per heartbeat, over ``count`` heartbeats cycling through ``codes``."""
    body = {"entry": "x", "version": "1"}
    times = []
    for n in range(count):
        code = codes[n % len(codes)]
        started = time.perf_counter()
        r = client.post(
            f"/display/{code}/heartbeat",
            json={**body, "done": done(code)} if done else body,
            headers={"X-Terminal-Token": "bench-token"},
        )
        times.append(time.perf_counter() - started)
        if r.status_code != 200:
            raise SystemExit(f"heartbeat answered {r.status_code}: {r.data[:200]!r}")
    return times


def queue_commands(app, clock, codes: list[str]) -> dict[str, list[int]]:
    from content_feed.db import db
    from content_feed.models import Terminal
    from content_feed.versioning import move_topics
    from monitoring.book import COMMANDS
    from monitoring.models import TerminalCommand

    with app.app_context():
        at = clock.now()
        rows = {}
        for t in db.session.query(Terminal).filter(Terminal.code.in_(codes)):
            row = TerminalCommand(
                terminal_id=t.id, action="fetch", created_at=at, expires_at=at + timedelta(hours=1)
            )
            db.session.add(row)
            rows[t.code] = row
        move_topics(db.session, [COMMANDS])
        db.session.commit()
        return {code: [row.id] for code, row in rows.items()}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--walls", type=int, default=200)
    parser.add_argument("--beats", type=int, default=3000)
    args = parser.parse_args(argv)
    from content_feed.api.heartbeat import HEARTBEAT_EXTRAS

    app, clock = build(args.walls)
    client = app.test_client()
    extras = list(app.extensions[HEARTBEAT_EXTRAS])
    many = [f"bw-{n}" for n in range(args.walls)]
    one = ["bw-0"]
    rows = []

    def run(label: str, codes: list[str]) -> float:
        beats(client, codes, min(200, args.beats))  # warm up
        median = statistics.median(beats(client, codes, args.beats))
        rows.append((label, median))
        return median

    def acknowledging(label: str, codes: list[str]) -> float:
        """Heartbeats that each acknowledge a command (and so write it), timed alone."""
        times = []
        while len(times) < min(args.beats, 400):
            commands = queue_commands(app, clock, codes)
            beats(client, codes, len(codes))  # each wall hears its command
            times += beats(client, codes, len(codes), done=commands.get)
        median = statistics.median(times)
        rows.append((label, median))
        return median

    for scope, codes in (("one wall", one), (f"{args.walls} walls", many)):
        app.extensions[HEARTBEAT_EXTRAS] = [e for e in extras if "monitoring" not in e.__module__]
        base = run(f"baseline, {scope}", codes)
        app.extensions[HEARTBEAT_EXTRAS] = extras
        plain = run(f"monitoring, {scope}", codes)
        acked = acknowledging(f"monitoring, acknowledging, {scope}", codes)
        print(
            f"{scope}: monitoring/baseline = {plain / base:.2f}; "
            f"a heartbeat that acknowledges a command/baseline = {acked / base:.2f}"
        )

    from content_feed.db import db
    from monitoring.models import PowerSchedule
    from monitoring.state import read_pending, read_power

    with app.app_context():
        from content_feed.models import Terminal

        for t in db.session.query(Terminal).filter(Terminal.code.in_(many)):
            db.session.add(PowerSchedule(name="夜间", terminal_id=t.id, start_time="20:00"))
        db.session.commit()
        reads = []
        for _ in range(20):
            started = time.perf_counter()
            read_pending(clock.now())
            read_power(clock.now(), 0)
            reads.append(time.perf_counter() - started)
            db.session.rollback()
    base_one = rows[0][1]
    print()
    print(f"{'heartbeat':40} {'median ms':>10} {'× baseline (one wall)':>22}")
    for label, median in rows:
        print(f"{label:40} {median * 1000:10.3f} {median / base_one:22.2f}")
    read = statistics.median(reads)
    print(
        f"\none re-read of the state ({args.walls} walls, a schedule and a command each): "
        f"{read * 1000:.1f} ms = {read / base_one:.0f} baseline heartbeats "
        "(at most once per 30 s per process, and after a write)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
