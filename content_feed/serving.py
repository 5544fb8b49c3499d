"""Waitress, as Sunlight serves with it.

Waitress 3.0.2 closes the connection after every HTTP/1.1 answer that has no
Content-Length, including those that never have a body (304, 204, 1xx):
every "nothing new" poll would cost a terminal a new TCP connection, and
nginx its upstream keepalive. Such an answer's length is known (none), so
the connection stays open here unless the client asked to close it.

And waitress waits on its sockets with select() unless told otherwise, which
cannot watch a descriptor above 1023: past about a thousand terminals the
whole server stops with "filedescriptor out of range in select()". It uses
poll() here.

Its poll loop also asks every open connection, on every turn, whether it
wants to read or write, and registers each anew: with a thousand terminals
holding keep-alive connections, that loop alone takes the node's core. The
loop here keeps the poll registrations between turns and asks again only
the connections that can have changed: those that had an event, are busy
with a request or its answer, or are new — an idle keep-alive connection
changes only by an event on it, or by waitress' own maintenance (which ends
idle connections), after which every connection is asked again.
"""

from __future__ import annotations

import contextlib
import select
import types
from errno import EINTR

import waitress.server
from waitress import wasyncore
from waitress.channel import HTTPChannel
from waitress.task import WSGITask

_READ = select.POLLIN | select.POLLPRI


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


def _idle(obj) -> bool:
    """A keep-alive connection waiting for its next request and nothing else."""
    return (
        isinstance(obj, HTTPChannel)
        and not obj.requests
        and not obj.total_outbufs_len
        and not obj.will_close
        and not obj.close_when_flushed
    )


class KeptPoll:
    """One poll() whose registrations live across turns (see the module doc)."""

    def __init__(self):
        self.pollster = select.poll()
        self.flags: dict[int, int] = {}
        self.objects: dict[int, object] = {}
        self.hot: set[int] = set()
        self.cleanups: dict[int, float] = {}

    def _maintained(self, map) -> bool:
        """Whether a server ran its maintenance (it may mark idle channels to close)."""
        ran = False
        for fd, obj in map.items():
            stamp = getattr(obj, "next_channel_cleanup", None)
            if stamp is not None and self.cleanups.get(fd) != stamp:
                self.cleanups[fd] = stamp
                ran = True
        return ran

    def turn(self, timeout, map) -> None:
        for fd in self.flags.keys() - map.keys():
            self._forget(fd)
        check = {fd for fd, obj in map.items() if self.objects.get(fd) is not obj}
        check |= self.hot & map.keys()
        # Listeners and the trigger first: a listener's readable() runs maintenance.
        servers = [fd for fd in check if not isinstance(map[fd], HTTPChannel)]
        for fd in servers:
            self._evaluate(fd, map[fd])
        if self._maintained(map):
            check = set(map.keys())
        for fd in check.difference(servers):
            obj = map.get(fd)
            if obj is not None:
                self._evaluate(fd, obj)
        try:
            events = self.pollster.poll(None if timeout is None else int(timeout * 1000))
        except OSError as err:
            if err.args[0] != EINTR:
                raise
            events = []
        for fd, flags in events:
            obj = map.get(fd)
            if obj is None:
                continue
            self.hot.add(fd)
            wasyncore.readwrite(obj, flags)

    def _evaluate(self, fd: int, obj) -> None:
        flags = 0
        if obj.readable():
            flags |= _READ
        if obj.writable() and not obj.accepting:
            flags |= select.POLLOUT
        if flags:
            if self.flags.get(fd) != flags:
                self.pollster.register(fd, flags)
                self.flags[fd] = flags
        elif fd in self.flags:
            self._unregister(fd)
        self.objects[fd] = obj
        if flags == _READ and _idle(obj):
            self.hot.discard(fd)
        else:
            self.hot.add(fd)

    def _unregister(self, fd: int) -> None:
        with contextlib.suppress(KeyError, ValueError, OSError):
            self.pollster.unregister(fd)
        self.flags.pop(fd, None)

    def _forget(self, fd: int) -> None:
        self._unregister(fd)
        self.objects.pop(fd, None)
        self.hot.discard(fd)
        self.cleanups.pop(fd, None)


def _kept_poll_loop(timeout=30.0, use_poll=False, map=None, count=None):
    poller = KeptPoll()
    while map and (count is None or count > 0):
        poller.turn(timeout, map)
        if count is not None:
            count -= 1


# What waitress' server calls as ``self.asyncore.loop``: wasyncore with our loop.
_ASYNCORE = types.SimpleNamespace(**{**vars(wasyncore), "loop": _kept_poll_loop})


def create_server(app, **settings):
    """A waitress server for ``app``; ``settings`` are waitress' own (threads, port …)."""
    settings.setdefault("asyncore_use_poll", True)
    server = waitress.server.create_server(app, **settings)
    listeners = (
        [s for s in server.map.values() if isinstance(s, waitress.server.BaseWSGIServer)]
        if isinstance(server, waitress.server.MultiSocketServer)
        else [server]
    )
    for listener in listeners:
        listener.channel_class = KeepAliveChannel
    server.asyncore = _ASYNCORE
    return server
