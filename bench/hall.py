#!/usr/bin/env python3
"""Hall load: a city's terminals at their real rates against one node, open loop.

Registers terminals on a fresh SQLite file with the demo hall (spread over
20 halls), starts one Sunlight node (``run.py serve``, waitress, the default
settings) and drives it on a fixed schedule — every request is sent when it
is due, whether or not the server has answered the previous one, and its
latency is counted from when it was due (no coordinated omission):

  * walls: program poll (If-None-Match) and heartbeat, every 5 s each;
  * LED strips: a PNG frame every second;
  * kiosks: urgent notices every 5 s, bundle every 20 s, heartbeat every 60 s;
  * an editor publishing an item to one hall every 10 s (written by this
    process, as another node would);
  * citizens submitting 2 questions a second from kiosks.

The client is asyncio on raw HTTP/1.1 keep-alive connections (one per
terminal, a second when a request is still out when the next is due): at
these rates a Python client keeps up on one core, needs nothing but the
standard library, and its schedule is exact, which wrk's closed loop is not.

Prints the achieved rate, p50 and p99 per request kind, errors and the
server's CPU, then ``hall load: W walls, L LED, K kiosks: errors E, worst p99 P ms``.
``--find-walls`` raises the number of walls step by step until the worst
p99 passes 100 ms and prints the last number that held.

``--nginx`` puts nginx in front of the node (deploy/nginx-scaled.conf): it
holds the terminals' connections and its cache answers their repeats.

    python bench/hall.py [--walls 2000] [--leds 300] [--kiosks 200] [--seconds 30] [--nginx]
    python bench/hall.py --find-walls
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.poll import free_port, raise_fd_limit, serve_node, wait_for  # noqa: E402

TOKEN = "bench-terminal-token"
WARMUP = 20.0
HALLS = 20
TICKS = os.sysconf("SC_CLK_TCK")


def setup(
    env: dict,
    walls: int,
    leds: int,
    kiosks: int,
    *,
    halls: int = HALLS,
    demo: bool = True,
    own_tokens: bool = False,
) -> None:
    """The demo hall (``demo``: loaded here), more halls up to ``halls``, and the
    terminals, written through the app. ``own_tokens``: each terminal's token is
    ``terminal_token(code)``, else all share TOKEN."""
    if demo:
        subprocess.run(
            [sys.executable, "run.py", "demo"], cwd=ROOT, env=env, check=True, capture_output=True
        )
    code = f"""
import os
from app import create_app
from content_feed.db import db
from content_feed.models import Hall, Terminal, TerminalGroup, RotationSchedule
from content_feed.terminals import hash_token
app = create_app()
with app.app_context():
    halls = [db.session.query(Hall).filter_by(code="hall-1").one()]
    for n in range(2, {halls} + 1):
        # The demo has a second hall already (hall-2): keep it, add the rest.
        hall = db.session.query(Hall).filter_by(code=f"hall-{{n}}").one_or_none()
        if hall is None:
            hall = Hall(code=f"hall-{{n}}", name=f"第{{n}}服务大厅")
            db.session.add(hall)
        halls.append(hall)
    db.session.flush()
    groups = {{}}
    for hall in halls:
        group = TerminalGroup(name=f"{{hall.code}}-screens", hall_id=hall.id)
        db.session.add(group)
        db.session.flush()
        groups[hall.id] = group
        for playlist, kind in ((1, "wall"), (3, "led")):
            db.session.add(RotationSchedule(name=f"{{hall.code}} {{kind}}", playlist_id=playlist,
                                            group_id=group.id, is_default=True, priority=-1))
    token = hash_token("{TOKEN}")
    def add(prefix, kind, count, **fields):
        for i in range(count):
            hall = halls[i % len(halls)]
            code = f"{{prefix}}-{{i}}"
            own = hash_token(f"{TOKEN}-{{code}}") if {own_tokens} else token
            t = Terminal(code=code, name=f"{{prefix}} {{i}}", kind=kind,
                         hall_id=hall.id, token_hash=own, **fields)
            if kind != "kiosk":
                t.groups.append(groups[hall.id])
            db.session.add(t)
    add("bw", "wall", {walls})
    add("bl", "led", {leds}, width=192, height=32, color_mode="dual")
    add("bk", "kiosk", {kiosks})
    db.session.commit()
"""
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True)


def bench_env(work: Path) -> dict:
    """A node's environment on a fresh SQLite file in ``work``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUNLIGHT_")}
    env.update(
        SUNLIGHT_DATABASE_URL=f"sqlite:///{work / 'hall.db'}",
        SUNLIGHT_BACKUP_FOLDER=str(work / "backups"),
        SUNLIGHT_SECURITY_SECRET_KEY="bench",
        # Every simulated terminal connects from loopback; in a hall each has its own
        # address, so the per-address connection cap (100) is not what is measured.
        SUNLIGHT_SERVER_CONNECTION_CAP_EXEMPT='["127.0.0.1"]',
    )
    return env


def terminal_token(code: str) -> str:
    """A terminal's own token when ``setup(own_tokens=True)``."""
    return f"{TOKEN}-{code}"


class Conn:
    """One HTTP/1.1 keep-alive connection."""

    def __init__(self, port: int):
        self.port = port
        self.reader = self.writer = None
        self.busy = False

    async def request(self, method: str, path: str, headers: dict, body: bytes = b""):
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        lines = [f"{method} {path} HTTP/1.1", "Host: bench"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        if body:
            lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("closed")
        status = int(status_line.split()[1])
        length, etag, closing = 0, None, False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            name = name.lower()
            if name == "content-length":
                length = int(value)
            elif name == "etag":
                etag = value.strip()
            elif name == "connection" and value.strip().lower() == "close":
                closing = True
        self.body = await self.reader.readexactly(length) if length else b""
        if closing:
            self.close()
            self.reader = self.writer = None
        return status, etag

    def close(self):
        if self.writer is not None:
            self.writer.close()


class Load:
    def __init__(self, port: int, seconds: float):
        self.port = port
        self.seconds = seconds
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.statuses: dict[tuple, int] = defaultdict(int)
        self.answers: dict[tuple, int] = defaultdict(int)
        self.tasks: set = set()
        self.start = 0.0
        # Terminals arrive together at the start: the first builds are not the load.
        self.measure_from = 0.0

    async def fire(
        self,
        pool: list[Conn],
        kind: str,
        due: float,
        method,
        path,
        headers,
        body=b"",
        ok=(200, 201, 304),
        on_etag=None,
    ):
        conn = next((c for c in pool if not c.busy), None)
        if conn is None:
            conn = Conn(self.port)
            pool.append(conn)
        conn.busy = True
        try:
            status, etag = await asyncio.wait_for(
                conn.request(method, path, headers, body), timeout=10
            )
            if due >= self.measure_from:
                self.answers[(kind, status)] += 1
            if status not in ok and due >= self.measure_from:
                self.errors[kind] += 1
                self.statuses[(kind, status)] += 1
            elif on_etag and etag:
                on_etag(etag)
        except (TimeoutError, OSError, ConnectionError, ValueError, IndexError) as exc:
            self.errors[kind] += 1
            self.statuses[(kind, type(exc).__name__)] += 1
            conn.close()
            pool.remove(conn)
            return
        finally:
            conn.busy = False
        if due >= self.measure_from:
            self.latencies[kind].append((time.monotonic() - due) * 1000)

    async def every(self, period: float, phase: float, action):
        """Run ``action(due)`` every ``period`` s from ``phase``, never waiting for it."""
        due = self.start + phase
        end = self.start + self.seconds
        while due < end:
            delay = due - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            task = asyncio.ensure_future(action(due))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)
            due += period

    async def poll(self, pool, kind: str, due: float, path: str, state: dict, key: str):
        """A conditional GET, as terminals poll: If-None-Match with the last ETag."""
        headers = {"X-Terminal-Token": TOKEN}
        if state[key]:
            headers["If-None-Match"] = state[key]
        await self.fire(
            pool, kind, due, "GET", path, headers, on_etag=lambda e: state.update({key: e})
        )

    def wall(self, i: int):
        pool: list[Conn] = []
        state = {"etag": ""}
        code = f"bw-{i}"
        auth = {"X-Terminal-Token": TOKEN}

        async def poll(due):
            await self.poll(
                pool, "wall program", due, f"/display/{code}/program.json", state, "etag"
            )
            body = json.dumps({"version": state["etag"].strip('"'), "program": "轮播"}).encode()
            await self.fire(
                pool,
                "wall heartbeat",
                time.monotonic(),
                "POST",
                f"/display/{code}/heartbeat",
                auth,
                body,
            )

        return self.every(5, random.uniform(0, 5), poll)

    def led(self, i: int):
        pool: list[Conn] = []
        path = f"/display/led/bl-{i}.png"
        auth = {"X-Terminal-Token": TOKEN}

        async def pull(due):
            await self.fire(pool, "LED frame", due, "GET", path, auth)

        return self.every(1, random.uniform(0, 1), pull)

    def kiosk(self, i: int, hall: str):
        pool: list[Conn] = []
        code = f"bk-{i}"
        auth = {"X-Terminal-Token": TOKEN}
        state = {"urgent": "", "bundle": ""}

        async def urgent(due):
            await self.poll(
                pool,
                "kiosk urgent",
                due,
                f"/api/v1/urgent-notices?hall={hall}&surface=kiosk",
                state,
                "urgent",
            )

        async def bundle(due):
            await self.poll(
                pool, "kiosk bundle", due, f"/kiosk/{code}/bundle.json", state, "bundle"
            )

        async def beat(due):
            body = json.dumps({"terminal": code, "page": "#/", "version": "x"}).encode()
            await self.fire(pool, "kiosk heartbeat", due, "POST", "/api/v1/heartbeat", auth, body)

        return [
            self.every(5, random.uniform(0, 5), urgent),
            self.every(20, random.uniform(0, 20), bundle),
            self.every(60, random.uniform(0, 60), beat),
        ]

    def citizens(self, kiosks: int):
        pool: list[Conn] = []

        async def ask(due):
            code = f"bk-{random.randrange(kiosks)}"
            body = json.dumps(
                {
                    "terminal": code,
                    "idempotency_key": uuid.uuid4().hex,
                    "kind": "question",
                    "text": "请问办理不动产登记需要带哪些材料？",
                    "phone": "13812345678",
                }
            ).encode()
            await self.fire(
                pool,
                "citizen question",
                due,
                "POST",
                "/api/v1/inquiries",
                {"X-Terminal-Token": TOKEN},
                body,
                ok=(201,),
            )

        return self.every(0.5, 0.25, ask)


def editor(env: dict, seconds: float, stop: threading.Event, published: list) -> None:
    """Publish an item to one hall every 10 s, through the workflow, as another node would."""
    os.environ.update(env)
    from datetime import UTC, datetime

    from sqlalchemy import select

    from app import create_app
    from content_feed.db import db
    from content_feed.models import Hall
    from tests.builders import publish_item

    app = create_app()
    with app.app_context():
        halls = db.session.execute(select(Hall).order_by(Hall.id)).scalars().all()
        n = 0
        while not stop.wait(10 if n else 5):
            hall = halls[n % len(halls)]
            publish_item(datetime.now(UTC), f"压力测试公开事项{n}", halls=[hall])
            published.append(time.monotonic())
            n += 1


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def run_once(
    walls: int, leds: int, kiosks: int, seconds: float, quiet: bool = False, nginx: bool = False
) -> dict:
    work = Path(tempfile.mkdtemp(prefix="sunlight-hall-"))
    env = bench_env(work)
    setup(env, walls, leds, kiosks)
    port = free_port()
    server = serve_node(env, port, stderr=(work / "server.log").open("w"))
    stop = threading.Event()
    published: list[float] = []
    front = None
    try:
        wait_for(f"http://127.0.0.1:{port}/api/v1/halls")
        if nginx:
            # nginx holds the terminals' connections and passes a few kept-alive
            # ones to the node (deploy/nginx-scaled.conf).
            from deploy.services import Nginx

            front = Nginx([port])
            front.start()
        load = Load(front.port if front else port, seconds)
        editor_thread = threading.Thread(
            target=editor, args=(env, seconds, stop, published), daemon=True
        )

        async def main():
            load.start = time.monotonic() + 1
            load.measure_from = load.start + WARMUP
            jobs = [load.wall(i) for i in range(walls)]
            jobs += [load.led(i) for i in range(leds)]
            for i in range(kiosks):
                jobs += load.kiosk(i, f"hall-{i % HALLS + 1}")
            jobs.append(load.citizens(kiosks))
            await asyncio.gather(*jobs)
            if load.tasks:
                await asyncio.wait(load.tasks, timeout=15)

        cpu_before, wall_before = cpu_seconds(server.pid), time.monotonic()
        editor_thread.start()
        asyncio.run(main())
        cpu = (cpu_seconds(server.pid) - cpu_before) / (time.monotonic() - wall_before)
    finally:
        stop.set()
        if front is not None:
            front.stop()
        server.terminate()
        server.wait(timeout=30)
        log_tail = (work / "server.log").read_text()[-3000:]
        if server.returncode not in (0, -15):
            print(f"server exited with {server.returncode}:\n{log_tail}")
        shutil.rmtree(work, ignore_errors=True)
    rows = {}
    measured = seconds - WARMUP
    for kind, values in sorted(load.latencies.items()):
        rows[kind] = {
            "rate": len(values) / measured,
            "p50": percentile(values, 0.50),
            "p99": percentile(values, 0.99),
            "errors": load.errors.get(kind, 0),
        }
    for kind, count in load.errors.items():
        rows.setdefault(kind, {"rate": 0, "p50": 0, "p99": 0, "errors": count})
    errors = sum(r["errors"] for r in rows.values())
    worst = max((r["p99"] for r in rows.values()), default=0)
    if not quiet:
        print(
            f"\n{walls} walls, {leds} LED strips, {kiosks} kiosks, {seconds:.0f} s, "
            f"{len(published)} items published"
        )
        print(f"{'request':18} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
        for kind, r in rows.items():
            print(f"{kind:18} {r['rate']:8.1f} {r['p50']:8.1f} {r['p99']:8.1f} {r['errors']:7d}")
        print(f"server CPU: {cpu * 100:.0f}% of one core")
        print("answers:", dict(sorted(load.answers.items())))
        if load.statuses:
            print("unexpected answers:", dict(load.statuses))
    return {"rows": rows, "errors": errors, "worst_p99": worst, "cpu": cpu}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--walls", type=int, default=2000)
    parser.add_argument("--leds", type=int, default=300)
    parser.add_argument("--kiosks", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=50, help="20 s warm-up included")
    parser.add_argument(
        "--find-walls",
        action="store_true",
        help="raise the walls until the worst p99 passes 100 ms",
    )
    parser.add_argument(
        "--nginx",
        action="store_true",
        help="through nginx in front of the node (scaled deployment)",
    )
    args = parser.parse_args()
    raise_fd_limit()
    result = run_once(args.walls, args.leds, args.kiosks, args.seconds, nginx=args.nginx)
    print(
        f"hall load: {args.walls} walls, {args.leds} LED, {args.kiosks} kiosks: "
        f"errors {result['errors']}, worst p99 {result['worst_p99']:.0f} ms"
    )
    if args.find_walls:
        walls, held = args.walls, args.walls if result["worst_p99"] <= 100 else 0
        while result["worst_p99"] <= 100 and result["errors"] == 0:
            held = walls
            walls += 1000
            result = run_once(walls, args.leds, args.kiosks, args.seconds, nginx=args.nginx)
            print(
                f"  {walls} walls: errors {result['errors']}, "
                f"worst p99 {result['worst_p99']:.0f} ms"
            )
        print(f"walls held under 100 ms p99: {held}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
