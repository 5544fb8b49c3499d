#!/usr/bin/env python3
"""`make scaled`: the scaled deployment on this machine, for trying it out.

PostgreSQL, Redis, two (or --nodes N) waitress nodes and nginx with Nchan in
front, each in a temporary folder on its own ports, with the demo hall. Ctrl-C
stops them all and removes the folder. See docs/deploying.md, "Scaled deployment".
"""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from deploy.services import Cluster  # noqa: E402


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=2, help="waitress nodes behind nginx")
    args = parser.parse_args(argv)
    if not 1 <= args.nodes <= 16:
        parser.error("--nodes must be between 1 and 16")
    # No signal is blocked here: a blocked mask is inherited by every child, and
    # PostgreSQL and Redis would then ignore the stop they are sent. The
    # children run in sessions of their own (deploy/services.py), so Ctrl-C
    # reaches this process only, which stops them all in order.
    signal.signal(signal.SIGTERM, _interrupt)
    cluster = Cluster(args.nodes)
    try:
        cluster.start()
        base = cluster.nginx.url
        print(f"Sunlight 阳光公开, scaled: nginx + Nchan on {base}", flush=True)
        for node in cluster.nodes:
            print(f"  node {node.url} (log {node.log_path})", flush=True)
        print(f"  PostgreSQL {cluster.database_url}", flush=True)
        print(f"  Redis {cluster.redis.url}", flush=True)
        print(f"  大屏 wall: {base}/display/wall-1?token=demo-wall-token", flush=True)
        print(f"  触摸查询机 kiosk: {base}/kiosk/kiosk-1?token=demo-kiosk-token", flush=True)
        print(f"  管理后台 admin: {base}/admin/   (Ctrl-C stops everything)", flush=True)
        while True:
            signal.pause()
    except KeyboardInterrupt:
        print("stopping nodes, nginx, Redis and PostgreSQL …", flush=True)
    finally:
        # A second Ctrl-C must not cut the stopping short.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        cluster.stop()
    print("stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
