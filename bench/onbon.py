#!/usr/bin/env python3
"""Onbon push benchmark: an urgent notice's way to N simulated LED controller cards.

Measured: from the commit of an urgent notice (and of its cancellation) to the moment
the last of N cards holds the new program: the sender's wake-up, the render, and the
push in the Onbon BX-5 (or, ``--generation bx6``, BX-6) protocol to the card simulator. Baseline, in the same run: the
same frames pushed straight to the same cards by the driver, one thread per card as
the sender has, with no database or render: the wire's and the cards' own time. The
sender is started as ``run.py serve`` starts it, with the configured settings.
Figures print as ratios to it (these machines are noisy).

Run: python bench/onbon.py [--cards 1 50] [--rounds 5] [--generation bx5|bx6]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from content_feed.services import services

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def wait_all(sims, frames: list[int], timeout: float = 30.0) -> float:
    """Monotonic time at which the last card got frame ``frames[i] + 1``."""
    for sim, before in zip(sims, frames, strict=True):
        if not sim.wait_for(lambda s, b=before: s.frames > b, timeout):
            raise SystemExit(f"a card did not get its program within {timeout} s")
    return max(sim.state.history[-1].at for sim in sims)


def direct(workers, sims) -> float:
    """Seconds for the driver alone to push each card's delivered frames again."""
    frames = [sim.state.frames for sim in sims]
    started = time.monotonic()
    threads = [
        threading.Thread(target=w.driver.push, args=(w.card, w._delivered.pages, 5.0))
        for w in workers
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return wait_all(sims, frames) - started


DEVICE = {"bx5": 0x0154, "bx6": 0x0274}  # BX-5E1, BX-6E2: two colours


def run(app, count: int, rounds: int, generation: str = "bx5") -> dict:
    from sqlalchemy import select

    from content_feed.clock import now
    from content_feed.db import db
    from content_feed.models import Hall, LedController
    from display.led.onbon_sim import OnbonSimulator
    from display.led.sender import start_sender
    from tests.builders import make_terminal, make_urgent

    hall = db.session.execute(select(Hall).order_by(Hall.id)).scalars().first()
    sims, terminals = [], []
    for n in range(count):
        terminal = make_terminal(
            f"bench-{generation}-{count}-{n:02d}",
            "led",
            hall=hall,
            width=192,
            height=32,
            color_mode="dual",
        )
        sim = OnbonSimulator(generation=generation, colour="dual").start()
        db.session.add(
            LedController(
                terminal_id=terminal.id,
                protocol=f"onbon-{generation}",
                host=sim.host,
                port=sim.port,
                device_type=DEVICE[generation],
            )
        )
        db.session.commit()
        sims.append(sim)
        terminals.append(terminal)
    sender = start_sender(app)  # as `run.py serve` starts it: woken by every commit
    try:
        wait_all(sims, [0] * count)
        measured, baseline = [], []
        for r in range(rounds):
            for change in ("publish", "cancel"):
                frames = [sim.state.frames for sim in sims]
                started = time.monotonic()
                if change == "publish":
                    notice = make_urgent(now(), title=f"请全体人员有序撤离（演练 {r + 1}）")
                else:
                    notice.cancelled_at = now()
                    db.session.commit()
                measured.append(wait_all(sims, frames) - started)
                # Delivered and acknowledged (the demo's own strip has no card here).
                workers = [sender.workers[t.id] for t in terminals]
                while not all(w.idle for w in workers):
                    time.sleep(0.01)
                baseline.append(direct(workers, sims))
        return {"measured": measured, "baseline": baseline}
    finally:
        sender.stop()
        services(app).versions.listeners.remove(sender.wake)
        for sim in sims:
            sim.stop()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, nargs="+", default=[1, 50])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--generation", choices=sorted(DEVICE), default="bx5")
    args = parser.parse_args(argv)

    from app import create_app, load_demo
    from content_feed.clock import SystemClock
    from content_feed.db import db
    from content_feed.versioning import ensure_feed_state

    folder = Path(tempfile.mkdtemp(prefix="sunlight-bench-"))
    app = create_app(
        {
            "database": {"url": f"sqlite:///{folder / 'bench.db'}"},
            "security": {"secret_key": "bench"},
            "hall": {"public_base_url": "http://hall.example.test"},
        },
        clock=SystemClock(),
        environ={},
        instance_path=str(folder / "instance"),
    )
    lines = []
    with app.app_context():
        db.create_all()
        ensure_feed_state(db.session)
        load_demo(db.session, SystemClock().now())
        for count in args.cards:
            figures = run(app, count, args.rounds, args.generation)
            ms = {k: statistics.median(v) * 1000 for k, v in figures.items()}
            worst = max(figures["measured"]) * 1000
            lines.append(
                f"onbon {args.generation}: {count} cards, urgent notice and its cancellation on every card "
                f"p50 {ms['measured']:.0f} ms (worst {worst:.0f} ms), direct push "
                f"p50 {ms['baseline']:.0f} ms, ratio {ms['measured'] / ms['baseline']:.1f}×"
            )
            print(lines[-1], flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
