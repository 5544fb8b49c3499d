#!/usr/bin/env python3
"""Push benchmark: N screens subscribed through nginx + Nchan, urgent notices
published through the app.

Starts the scaled deployment (deploy/services.py: PostgreSQL, Redis, two
nodes, nginx with Nchan), opens N EventSource subscribers through nginx — each
subscribed to what a wall's program reads, with a terminal channel of its own,
as N screens of one hall would be — and then, round after round:

  * the baseline: a message POSTed straight to Nchan's publisher location
    (what nginx alone costs to reach every subscriber);
  * the app: an operator publishes an urgent notice at the console of one node
    (the form's POST, the commit); the node's publisher thread tells Nchan; the
    time runs from before the POST is sent until each subscriber hears.

Prints p50/p99 publish-to-receive for both, the ratio, and as its last line:

    push: N subscribers, publish-to-receive p50 A ms p99 B ms, missed M

    python bench/push.py [--subscribers 5000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import resource
import signal
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.sse import subscribe  # noqa: E402
from deploy.services import Cluster  # noqa: E402

HEAR_TIMEOUT = 10.0


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


class Subscribers:
    """N subscriptions in one asyncio loop on its own thread."""

    def __init__(self, port: int, paths: list[str]):
        self.port = port
        self.paths = paths
        self.loop = asyncio.new_event_loop()
        self.connected = 0
        self.failed = 0
        self.round_started: float | None = None
        self.heard: dict[int, float] = {}
        self.want = ""  # the message kind the round waits for
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self.loop.run_until_complete, args=(self._main(),))

    def start(self) -> None:
        self._thread.start()

    async def _one(self, n: int, path: str) -> None:
        def on_message(data: dict, at: float) -> None:
            started = self.round_started
            if started is None or n in self.heard or at < started:
                return
            if self.want and not str(data.get("c", "")).startswith(self.want):
                return
            self.heard[n] = at - started

        def connected() -> None:
            self.connected += 1

        try:
            await subscribe("127.0.0.1", self.port, path, on_message, connected)
        except (OSError, ConnectionError, asyncio.IncompleteReadError):
            self.failed += 1

    async def _main(self) -> None:
        self._stop = asyncio.Event()
        tasks = []
        for n, path in enumerate(self.paths):
            tasks.append(asyncio.create_task(self._one(n, path)))
            if n % 200 == 199:
                await asyncio.sleep(0.05)  # connect in waves, as screens start up
        await self._stop.wait()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def begin(self, want: str) -> None:
        self.heard = {}
        self.want = want
        self.round_started = time.monotonic()

    def wait_all(self, timeout: float = HEAR_TIMEOUT) -> list[float]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and len(self.heard) < len(self.paths):
            time.sleep(0.01)
        return list(self.heard.values())

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


def main() -> int:
    # A stop from outside (timeout, kill) still stops the deployment it started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 1 << 20), hard))

    from tests.scaled.console import Console

    cluster = Cluster(2)
    subscribers = None
    try:
        cluster.start()
        base = cluster.nginx.url
        import requests

        program = requests.get(
            base + "/display/wall-1/program.json",
            headers={"X-Terminal-Token": "demo-wall-token"},
            timeout=10,
        ).json()
        own = program["push"]
        assert own, "the program names no push channels: is [push] publish_url set?"
        urgent = next(c for c in own.rsplit("/", 1)[1].split(",") if c.startswith("urgent-"))
        # N screens: the same hall's channels, a terminal channel each.
        channels = [c for c in own.rsplit("/", 1)[1].split(",") if not c.startswith("terminal-")]
        prefix = own.rsplit("/", 1)[0]
        paths = [
            f"{prefix}/{','.join(sorted(channels + [f'terminal-{100000 + n}']))}"
            for n in range(args.subscribers)
        ]
        subscribers = Subscribers(cluster.nginx.port, paths)
        subscribers.start()
        deadline = time.monotonic() + 120
        while subscribers.connected + subscribers.failed < len(paths):
            if time.monotonic() > deadline:
                break
            time.sleep(0.1)
        print(
            f"{subscribers.connected} of {len(paths)} subscribers connected"
            f" ({subscribers.failed} refused)",
            flush=True,
        )
        time.sleep(1.0)  # the kept message each one gets on connecting has come

        operator = Console(cluster.nodes[0].url, "operator")
        direct_all: list[float] = []
        app_all: list[float] = []
        missed = 0
        for round_no in range(1, args.rounds + 1):
            subscribers.begin("urgent-")
            publish_direct(cluster.nginx.publish_url, urgent)
            direct = subscribers.wait_all()
            direct_all += direct

            title = f"压测紧急通知 {round_no} {uuid.uuid4().hex[:4]}"
            action, fields = operator.form_fields("/admin/urgent/new")
            fields.update({"title": title, "body": "推送压测", "on_wall": "y", "on_kiosk": "y"})
            # A notice for every hall moves urgent-all; one for this hall, urgent-<id>.
            subscribers.begin("urgent-")
            operator.post(action, fields)
            heard = subscribers.wait_all()
            app_all += heard
            missed += len(paths) - len(heard)
            print(
                f"round {round_no}: direct p99 {percentile(direct, 0.99) * 1000:.0f} ms;"
                f" app heard by {len(heard)}, p50 {percentile(heard, 0.5) * 1000:.0f} ms"
                f" p99 {percentile(heard, 0.99) * 1000:.0f} ms",
                flush=True,
            )
            time.sleep(0.5)

        p50, p99 = percentile(app_all, 0.5) * 1000, percentile(app_all, 0.99) * 1000
        d50, d99 = percentile(direct_all, 0.5) * 1000, percentile(direct_all, 0.99) * 1000
        print()
        print(f"baseline (POST straight to Nchan): p50 {d50:.0f} ms p99 {d99:.0f} ms")
        print(
            f"through the app (console → commit → node → Nchan): p50 {p50:.0f} ms p99 {p99:.0f} ms"
        )
        print(
            f"ratio app / baseline: p50 {p50 / d50 if d50 else float('nan'):.1f}×,"
            f" p99 {p99 / d99 if d99 else float('nan'):.1f}×"
            f" (mean {statistics.fmean(app_all) * 1000 if app_all else float('nan'):.0f} ms)"
        )
        print(
            f"push: {len(paths)} subscribers, publish-to-receive p50 {p50:.0f} ms"
            f" p99 {p99:.0f} ms, missed {missed + subscribers.failed * args.rounds}"
        )
    finally:
        if subscribers is not None:
            subscribers.stop()
        cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
