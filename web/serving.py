"""Waitress, as Sunlight serves with it.

Waitress 3.0.2 closes the connection after every HTTP/1.1 answer that has no
Content-Length, including those that never have a body (304, 204, 1xx):
every "nothing new" poll would cost a terminal a new TCP connection, and
nginx its upstream keepalive. Such an answer's length is known (none), so
the connection stays open here unless the client asked to close it.

And waitress waits on its sockets with select() unless told otherwise, which
cannot watch a descriptor above 1023: past about a thousand terminals the
whole server stops with "filedescriptor out of range in select()". Its loop
runs on epoll here, keeping idle connections registered between turns
(web/poll_loop.py).

And no anonymous client may stop the hall (issue 20): a body larger than the
app accepts is refused by waitress from its Content-Length, before a byte of it
is read or buffered to disk; one address holds at most
``server.connections_per_address`` connections (more get a short 503 and are
closed); a request whose head is not complete ``server.header_timeout`` seconds
after its first byte, or whose body is not in ``server.request_timeout`` seconds
after that, is cut off however slowly it trickles in. Waitress' own error answers
(400, 413, …) carry the security headers like every other answer.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import waitress.server
from waitress.channel import HTTPChannel
from waitress.task import ErrorTask, WSGITask

from web import poll_loop
from web.security_headers import HEADERS

REFUSAL_TEXT = "同一地址的连接过多，请稍后再试。".encode()
REFUSAL = (
    b"HTTP/1.1 503 Service Unavailable\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n"
    b"Retry-After: 10\r\n"
    b"Connection: close\r\n"
    + b"".join(f"{name}: {value}\r\n".encode() for name, value in HEADERS)
    + f"Content-Length: {len(REFUSAL_TEXT)}\r\n\r\n".encode()
    + REFUSAL_TEXT
)


@dataclass
class Guard:
    """What one client may hold: connections per address, and seconds to send a
    request's head and then its body. Addresses in ``exempt`` (a proxy in front,
    which carries everyone's connections) are not counted."""

    per_address: int = 100
    header_timeout: float = 10
    request_timeout: float = 60
    exempt: frozenset[str] = frozenset()
    open: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def admit(self, address: str) -> bool:
        if address in self.exempt:
            return True
        with self.lock:
            if self.open[address] >= self.per_address:
                return False
            self.open[address] += 1
            return True

    def release(self, address: str) -> None:
        with self.lock:
            if self.open[address] <= 1:
                self.open.pop(address, None)
            else:
                self.open[address] -= 1


class HeaderedErrorTask(ErrorTask):
    def execute(self):
        # Before the body is written, which sends the head.
        self.response_headers.extend(HEADERS)
        super().execute()


class KeepAliveTask(WSGITask):
    def build_response_header(self):
        if self.has_body or self.version != "1.1":
            return super().build_response_header()
        closing = self.close_on_finish
        # Waitress closes when it finds no Content-Length unless already closing.
        self.close_on_finish = True
        try:
            return super().build_response_header()
        finally:
            asked = self.request.headers.get("CONNECTION", "").lower() == "close"
            self.close_on_finish = closing or asked


class KeepAliveChannel(HTTPChannel):
    task_class = KeepAliveTask
    error_task_class = HeaderedErrorTask
    counted = False
    request_started: float | None = None

    def __init__(self, server, sock, addr, adj, map=None):
        self.address = addr[0] if isinstance(addr, tuple) else str(addr)
        guard: Guard = server.sunlight_guard
        if not guard.admit(self.address):
            # Refused in a few bytes, before anything is read or registered.
            with contextlib.suppress(OSError):
                sock.send(REFUSAL)
            sock.close()
            return
        super().__init__(server, sock, addr, adj, map)
        self.counted = self.address not in guard.exempt

    def received(self, data):
        if self.request is None and data:
            self.request_started = time.monotonic()
        try:
            return super().received(data)
        finally:
            if self.request is None:
                self.request_started = None

    def too_slow(self, now: float, guard: Guard) -> bool:
        request, started = self.request, self.request_started
        if request is None or started is None:
            return False
        allowed = guard.header_timeout
        if request.headers_finished:
            allowed += guard.request_timeout
        return now - started > allowed

    def del_channel(self, map=None):
        if self.counted:
            self.counted = False
            self.server.sunlight_guard.release(self.address)
        super().del_channel(map)


def _maintenance(listener, base):
    """Waitress' idle sweep, and slow senders cut off however they trickle."""

    def maintenance(now):
        base(now)
        guard, mono = listener.sunlight_guard, time.monotonic()
        for channel in list(listener.active_channels.values()):
            if isinstance(channel, KeepAliveChannel) and channel.too_slow(mono, guard):
                channel.will_close = True

    return maintenance


def largest_body(app) -> int:
    """The largest body the app accepts anywhere (uploads): Flask's MAX_CONTENT_LENGTH."""
    return int(app.config["MAX_CONTENT_LENGTH"])


def guard_for(server) -> Guard:
    """What one client may hold, from the ``[server]`` settings."""
    exempt = set(server["connection_cap_exempt"])
    if server["proxies"]:
        # Behind nginx every client arrives from the proxy: nginx caps per address.
        exempt |= {"127.0.0.1", "::1"}
    return Guard(
        per_address=server["connections_per_address"],
        header_timeout=server["header_timeout"],
        request_timeout=server["request_timeout"],
        exempt=frozenset(exempt),
    )


def create_server(app, guard: Guard | None = None, **settings):
    """A waitress server for ``app``; ``settings`` are waitress' own (threads, port
    …), ``guard`` what one client may hold (from a Flask app's settings unless given)."""
    settings.setdefault("asyncore_use_poll", True)
    if hasattr(app, "config") and "SUNLIGHT" in app.config:
        # Waitress refuses a Content-Length at or above its limit: one more than ours.
        settings.setdefault("max_request_body_size", largest_body(app) + 1)
        guard = guard or guard_for(app.config["SUNLIGHT"]["server"])
    # A bare WSGI app (benchmarks, tests of waitress itself): no cap per address.
    guard = guard or Guard(per_address=settings.get("connection_limit", 100))
    # The sweep for slow senders runs with waitress' idle sweep.
    settings.setdefault("cleanup_interval", max(1, min(guard.header_timeout, 30) / 2))
    server = waitress.server.create_server(app, **settings)
    listeners = (
        [s for s in server.map.values() if isinstance(s, waitress.server.BaseWSGIServer)]
        if isinstance(server, waitress.server.MultiSocketServer)
        else [server]
    )
    for listener in listeners:
        listener.channel_class = KeepAliveChannel
        listener.sunlight_guard = guard
        listener.maintenance = _maintenance(listener, listener.maintenance)
    poll_loop.install(server)
    return server
