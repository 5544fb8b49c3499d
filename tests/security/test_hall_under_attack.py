"""No anonymous client can stop the hall (issue 20, item 2), against a real waitress:
a huge Content-Length is refused before its body is read, one address cannot take
every connection, and a client trickling its request in is cut off."""

from __future__ import annotations

import shutil
import socket
import tempfile
import time

import pytest

from content_feed.clock import SystemClock
from content_feed.db import db
from tests.conftest import LiveServer, build_app

HEAD = (
    b"POST /api/v1/heartbeat HTTP/1.1\r\nHost: hall\r\nContent-Type: application/json\r\n"
    b"Content-Length: 314572800\r\n\r\n"
)


@pytest.fixture(scope="module")
def guarded(tmp_path_factory):
    """A server whose limits are small enough to reach in a test: 20 connections per
    address, 1 s for a request head, 100 connections in all."""
    tmp = tmp_path_factory.mktemp("attack")
    app = build_app(
        tmp,
        SystemClock(),
        server={"connections_per_address": 20, "header_timeout": 1, "request_timeout": 2},
    )
    server = LiveServer(app, connection_limit=100).start()
    yield server
    server.stop()
    with app.app_context():
        db.engine.dispose()


def connect(server, source: str = "127.0.0.1") -> socket.socket:
    sock = socket.create_connection(
        ("127.0.0.1", server.port), timeout=5, source_address=(source, 0)
    )
    return sock


def answer(sock: socket.socket) -> bytes:
    data = b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
            if b"\r\n\r\n" in data and data.startswith(b"HTTP/1.1 503"):
                break
    except (ConnectionResetError, TimeoutError):
        pass
    return data


def test_a_huge_body_is_refused_from_its_length_before_a_byte_is_read(guarded):
    sock = connect(guarded)
    sock.sendall(HEAD)  # and not one byte of the 300 MB announced
    started = time.monotonic()
    reply = answer(sock)
    sock.close()
    assert reply.startswith(b"HTTP/1.1 413"), reply[:200]
    assert time.monotonic() - started < 2
    # Waitress' own error answer carries the security headers like every other.
    assert b"X-Content-Type-Options: nosniff" in reply and b"Content-Security-Policy" in reply


def test_the_announced_body_never_reaches_the_temporary_folder(guarded):
    """The review's attack in full: 300 MB pushed behind the head. Refused, the
    connection closes and the temporary folder (where waitress buffers big bodies,
    on the disk of the SQLite database) does not grow by it."""
    before = shutil.disk_usage(tempfile.gettempdir()).used
    sock = connect(guarded)
    sock.settimeout(3)
    chunk, pushed = b"x" * (1 << 20), 0
    try:
        sock.sendall(HEAD)
        while pushed < 300 << 20:
            sock.sendall(chunk)
            pushed += len(chunk)
    except (BrokenPipeError, ConnectionResetError, TimeoutError):
        pass
    sock.close()
    assert pushed < 300 << 20, "the server read the whole announced body"
    grown = shutil.disk_usage(tempfile.gettempdir()).used - before
    assert grown < 100 << 20, f"temporary folder grew by {grown >> 20} MB"


def test_the_body_limit_is_the_apps_largest_accepted_body(guarded):
    from web.serving import largest_body

    with guarded.app.app_context():
        assert largest_body(guarded.app) == guarded.app.config["MAX_CONTENT_LENGTH"]
    assert guarded._server.adj.max_request_body_size == largest_body(guarded.app) + 1


def test_one_address_holding_connections_does_not_starve_another(guarded):
    """200 slow connections from 127.0.0.2, more than the server's 100 in all: the
    21st and later are refused in Chinese, and a kiosk's poll from another address
    is answered at once."""
    held, refused = [], 0
    try:
        for _ in range(200):
            sock = connect(guarded, "127.0.0.2")
            sock.settimeout(0.05)
            try:
                first = sock.recv(4096)
            except TimeoutError:
                first = b""
            if first.startswith(b"HTTP/1.1 503"):
                assert "同一地址的连接过多".encode() in first and b"Retry-After" in first
                refused += 1
                sock.close()
            else:
                sock.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: hall\r\n")
                held.append(sock)
        assert len(held) == 20 and refused == 180
        started = time.monotonic()
        kiosk = connect(guarded)
        kiosk.sendall(b"GET /api/v1/catalogue HTTP/1.1\r\nHost: hall\r\nConnection: close\r\n\r\n")
        reply = answer(kiosk)
        kiosk.close()
        assert reply.startswith(b"HTTP/1.1 200"), reply[:200]
        assert time.monotonic() - started < 1
    finally:
        for sock in held:
            sock.close()


def test_a_slow_sender_is_cut_off(guarded):
    """A header line every half second keeps a connection busy but never finishes:
    cut off once its head has taken longer than header_timeout (1 s here)."""
    sock = connect(guarded)
    sock.sendall(b"GET /api/v1/catalogue HTTP/1.1\r\n")
    started, closed = time.monotonic(), False
    while time.monotonic() - started < 5:
        try:
            sock.sendall(b"X-Slow: 1\r\n")
            sock.settimeout(0.5)
            if sock.recv(4096) == b"":
                closed = True
                break
        except TimeoutError:
            continue
        except (BrokenPipeError, ConnectionResetError):
            closed = True
            break
    sock.close()
    assert closed and time.monotonic() - started < 4
