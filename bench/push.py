#!/usr/bin/env python3
"""Push benchmark: until every screen HOLDS the new state, not just hears of it.

Starts the scaled deployment (deploy/services.py: PostgreSQL, Redis, two
nodes, nginx with Nchan), registers N distinct walls spread over H halls
(bench/hall.py ``setup``), and gives each what a wall's player has: its
program fetched through nginx, an EventSource subscription to the channels
the program names, and on each message a fetch of its program with
``If-None-Match`` and ``X-Sunlight-Version`` through nginx (one at a time per
wall, as the player does). Then, round after round, an operator publishes an
urgent notice for every hall at one node's console, and cancels it:

  * heard: from before the console's POST until a wall's message arrives;
  * held: until the program the wall fetched after it shows the new state
    (the notice there, then gone). A fetch that answers the old state counts
    as stale; the wall then waits for its next poll (5 s), as a player would;
  * upstream: requests for the walls' programs that nginx passed to a node
    during the round (its access log), against the distinct answers (one
    program per wall and version).

The baseline is a message POSTed straight to Nchan's publisher (what nginx
alone costs to reach every subscriber). Last line:

    push: N subscribers, held p50 A ms p99 B ms, stale S, upstream U

    python bench/push.py [--walls 5000] [--halls 50] [--rounds 2]
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import resource
import signal
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.hall import TOKEN, Conn, setup  # noqa: E402
from bench.sse import subscribe  # noqa: E402
from deploy.services import Cluster  # noqa: E402

HOLD_TIMEOUT = 20.0
POLL_SECONDS = 5.0


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


class Wall:
    """One wall's player, as far as push goes."""

    def __init__(self, fleet: Fleet, code: str):
        self.fleet = fleet
        self.code = code
        self.path = f"/display/{code}/program.json"
        self.conn = Conn(fleet.port)
        self.etag = ""
        self.body = b""
        self.push = ""
        self.busy = False
        self.again = ""
        self.heard_at: float | None = None
        self.held_at: float | None = None

    async def fetch(self, version: str = "") -> None:
        if self.busy:
            self.again = version or "1"
            return
        self.busy = True
        try:
            while True:
                headers = {"X-Terminal-Token": TOKEN}
                if self.etag:
                    headers["If-None-Match"] = self.etag
                if version:
                    headers["X-Sunlight-Version"] = version
                try:
                    status, etag = await asyncio.wait_for(
                        self.conn.request("GET", self.path, headers), timeout=10
                    )
                except (TimeoutError, OSError, ConnectionError, ValueError, IndexError):
                    self.conn.close()
                    self.conn = Conn(self.fleet.port)
                    self.fleet.errors += 1
                    status = 0
                self.fleet.statuses[status] = self.fleet.statuses.get(status, 0) + 1
                if status == 200:
                    self.etag, self.body = etag or "", self.conn.body
                if version and status in (200, 304):
                    self.fleet.judge(self)
                if not self.again:
                    return
                version, self.again = self.again, ""
        finally:
            self.busy = False

    def on_message(self, data: dict, at: float) -> None:
        fleet = self.fleet
        if fleet.started is None or at < fleet.started:
            return
        if fleet.want_channel and not str(data.get("c", "")).startswith(fleet.want_channel):
            return
        if self.heard_at is None:
            self.heard_at = at
        if fleet.direct:
            return
        asyncio.ensure_future(self.fetch(str(data.get("v", "")) or "1"))

    async def poll_later(self) -> None:
        """A stale answer: the player's next poll (no version) is its fallback."""
        await asyncio.sleep(POLL_SECONDS)
        if self.held_at is None and self.fleet.started is not None:
            await self.fetch()
            self.fleet.judge(self, stale_counts=False)


class Fleet:
    """N walls in one asyncio loop on its own thread."""

    def __init__(self, port: int, codes: list[str]):
        self.port = port
        self.walls = [Wall(self, code) for code in codes]
        self.loop = asyncio.new_event_loop()
        self.connected = 0
        self.failed = 0
        self.errors = 0
        self.statuses: dict[int, int] = {}
        self.started: float | None = None
        self.expect = None  # (title, present)
        self.want_channel = ""
        self.direct = False
        self.stale = 0
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self.loop.run_until_complete, args=(self._main(),))

    def start(self) -> None:
        self._thread.start()

    def holds(self, wall: Wall) -> bool:
        title, present = self.expect
        return (title in wall.body) == present

    def judge(self, wall: Wall, stale_counts: bool = True) -> None:
        if self.started is None or self.expect is None or wall.held_at is not None:
            return
        if self.holds(wall):
            wall.held_at = time.monotonic()
        elif stale_counts:
            self.stale += 1
            asyncio.ensure_future(wall.poll_later())

    async def _one(self, wall: Wall) -> None:
        # Started together, screens find the nodes busy: as the player, try again.
        for _ in range(60):
            await wall.fetch()
            if wall.body:
                break
            await asyncio.sleep(2.0)
        program = json.loads(wall.body or b"{}")
        wall.push = program.get("push", "")
        if not wall.push:
            self.failed += 1
            return

        def connected() -> None:
            self.connected += 1

        try:
            await subscribe("127.0.0.1", self.port, wall.push, wall.on_message, connected)
        except (OSError, ConnectionError, asyncio.IncompleteReadError):
            self.failed += 1

    async def _main(self) -> None:
        self._stop = asyncio.Event()
        tasks = []
        for n, wall in enumerate(self.walls):
            tasks.append(asyncio.create_task(self._one(wall)))
            if n % 100 == 99:
                await asyncio.sleep(0.1)  # screens start in waves
        await self._stop.wait()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def begin(self, expect, *, direct: bool = False, channel: str = "urgent-") -> None:
        for wall in self.walls:
            wall.heard_at = wall.held_at = None
        self.stale = 0
        self.expect = expect
        self.direct = direct
        self.want_channel = channel
        self.started = time.monotonic()

    def wait(self, what: str, timeout: float = HOLD_TIMEOUT) -> list[float]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            done = [w for w in self.walls if getattr(w, what) is not None]
            if len(done) == len(self.walls):
                break
            time.sleep(0.02)
        return [getattr(w, what) - self.started for w in self.walls if getattr(w, what)]

    def stop(self) -> None:
        if self._stop is not None:
            self.loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(30)


def publish_direct(publish_url: str, channel: str) -> None:
    host_port = publish_url.split("//", 1)[1].split("/", 1)[0]
    host, port = host_port.split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=5)
    body = json.dumps({"v": 0, "c": channel})
    conn.request(
        "POST", f"/_push/pub/{channel}", body=body, headers={"Content-Type": "application/json"}
    )
    conn.getresponse().read()
    conn.close()


def upstream_since(cluster: Cluster, offset: int) -> tuple[int, int]:
    """Program requests nginx passed to a node since ``offset`` of its log; the new offset."""
    log = cluster.nginx.root / "access.log"
    with log.open("rb") as f:
        f.seek(offset)
        data = f.read()
    count = 0
    for line in data.splitlines():
        parts = line.split()
        # ... "GET /display/x/program.json HTTP/1.1" status bytes time upstream cache
        if b"/program.json" in line and len(parts) >= 2 and parts[-2] != b"-":
            count += 1
    return count, offset + len(data)


def notice_ids(cluster: Cluster, title: str) -> list[int]:
    from sqlalchemy import create_engine, select

    from content_feed.models import UrgentNotice

    engine = create_engine(cluster.database_url)
    with engine.connect() as conn:
        ids = list(
            conn.execute(select(UrgentNotice.id).where(UrgentNotice.title == title)).scalars()
        )
    engine.dispose()
    return ids


def main() -> int:
    # A stop from outside (timeout, kill) still stops the deployment it started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--walls", type=int, default=5000)
    parser.add_argument("--halls", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=2, help="each: publish, then cancel")
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 1 << 20), hard))

    from tests.scaled.console import Console

    cluster = Cluster(2)
    fleet = None
    try:
        cluster.start()
        started = time.monotonic()
        setup(cluster.env(), args.walls, 0, 0, halls=args.halls, demo=False)
        codes = [f"bw-{i}" for i in range(args.walls)]
        fleet = Fleet(cluster.nginx.port, codes)
        fleet.start()
        deadline = time.monotonic() + 300
        while fleet.connected + fleet.failed < len(codes) and time.monotonic() < deadline:
            time.sleep(0.2)
        print(
            f"{fleet.connected} of {len(codes)} walls in {args.halls} halls subscribed"
            f" ({fleet.failed} failed) in {time.monotonic() - started:.0f} s",
            flush=True,
        )
        time.sleep(2.0)  # the kept message each one gets on connecting has come
        urgent_all = "urgent-all"

        operator = Console(cluster.nodes[0].url, "operator")
        direct_all: list[float] = []
        heard_all: list[float] = []
        held_all: list[float] = []
        stale = upstream = missed = 0
        offset = upstream_since(cluster, 0)[1]
        for round_no in range(1, args.rounds + 1):
            fleet.begin(None, direct=True)
            publish_direct(cluster.nginx.publish_url, urgent_all)
            direct_all += fleet.wait("heard_at", 10)
            time.sleep(0.5)

            title = f"压测紧急通知 {round_no} {uuid.uuid4().hex[:6]}"
            for step, present in (("publish", True), ("cancel", False)):
                if step == "publish":
                    action, fields = operator.form_fields("/admin/urgent/new")
                    fields.update(
                        {
                            "title": title,
                            "body": "推送压测",
                            "on_wall": "y",
                            "on_kiosk": "y",
                            "hall_id": "0",
                        }
                    )
                else:
                    [notice_id] = notice_ids(cluster, title)
                    action, fields = operator.form_fields(
                        "/admin/urgent", _cancel_form(operator, notice_id)
                    )
                fleet.begin((title.encode(), present))
                operator.post(action, fields)
                held = fleet.wait("held_at")
                heard = [w.heard_at - fleet.started for w in fleet.walls if w.heard_at]
                time.sleep(1.0)
                up, offset = upstream_since(cluster, offset)
                heard_all += heard
                held_all += held
                stale += fleet.stale
                upstream += up
                missed += len(codes) - len(held)
                print(
                    f"round {round_no} {step}: heard by {len(heard)} p99"
                    f" {percentile(heard, 0.99) * 1000:.0f} ms; held by {len(held)},"
                    f" p50 {percentile(held, 0.5) * 1000:.0f} ms"
                    f" p99 {percentile(held, 0.99) * 1000:.0f} ms; stale {fleet.stale};"
                    f" upstream {up} (distinct answers {len(codes)})",
                    flush=True,
                )
                time.sleep(1.0)

        d50, d99 = percentile(direct_all, 0.5) * 1000, percentile(direct_all, 0.99) * 1000
        h50, h99 = percentile(heard_all, 0.5) * 1000, percentile(heard_all, 0.99) * 1000
        p50, p99 = percentile(held_all, 0.5) * 1000, percentile(held_all, 0.99) * 1000
        steps = 2 * args.rounds
        print()
        print(f"baseline (POST straight to Nchan, heard): p50 {d50:.0f} ms p99 {d99:.0f} ms")
        print(f"through the app, heard: p50 {h50:.0f} ms p99 {h99:.0f} ms")
        print(
            f"through the app, held: p50 {p50:.0f} ms p99 {p99:.0f} ms"
            f" (held p99 / baseline p99 {p99 / d99 if d99 else float('nan'):.1f}×);"
            f" never held {missed}; fetch errors {fleet.errors}; answers {fleet.statuses}"
        )
        print(
            f"upstream per step {upstream / steps:.0f} for {len(codes)} distinct answers"
            f" (one program per wall and version)"
        )
        print(
            f"push: {len(codes)} subscribers, held p50 {p50:.0f} ms p99 {p99:.0f} ms,"
            f" stale {stale}, upstream {upstream}"
        )
    finally:
        if fleet is not None:
            fleet.stop()
        errors = cluster.nginx.root / "error.log"
        if errors.exists():
            lines = [x for x in errors.read_text().splitlines() if "[alert]" not in x]
            print(f"nginx error log: {len(lines)} lines", *lines[-3:], sep="\n  ")
        cluster.stop()
    return 0


def _cancel_form(console, notice_id: int) -> int:
    from tests.scaled.test_scaled import _cancel_form as find

    return find(console, notice_id)


if __name__ == "__main__":
    sys.exit(main())
