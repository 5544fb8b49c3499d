"""Building many screens' answers of one hall: shared parts against each screen alone.

    python bench/shared_parts.py [--walls 300] [--kiosks 100]

A hall's walls playing one playlist share its entries (display/program.py), and its
kiosks share everything but their name and urgent notices (kiosk/bundle.py), read
and encoded once per content state (content_feed/answers.py PartsCache, Serialized).
In a fresh SQLite file with the demo hall and that many more walls and kiosks in it,
every answer is dropped (as after an edit) and each screen's answer fetched once
through Flask, in-process:

* shared: as served, the first screen builds the hall's part, the rest reuse it;
* baseline, each alone: the shared parts dropped before every screen too, so each
  builds everything itself (what every screen cost before the parts were shared).

Printed per screen, with the ratio to the baseline of the same run; never asserted.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PARTS = ("sunlight.program_parts", "sunlight.kiosk_parts")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--walls", type=int, default=300)
    parser.add_argument("--kiosks", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)

    from app import create_app, load_demo
    from content_feed.clock import SystemClock
    from content_feed.db import db
    from content_feed.models import Hall, RotationSchedule, Terminal, TerminalGroup
    from content_feed.terminals import hash_token
    from content_feed.versioning import ensure_feed_state

    folder = Path(tempfile.mkdtemp(prefix="sunlight-bench-"))
    app = create_app(
        {"database": {"url": f"sqlite:///{folder / 'bench.db'}"}, "security": {"secret_key": "x"}},
        environ={},
        instance_path=str(folder / "instance"),
    )
    with app.app_context():
        db.create_all()
        ensure_feed_state(db.session)
        load_demo(db.session, SystemClock().now())
        hall = db.session.query(Hall).filter_by(code="hall-1").one()
        group = TerminalGroup(name="bench", hall_id=hall.id)
        db.session.add(group)
        db.session.flush()
        # The demo's wall playlist, by default, for every wall of the group.
        db.session.add(
            RotationSchedule(
                name="bench", playlist_id=1, group_id=group.id, is_default=True, priority=-1
            )
        )
        token = hash_token("bench-token")
        for n in range(args.walls):
            wall = Terminal(code=f"bw-{n}", name=f"墙 {n}", kind="wall", hall_id=hall.id)
            wall.token_hash = token
            wall.groups.append(group)
            db.session.add(wall)
        for n in range(args.kiosks):
            db.session.add(
                Terminal(
                    code=f"bk-{n}",
                    name=f"查询机 {n}",
                    kind="kiosk",
                    hall_id=hall.id,
                    token_hash=token,
                )
            )
        db.session.commit()
        client = app.test_client()
        headers = {"X-Terminal-Token": "bench-token"}
        kinds = {
            "wall program": [f"/display/bw-{n}/program.json" for n in range(args.walls)],
            "kiosk bundle": [f"/kiosk/bk-{n}/bundle.json" for n in range(args.kiosks)],
        }
        size = {k: len(client.get(urls[0], headers=headers).data) for k, urls in kinds.items()}

        def per_screen(urls: list[str], alone: bool) -> float:
            app.extensions["sunlight"].answers.clear()
            for name in PARTS:
                app.extensions.pop(name, None)
            start = time.perf_counter()
            for url in urls:
                if alone:
                    for name in PARTS:
                        app.extensions.pop(name, None)
                assert client.get(url, headers=headers).status_code == 200, url
            return (time.perf_counter() - start) / len(urls) * 1000

        print(
            f"one hall: {args.walls} walls, {args.kiosks} kiosks; ms per screen, best of "
            f"{args.rounds}, every answer dropped first"
        )
        print(f"{'answer':<14}{'bytes':>9}{'each alone':>12}{'shared':>9}{'× alone':>9}")
        for kind, urls in kinds.items():
            alone = min(per_screen(urls, True) for _ in range(args.rounds))
            shared = min(per_screen(urls, False) for _ in range(args.rounds))
            print(f"{kind:<14}{size[kind]:>9,}{alone:>12.2f}{shared:>9.2f}{shared / alone:>9.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
