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
