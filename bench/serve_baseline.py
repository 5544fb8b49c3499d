"""Serve bench/hello_app.py with waitress using Sunlight's server settings."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


from bench.hello_app import app  # noqa: E402
from config import load_settings  # noqa: E402
from web.serving import create_server, guard_for  # noqa: E402

if __name__ == "__main__":
    server = load_settings()["server"]
    create_server(
        app,
        host="127.0.0.1",
        port=int(sys.argv[1]),
        threads=server["threads"],
        connection_limit=server["connection_limit"],
        channel_timeout=server["channel_timeout"],
        backlog=server["backlog"],
        ident="Sunlight",
        # As a Sunlight node has them: the cap per address and the slow-sender sweep.
        guard=guard_for(server),
    ).run()
