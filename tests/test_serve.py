"""Start the real server the way `make run` does and fetch every URL it prints."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_make_run_serves_the_urls_it_prints(tmp_path):
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("SUNLIGHT_")},
        "SUNLIGHT_DATABASE_URL": f"sqlite:///{tmp_path / 'hall.db'}",
        "SUNLIGHT_BACKUP_FOLDER": str(tmp_path / "backups"),
        "PYTHONUNBUFFERED": "1",
    }
    proc = subprocess.Popen(
        [sys.executable, "run.py", "serve", "--prepare", "--demo", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    urls, lines = [], []
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            if ": http://" in line:
                urls.append(line.split(": ", 1)[1].strip())
            if "接口 API" in line:
                break
        assert urls, "".join(lines)
        # QR codes point at the default loopback base while it listens on every
        # interface: it says so, and how to set hall.public_base_url.
        warning = proc.stdout.readline()
        assert "hall.public_base_url" in warning and "SUNLIGHT_HALL_PUBLIC_BASE_URL" in warning
        kinds = "".join(lines)
        for word in ("kiosk", "wall", "LED", "admin"):
            assert word in kinds, kinds
        for _ in range(100):
            try:
                requests.get(f"http://127.0.0.1:{port}/api/v1/halls", timeout=2)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        for url in urls:
            response = requests.get(url, timeout=10)
            assert response.status_code == 200, f"{url} answered {response.status_code}"
        assert requests.get(urls[0], timeout=10).headers.get("Server") == "Sunlight"
        items = requests.get(f"http://127.0.0.1:{port}/api/v1/items", timeout=10).json()
        assert items["total"] >= 30
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_a_304_keeps_the_connection_open(live_server):
    """A terminal's "nothing new" poll costs no new TCP connection."""
    import socket

    with socket.create_connection(("127.0.0.1", live_server.port), timeout=5) as conn:
        reader = conn.makefile("rb")

        def get(headers: str = "") -> tuple[str, dict]:
            conn.sendall(f"GET /api/v1/halls HTTP/1.1\r\nHost: t\r\n{headers}\r\n".encode())
            status = reader.readline().decode()
            fields = {}
            while (line := reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode().partition(":")
                fields[name.lower()] = value.strip()
            reader.read(int(fields.get("content-length", 0)))
            return status, fields

        status, fields = get()
        assert status.startswith("HTTP/1.1 200")
        etag = fields["etag"]
        for _ in range(3):
            status, fields = get(f"If-None-Match: {etag}\r\n")
            assert status.startswith("HTTP/1.1 304") and "connection" not in fields
        status, fields = get(f"If-None-Match: {etag}\r\nConnection: close\r\n")
        assert fields.get("connection") == "close"


def test_many_kept_alive_connections_are_all_answered_and_idle_ones_end():
    """As served (web/serving.py): hundreds of keep-alive
    connections, some with slow or large answers, every request answered; idle
    ones still closed by waitress' maintenance."""
    import socket
    import threading
    import time

    from tests.conftest import free_port
    from web.serving import create_server

    def app(environ, start_response):
        if environ["PATH_INFO"] == "/slow":
            time.sleep(0.2)
        body = b"x" * (200_000 if environ["PATH_INFO"] == "/big" else 10)
        start_response("200 OK", [("Content-Length", str(len(body)))])
        return [body]

    port = free_port()
    server = create_server(
        app,
        host="127.0.0.1",
        port=port,
        threads=4,
        channel_timeout=2,
        cleanup_interval=1,
        connection_limit=1000,
    )
    threading.Thread(target=server.run, daemon=True).start()
    conns = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(300)]
    readers = [c.makefile("rb") for c in conns]

    def get(n: int, path: str) -> bytes:
        conns[n].sendall(f"GET {path} HTTP/1.1\r\nHost: t\r\n\r\n".encode())
        status = readers[n].readline()
        length = 0
        while (line := readers[n].readline()) not in (b"\r\n", b""):
            if line.lower().startswith(b"content-length"):
                length = int(line.split(b":")[1])
        assert len(readers[n].read(length)) == length
        return status

    try:
        for _round in range(3):
            for n in range(len(conns)):
                path = ("/", "/slow", "/big")[n % 3] if n % 50 == 0 else "/"
                assert get(n, path).startswith(b"HTTP/1.1 200")
        time.sleep(3.5)  # idle past channel_timeout
        for conn in conns:
            conn.settimeout(2)
            assert conn.recv(1) == b""  # closed by the server
    finally:
        for conn in conns:
            conn.close()
        server.close()


def test_idle_connections_are_not_asked_on_every_turn(monkeypatch):
    """web/poll_loop.py: a busy connection's requests do not make the loop ask each
    of hundreds of idle keep-alive connections again (waitress' own loop asks every
    one on every turn), and descriptors closed and reused meanwhile still serve."""
    import socket
    import threading
    import time

    from tests.conftest import free_port
    from web.poll_loop import SWEEP_SECONDS
    from web.serving import KeepAliveChannel, create_server

    asked, ours, idle_ports = [], [], set()
    readable = KeepAliveChannel.readable

    def counted(channel):
        # The idle connections of this server only: other tests' servers may still
        # run in this process, on the same class.
        if channel.server in ours and channel.addr[1] in idle_ports:
            asked.append(channel)
        return readable(channel)

    monkeypatch.setattr(KeepAliveChannel, "readable", counted)

    def app(environ, start_response):
        start_response("200 OK", [("Content-Length", "2")])
        return [b"ok"]

    port = free_port()
    server = create_server(app, host="127.0.0.1", port=port, threads=4, connection_limit=1000)
    ours.append(server)
    threading.Thread(target=server.run, daemon=True).start()

    def get(conn, reader) -> bytes:
        conn.sendall(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        status = reader.readline()
        while reader.readline() not in (b"\r\n", b""):
            pass
        assert reader.read(2) == b"ok"
        return status

    idle = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(300)]
    idle_ports.update(c.getsockname()[1] for c in idle)
    try:
        idle_readers = [c.makefile("rb") for c in idle]
        for conn, reader in zip(idle, idle_readers, strict=True):
            assert get(conn, reader).startswith(b"HTTP/1.1 200")
        busy = socket.create_connection(("127.0.0.1", port), timeout=5)
        busy_reader = busy.makefile("rb")
        time.sleep(SWEEP_SECONDS / 2)
        asked.clear()
        started = time.monotonic()
        for n in range(200):
            assert get(busy, busy_reader).startswith(b"HTTP/1.1 200")
            if n % 20 == 0:
                # A connection that comes and goes: its descriptor is soon another's.
                with socket.create_connection(("127.0.0.1", port), timeout=5) as passing:
                    assert get(passing, passing.makefile("rb")).startswith(b"HTTP/1.1 200")
        took = time.monotonic() - started
        sweeps = took / SWEEP_SECONDS + 2
        # At least 400 turns went by; asking every idle connection on each would be
        # 120,000 calls. Only the once-a-second sweeps ask them all.
        assert len(asked) <= 300 * sweeps, (len(asked), took)
        # The idle connections were never forgotten: each still answers.
        for conn, reader in zip(idle, idle_readers, strict=True):
            assert get(conn, reader).startswith(b"HTTP/1.1 200")
        busy.close()
    finally:
        for conn in idle:
            conn.close()
        server.close()


def test_a_descriptor_epoll_refuses_closes_its_channel_not_the_loop(tmp_path):
    """web/poll_loop.py: where waitress' poll() would answer POLLNVAL (a descriptor
    gone bad under its dispatcher), the channel is closed and the loop goes on."""
    import os
    import socket

    from waitress import wasyncore

    from web.poll_loop import Poller, TrackedMap

    ours, theirs = socket.socketpair()
    tracked = TrackedMap()
    wasyncore.dispatcher(ours, map=tracked)  # in the map, as waitress puts it
    other_ours, other_theirs = socket.socketpair()
    other = wasyncore.dispatcher(other_ours, map=tracked)
    poller = Poller(tracked)
    try:
        fd = ours.fileno()
        plain = tmp_path / "plain"
        plain.write_bytes(b"")
        with open(plain, "rb") as f:
            os.dup2(f.fileno(), fd)  # now a regular file: epoll refuses it (EPERM)
        poller.turn(0)
        assert fd not in tracked and other_ours.fileno() in tracked
    finally:
        poller.close()
        other.close()
        for s in (theirs, other_theirs):
            s.close()
