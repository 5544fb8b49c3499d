#!/usr/bin/env python3
"""Poll benchmark: every kind of request a terminal makes, against a bare Flask hello-world.

Starts, under waitress with the same settings, (1) a bare Flask hello-world
(the baseline) and (2) Sunlight with the demo hall on a fresh SQLite file,
then drives each with wrk from loopback and prints requests per second and
p99 latency, with the ratio to the baseline measured in this same run, for:

  * the feed: 304 and 200 of /api/v1/items, and a cold build (a new page
    number each request, so every answer is built from the database);
  * the kiosk: 304 and 200 of its bundle, 304 of its urgent-notice poll,
    its heartbeat POST;
  * the wall: 304 and 200 of its program, its heartbeat POST;
  * the LED strip: a PNG frame pull (200 and 304), the text pull.

A second profile holds 2,000 open connections polling with If-None-Match
(a hall district's terminals) and reports errors and timeouts.

A fourth profile, a city district, asks as many distinct terminals as one
node holds (1,000 walls, 300 LED strips, 200 kiosks in 10 halls, each its own
token): each request another terminal's, so the caches are measured as they
are used, against the hello-world in the same run (``--no-district`` skips it).

A third profile puts nginx in front (deploy/nginx-scaled.conf, as in the scaled
deployment) and measures the same terminal requests through it, against nginx
serving a small static file (the baseline of that profile): what nginx's cache
of the screens' answers is worth.

    python bench/poll.py [--seconds 10] [--connections 50] [--hold 2000] [--no-nginx]
                         [--no-district] [--district-only]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
sys.path.insert(0, str(ROOT))

from deploy.services import free_port  # noqa: E402

COLD_LUA = """
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", "/api/v1/items?per_page=20&page=" .. counter)
end
"""

POST_LUA = """
wrk.method = "POST"
wrk.body = '%s'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Terminal-Token"] = "%s"
"""

KIOSK_TOKEN = {"X-Terminal-Token": "demo-kiosk-token"}
WALL_TOKEN = {"X-Terminal-Token": "demo-wall-token"}
LED_TOKEN = {"X-Terminal-Token": "demo-led-token"}


def wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server at {url} did not come up")


def fetch_etag(url: str, headers: dict) -> str:
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request) as response:
        return response.headers["ETag"]


def raise_fd_limit(n: int = 65536) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(n, hard), hard))


def ensure_wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk:
        return wrk
    if os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "wrk"], check=True, stdout=subprocess.DEVNULL
        )
        return shutil.which("wrk")
    raise SystemExit("wrk is missing: apt-get install wrk")


def run_wrk(
    wrk: str,
    url: str,
    seconds: int,
    connections: int,
    threads: int = 2,
    headers: dict | None = None,
    script: str | None = None,
) -> dict:
    cmd = [
        wrk,
        "-t",
        str(threads),
        "-c",
        str(connections),
        "-d",
        f"{seconds}s",
        "--latency",
        "--timeout",
        "10s",
    ]
    for key, value in (headers or {}).items():
        cmd += ["-H", f"{key}: {value}"]
    if script:
        cmd += ["-s", script]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    factor = {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    return {
        "rps": rps,
        "p99_ms": float(p99.group(1)) * factor,
        "requests": requests,
        "connect_errors": int(errors.group(1)) if errors else 0,
        "read_errors": int(errors.group(2)) if errors else 0,
        "write_errors": int(errors.group(3)) if errors else 0,
        "timeouts": int(errors.group(4)) if errors else 0,
        "non_2xx_3xx": int(non2xx.group(1)) if non2xx else 0,
    }


DISTRICT_LUA = """
local targets = {%s}
local n = math.random(#targets)
request = function()
  n = n %% #targets + 1
  local t = targets[n]
  local headers = {["X-Terminal-Token"] = t[2]}
  if t[3] ~= "" then headers["If-None-Match"] = t[3] end
  return wrk.format("GET", t[1], headers)
end
"""


def district_profile(wrk: str, s: int, c: int, walls=1000, leds=300, kiosks=200) -> dict:
    """Profile 4: every request another terminal's, each with its own token."""
    from concurrent.futures import ThreadPoolExecutor

    from bench.hall import bench_env, setup, terminal_token

    work = Path(tempfile.mkdtemp(prefix="sunlight-district-"))
    env = bench_env(work)
    setup(env, walls, leds, kiosks, halls=10, own_tokens=True)
    base_port, app_port = free_port(), free_port()
    procs = serve_both(env, base_port, app_port)
    try:
        base, app = f"http://127.0.0.1:{base_port}/", f"http://127.0.0.1:{app_port}"
        wait_for(base)
        wait_for(app + "/api/v1/items")
        kinds = {
            "wall 304 program": [f"/display/bw-{i}/program.json" for i in range(walls)],
            "kiosk 304 bundle": [f"/kiosk/bk-{i}/bundle.json" for i in range(kiosks)],
            "LED 200 PNG frame": [f"/display/led/bl-{i}.png" for i in range(leds)],
        }

        def target(path: str, conditional: bool) -> str:
            code = path.split("/")[-2] if "led" not in path else path.split("/")[-1][:-4]
            token = terminal_token(code)
            # Every answer built once before measuring (and its ETag kept for a 304).
            etag = fetch_etag(app + path, {"X-Terminal-Token": token})
            etag = etag if conditional else ""
            return "{" + ",".join(json.dumps(x) for x in (path, token, etag)) + "}"

        results = {"baseline hello-world": run_wrk(wrk, base, s, c)}
        with ThreadPoolExecutor(8) as pool:
            for kind, paths in kinds.items():
                entries = list(pool.map(lambda p, k=kind: target(p, "304" in k), paths))
                script = work / f"{kind.split()[0]}.lua"
                script.write_text(DISTRICT_LUA % ",".join(entries))
                run_wrk(wrk, app + paths[0], 2, c, script=str(script))  # every answer built
                results[kind] = run_wrk(wrk, app + paths[0], s, c, script=str(script))
        baseline = results["baseline hello-world"]["rps"]
        print(
            f"\nProfile 4: a city district ({walls} walls, {leds} LED strips, {kiosks} kiosks,"
            f" 10 halls, own tokens), each request another terminal's; {c} connections, {s} s"
        )
        print(f"{'request':30} {'req/s':>9} {'p99 ms':>8} {'× baseline':>11} {'non-2xx':>8}")
        for name, r in results.items():
            print(
                f"{name:30} {r['rps']:9.0f} {r['p99_ms']:8.1f} {r['rps'] / baseline:11.2f}"
                f" {r['non_2xx_3xx']:8d}"
            )
        return results
    finally:
        for p in procs:
            p.terminate()
            p.wait(timeout=20)
        shutil.rmtree(work, ignore_errors=True)


def serve_node(env: dict, port: int, stderr=subprocess.DEVNULL) -> subprocess.Popen:
    """A Sunlight node under waitress (no scheduler), as `run.py serve` runs it."""
    return subprocess.Popen(
        [PY, "run.py", "serve", "--no-scheduler", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=stderr,
    )


def serve_both(env: dict, base_port: int, app_port: int) -> list[subprocess.Popen]:
    """The hello-world baseline and a Sunlight node, with the same waitress settings."""
    return [
        subprocess.Popen(
            [PY, "bench/serve_baseline.py", str(base_port)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ),
        serve_node(env, app_port),
    ]


def nginx_profile(wrk: str, app_port: int, etags: dict, s: int, c: int) -> dict:
    """Profile 3: the terminals' requests through nginx, against a static file."""
    from deploy.services import Nginx

    try:
        nginx = Nginx([app_port])
        nginx.start()
    except RuntimeError as exc:
        print(f"\nProfile 3 skipped: {exc}")
        return {}
    app = f"http://127.0.0.1:{app_port}"
    via = nginx.url

    def inm(url: str) -> dict:
        return {"If-None-Match": etags[app + url]}

    cases = [
        ("baseline nginx static file", "/bench-static/ok.txt", {}),
        ("feed 304 /api/v1/items", "/api/v1/items", inm("/api/v1/items")),
        ("feed 200 /api/v1/items", "/api/v1/items", {}),
        (
            "kiosk 304 bundle",
            "/kiosk/kiosk-1/bundle.json",
            {**KIOSK_TOKEN, **inm("/kiosk/kiosk-1/bundle.json")},
        ),
        ("kiosk 200 bundle", "/kiosk/kiosk-1/bundle.json", KIOSK_TOKEN),
        (
            "kiosk 304 urgent poll",
            "/api/v1/urgent-notices?hall=hall-1&surface=kiosk",
            {**KIOSK_TOKEN, **inm("/api/v1/urgent-notices?hall=hall-1&surface=kiosk")},
        ),
        (
            "wall 304 program",
            "/display/wall-1/program.json",
            {**WALL_TOKEN, **inm("/display/wall-1/program.json")},
        ),
        ("wall 200 program", "/display/wall-1/program.json", WALL_TOKEN),
        # After a push every screen fetches with X-Sunlight-Version: nginx passes
        # it to the node (cache bypassed), which answers 304 from memory.
        (
            "wall 304 pushed fetch",
            "/display/wall-1/program.json",
            {**WALL_TOKEN, **inm("/display/wall-1/program.json"), "X-Sunlight-Version": "1"},
        ),
        (
            "kiosk 304 pushed urgent",
            "/api/v1/urgent-notices?hall=hall-1&surface=kiosk",
            {
                **KIOSK_TOKEN,
                **inm("/api/v1/urgent-notices?hall=hall-1&surface=kiosk"),
                "X-Sunlight-Version": "1",
            },
        ),
        ("LED 200 PNG frame", "/display/led/led-1.png", LED_TOKEN),
        ("LED text pull", "/display/led/led-1.txt", LED_TOKEN),
    ]
    # A 200 of a 100 KB program costs nginx the copying of 100 KB: each 200 is
    # also compared with nginx serving a static file of the same size.
    sizes = {}
    for name, path, headers in cases:
        if "304" in name:
            continue
        request = urllib.request.Request(via + path, headers=headers)
        with urllib.request.urlopen(request) as response:
            sizes[name] = len(response.read())
    same_size = {}
    for name, size in sizes.items():
        if name != "baseline nginx static file":
            (nginx.root / "bench-static" / f"{size}.bin").write_bytes(b"x" * size)
            same_size[name] = f"/bench-static/{size}.bin"
    try:
        run_wrk(wrk, via + "/bench-static/ok.txt", 2, c)
        for _name, path, headers in cases:  # fill nginx's cache first
            run_wrk(wrk, via + path, 1, 2, headers=headers)
        results = {
            name: run_wrk(wrk, via + path, s, c, headers=headers) for name, path, headers in cases
        }
        statics = {name: run_wrk(wrk, via + path, s, c) for name, path in same_size.items()}
    finally:
        nginx.stop()
    baseline = results["baseline nginx static file"]["rps"]
    print(
        f"\nProfile 3: through nginx (its cache in front of the node), {c} connections, {s} s each"
    )
    print(
        f"{'request':30} {'bytes':>7} {'req/s':>9} {'p99 ms':>8} {'× static':>9}"
        f" {'× same size':>12} {'non-2xx':>8}"
    )
    for name, r in results.items():
        same = f"{r['rps'] / statics[name]['rps']:12.2f}" if name in statics else f"{'':12}"
        print(
            f"{name:30} {sizes.get(name, 0):7d} {r['rps']:9.0f} {r['p99_ms']:8.1f}"
            f" {r['rps'] / baseline:9.2f} {same} {r['non_2xx_3xx']:8d}"
        )
        r["bytes"] = sizes.get(name, 0)
        if name in statics:
            r["same_size_static_rps"] = statics[name]["rps"]
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--hold", type=int, default=2000, help="connections in profile 2")
    parser.add_argument("--no-nginx", action="store_true", help="skip profile 3 (through nginx)")
    parser.add_argument("--no-district", action="store_true", help="skip profile 4")
    parser.add_argument("--district-only", action="store_true", help="profile 4 alone")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    raise_fd_limit()
    wrk = ensure_wrk()
    if args.district_only:
        district_profile(wrk, args.seconds, args.connections)
        return 0
    work = Path(tempfile.mkdtemp(prefix="sunlight-bench-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUNLIGHT_")}
    env.update(
        SUNLIGHT_DATABASE_URL=f"sqlite:///{work / 'hall.db'}",
        SUNLIGHT_BACKUP_FOLDER=str(work / "backups"),
    )
    subprocess.run([PY, "run.py", "demo"], cwd=ROOT, env=env, check=True, capture_output=True)
    base_port, app_port = free_port(), free_port()
    procs = serve_both(env, base_port, app_port)
    try:
        base = f"http://127.0.0.1:{base_port}/"
        app = f"http://127.0.0.1:{app_port}"
        items = f"{app}/api/v1/items"
        wait_for(base)
        wait_for(items)
        bundle = f"{app}/kiosk/kiosk-1/bundle.json"
        urgent_kiosk = f"{app}/api/v1/urgent-notices?hall=hall-1&surface=kiosk"
        program = f"{app}/display/wall-1/program.json"
        frame = f"{app}/display/led/led-1.png"
        text = f"{app}/display/led/led-1.txt"
        etags = {
            url: fetch_etag(url, headers)
            for url, headers in (
                (items, {}),
                (bundle, KIOSK_TOKEN),
                (urgent_kiosk, KIOSK_TOKEN),
                (program, WALL_TOKEN),
            )
        }
        cold_script = work / "cold.lua"
        cold_script.write_text(COLD_LUA)
        wall_beat = work / "wall_beat.lua"
        wall_beat.write_text(
            POST_LUA % ('{"version":"x","program":"大屏日常轮播","entry":"e1"}', "demo-wall-token")
        )
        kiosk_beat = work / "kiosk_beat.lua"
        kiosk_beat.write_text(
            POST_LUA % ('{"terminal":"kiosk-1","page":"#/","version":"x"}', "demo-kiosk-token")
        )
        s, c = args.seconds, args.connections
        # Warm both servers up before measuring.
        run_wrk(wrk, base, 2, c)
        run_wrk(wrk, items, 2, c)
        cases = [
            ("baseline hello-world", base, {}, None),
            ("feed 304 /api/v1/items", items, {"If-None-Match": etags[items]}, None),
            ("feed 200 /api/v1/items", items, {}, None),
            ("feed 200 cold /api/v1/items", items, {}, cold_script),
            ("kiosk 304 bundle", bundle, {**KIOSK_TOKEN, "If-None-Match": etags[bundle]}, None),
            ("kiosk 200 bundle", bundle, KIOSK_TOKEN, None),
            (
                "kiosk 304 urgent poll",
                urgent_kiosk,
                {**KIOSK_TOKEN, "If-None-Match": etags[urgent_kiosk]},
                None,
            ),
            ("kiosk heartbeat POST", f"{app}/api/v1/heartbeat", {}, kiosk_beat),
            ("wall 304 program", program, {**WALL_TOKEN, "If-None-Match": etags[program]}, None),
            ("wall 200 program", program, WALL_TOKEN, None),
            ("wall heartbeat POST", f"{app}/display/wall-1/heartbeat", {}, wall_beat),
            ("LED 200 PNG frame", frame, LED_TOKEN, None),
            ("LED text pull", text, LED_TOKEN, None),
        ]
        results = {
            name: run_wrk(wrk, url, s, c, headers=headers, script=str(script) if script else None)
            for name, url, headers, script in cases
        }
        baseline = results["baseline hello-world"]["rps"]
        print(f"\nProfile 1: {c} connections, {s} s each, 2 wrk threads, same waitress settings")
        print(f"{'request':30} {'req/s':>9} {'p99 ms':>8} {'× baseline':>11} {'non-2xx':>8}")
        for name, r in results.items():
            print(
                f"{name:30} {r['rps']:9.0f} {r['p99_ms']:8.1f} {r['rps'] / baseline:11.2f}"
                f" {r['non_2xx_3xx']:8d}"
            )
        urgent = f"http://127.0.0.1:{app_port}/api/v1/urgent-notices"
        urgent_etag = urllib.request.urlopen(urgent).headers["ETag"]
        hold = run_wrk(wrk, urgent, max(s, 20), args.hold, headers={"If-None-Match": urgent_etag})
        print(f"\nProfile 2: {args.hold} open connections polling for {max(s, 20)} s")
        print(f"  {hold['requests']} polls, {hold['rps']:.0f} req/s, p99 {hold['p99_ms']:.0f} ms")
        print(
            f"  errors: connect {hold['connect_errors']}, read {hold['read_errors']}, "
            f"write {hold['write_errors']}, timeouts {hold['timeouts']}, "
            f"non-2xx/3xx {hold['non_2xx_3xx']}"
        )
        through = {} if args.no_nginx else nginx_profile(wrk, app_port, etags, s, c)
        district = {} if args.no_district else district_profile(wrk, s, c)
        if args.json:
            Path(args.json).write_text(
                json.dumps(
                    {
                        "profile1": results,
                        "profile2": hold,
                        "profile3": through,
                        "profile4": district,
                    },
                    indent=2,
                )
            )
    finally:
        for p in procs:
            p.terminate()
            p.wait(timeout=20)
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
