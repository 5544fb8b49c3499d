#!/usr/bin/env python3
"""Alert propagation: from a CAP document's push to the screens' answers.

Serves Sunlight (waitress, as ``run.py serve``) with the demo hall and H-1 more
halls, all placed in 西城区 (110102), each with a wall and an LED strip, and
measures, over several rounds:

  * **alert**: from the moment a red CAP alert is POSTed to the push endpoint until
    every terminal's answer shows it (the wall's program.json, the LED strip's
    frame description, polled as the terminals poll, with If-None-Match), and
    from its Cancel until every answer has dropped it;
  * **baseline**, in the same run: the same propagation for urgent notices written
    straight into the database (one per hall, what the console's form stores) and
    then cancelled: the delivery path an alert reuses, without the CAP part.

The ratio alert/baseline is what receiving, validating and matching a CAP
document adds to the notice's own delivery. Both are measured for one wall and
for every terminal of every hall.

    python bench/alerts.py [--halls 10] [--rounds 7]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deploy.services import free_port  # noqa: E402

TOKEN = "bench-alert-terminal"
FEED_TOKEN = "bench-alert-feed"


def build(folder: Path, halls: int):
    from sqlalchemy import select

    from alerts.models import AlertFeed, AlertHallArea
    from app import create_app, load_demo
    from content_feed.db import db
    from content_feed.models import Hall, RotationSchedule, Terminal, TerminalGroup
    from content_feed.terminals import hash_token
    from content_feed.versioning import ensure_feed_state

    settings = {
        "database": {"url": f"sqlite:///{folder / 'bench.db'}"},
        "security": {"secret_key": "bench"},
        "backup": {"folder": str(folder / "backups")},
    }
    app = create_app(settings, environ={}, instance_path=str(folder / "instance"))
    with app.app_context():
        db.create_all()
        ensure_feed_state(db.session)
        load_demo(db.session, datetime.now(UTC))
        rows = list(db.session.execute(select(Hall).order_by(Hall.id)).scalars())
        for n in range(len(rows) + 1, halls + 1):
            hall = Hall(code=f"hall-{n}", name=f"第{n}服务大厅")
            db.session.add(hall)
            rows.append(hall)
        db.session.flush()
        paths = []
        for hall in rows[:halls]:
            group = TerminalGroup(name=f"{hall.code}-screens", hall_id=hall.id)
            db.session.add(group)
            db.session.flush()
            for playlist, kind in ((1, "wall"), (3, "led")):
                db.session.add(
                    RotationSchedule(
                        name=f"{hall.code} {kind}",
                        playlist_id=playlist,
                        group_id=group.id,
                        is_default=True,
                        priority=-1,
                    )
                )
                extra = {"width": 192, "height": 32, "color_mode": "dual"} if kind == "led" else {}
                code = f"bench-{kind}-{hall.id}"
                terminal = Terminal(
                    code=code,
                    name=code,
                    kind=kind,
                    hall_id=hall.id,
                    token_hash=hash_token(TOKEN),
                    **extra,
                )
                terminal.groups.append(group)
                db.session.add(terminal)
                paths.append(
                    f"/display/{code}/program.json"
                    if kind == "wall"
                    else f"/display/led/{code}.json"
                )
            db.session.add(AlertHallArea(hall_id=hall.id, division_code="110102"))
        db.session.add(AlertFeed(name="bench", push_token_hash=hash_token(FEED_TOKEN)))
        db.session.commit()
        hall_ids = [h.id for h in rows[:halls]]
    return app, paths, hall_ids


class Poller:
    """Terminals polling as they do: If-None-Match with the last ETag."""

    def __init__(self, base: str, paths: list[str]):
        self.base, self.paths = base, paths
        self.etags: dict[str, str] = {}
        self.bodies: dict[str, str] = {}

    def read(self, path: str) -> str:
        headers = {"X-Terminal-Token": TOKEN}
        if path in self.etags:
            headers["If-None-Match"] = self.etags[path]
        request = urllib.request.Request(self.base + path, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                self.etags[path] = answer.headers.get("ETag", "")
                self.bodies[path] = answer.read().decode()
        except urllib.error.HTTPError as exc:
            if exc.code != 304:
                raise
        return self.bodies[path]

    def until(self, paths: list[str], shown: bool, marker: str, start: float) -> float:
        """Seconds from ``start`` until every path's answer has (or lacks) ``marker``."""
        pending = list(paths)
        while pending:
            pending = [p for p in pending if (marker in self.read(p)) != shown]
        return time.perf_counter() - start


def push(base: str, text: str) -> None:
    request = urllib.request.Request(
        base + "/alerts/feeds/1/cap",
        data=text.encode(),
        headers={"Content-Type": "application/cap+xml", "Authorization": f"Bearer {FEED_TOKEN}"},
    )
    urllib.request.urlopen(request, timeout=30).read()


def alert_round(base, poller, paths, n: int) -> tuple[float, float]:
    from tests.alerts import documents as doc

    sent = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=n)
    event = f"暴雨{n}号"
    start = time.perf_counter()
    push(base, doc.alert(sent, event=event, serial=n))
    shown = poller.until(paths, True, event, start)
    start = time.perf_counter()
    push(
        base,
        doc.alert(
            sent + timedelta(seconds=1),
            event=event,
            serial=n,
            msg_type="Cancel",
            references=[doc.reference(sent, serial=n)],
        ),
    )
    return shown, poller.until(paths, False, event, start)


def notice_round(app, poller, paths, hall_ids, n: int) -> tuple[float, float]:
    from content_feed.db import db
    from content_feed.models import UrgentNotice

    title = f"手工紧急通知{n}号"
    with app.app_context():
        start = time.perf_counter()
        now = datetime.now(UTC)
        notices = [
            UrgentNotice(
                title=title, body="", starts_at=now, ends_at=now + timedelta(hours=1), hall_id=h
            )
            for h in hall_ids
        ]
        db.session.add_all(notices)
        db.session.commit()
        shown = poller.until(paths, True, title, start)
        start = time.perf_counter()
        for notice in notices:
            notice.cancelled_at = datetime.now(UTC)
        db.session.commit()
        gone = poller.until(paths, False, title, start)
        db.session.remove()
    return shown, gone


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--halls", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()

    from web.serving import create_server

    folder = Path(tempfile.mkdtemp(prefix="sunlight-bench-alerts-"))
    app, paths, hall_ids = build(folder, args.halls)
    port = free_port()
    server = create_server(app, host="127.0.0.1", port=port, threads=8)
    threading.Thread(target=server.run, daemon=True).start()
    base = f"http://127.0.0.1:{port}"
    time.sleep(0.5)

    print(
        f"alert propagation: {args.halls} halls, {len(paths)} terminals, {args.rounds} rounds (median)"
    )
    print(f"{'profile':<28}{'baseline ms':>14}{'alert ms':>12}{'ratio':>8}")
    serial = 0
    for label, subset in (("one wall: shown", paths[:1]), ("every terminal: shown", paths)):
        poller = Poller(base, subset)
        for p in subset:  # warm: every answer built once, as a running hall's are
            poller.read(p)
        base_shown, base_gone, alert_shown, alert_gone = [], [], [], []
        for _ in range(args.rounds):
            serial += 1
            s, g = notice_round(app, poller, subset, hall_ids, serial)
            base_shown.append(s)
            base_gone.append(g)
            s, g = alert_round(base, poller, subset, serial)
            alert_shown.append(s)
            alert_gone.append(g)
        for name, b, a in (
            (label, base_shown, alert_shown),
            (label.replace("shown", "gone"), base_gone, alert_gone),
        ):
            mb, ma = statistics.median(b) * 1000, statistics.median(a) * 1000
            print(f"{name:<28}{mb:>14.1f}{ma:>12.1f}{ma / mb:>7.1f}x")
    server.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
