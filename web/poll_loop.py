"""Waitress' event loop, without visiting every open connection on every turn.

Waitress (``wasyncore.poll2``) asks each connection of its map whether it is
readable and writable, and registers it with a new ``poll`` set, on every
turn; a turn comes with every request and every answer. A node that holds a
thousand terminals' keep-alive connections, nearly all idle between polls,
then spends about half its core there (py-spy on ``bench/hall.py``).

Here the registrations stay in one ``epoll`` set between turns. A turn asks
again only:

* connections that are busy: a request in service, output pending, closing
  (what changes them, a task thread, pulls waitress' trigger, which ends the turn);
* connections that had an event in the turn before, or are new in the map;
* everything that is not a connection: the listener (its ``readable()`` runs
  waitress' maintenance) and the trigger;
* and every connection once a second, for what changes with no event
  (maintenance marking an idle connection to close).

An idle connection (no request, nothing to send) is registered for reading
and costs nothing until its terminal sends again. The flags asked for, and the
handling of each event (``wasyncore.readwrite``), are waitress' own.
"""

from __future__ import annotations

import contextlib
import select
import time

from waitress import wasyncore
from waitress.channel import HTTPChannel
from waitress.server import MultiSocketServer

SWEEP_SECONDS = 1.0
READ = select.POLLIN | select.POLLPRI


class TrackedMap(dict):
    """Waitress' map of descriptors to dispatchers, noting which descriptors
    changed hands (a closed connection's number is soon another's)."""

    def __init__(self, *args):
        super().__init__(*args)
        self.changed: set[int] = set(self)

    def __setitem__(self, fd, obj):
        self.changed.add(fd)
        super().__setitem__(fd, obj)

    def __delitem__(self, fd):
        self.changed.add(fd)
        super().__delitem__(fd)

    def pop(self, fd, *default):
        self.changed.add(fd)
        return super().pop(fd, *default)


def track(server) -> TrackedMap:
    """Put a TrackedMap in place of ``server``'s map (``_map`` of one listener,
    ``map`` of several), in every dispatcher holding it."""
    name = "map" if isinstance(server, MultiSocketServer) else "_map"
    old = getattr(server, name)
    tracked = TrackedMap(old)
    for obj in set(old.values()):
        if getattr(obj, "_map", None) is old:
            obj._map = tracked
    setattr(server, name, tracked)
    return tracked


def _flags(obj) -> int:
    flags = READ if obj.readable() else 0
    if obj.writable() and not obj.accepting:
        flags |= select.POLLOUT
    return flags


def _idle(obj) -> bool:
    return (
        isinstance(obj, HTTPChannel)
        and not obj.requests
        and not obj.total_outbufs_len
        and not obj.will_close
        and not obj.close_when_flushed
    )


class Poller:
    def __init__(self, map: TrackedMap):
        self.map = map
        self.epoll = select.epoll()
        self.registered: dict[int, int] = {}  # fd → flags in the epoll set
        self.watch: set[int] = set()  # fds asked again on every turn
        self.events: set[int] = set()  # fds that had an event last turn
        self.swept = 0.0

    def _forget(self, fd: int) -> None:
        if self.registered.pop(fd, None) is not None:
            # Gone already if its socket was closed (epoll drops closed files).
            with contextlib.suppress(OSError, ValueError):
                self.epoll.unregister(fd)
        self.watch.discard(fd)

    def _ask(self, fd: int, obj) -> None:
        flags = _flags(obj)
        held = self.registered.get(fd)
        if flags != held:
            if not flags:
                # As poll2: a descriptor that wants nothing is not watched at all.
                self._forget(fd)
                return self._keep(fd, obj, flags)
            try:
                self._register(fd, flags, held)
            except OSError:
                # A descriptor closed under its dispatcher: poll() would answer
                # POLLNVAL for it, and waitress closes the channel (readwrite).
                self._forget(fd)
                wasyncore.readwrite(obj, select.POLLNVAL)
                return None
            self.registered[fd] = flags
        return self._keep(fd, obj, flags)

    def _register(self, fd: int, flags: int, held: int | None) -> None:
        if held is not None:
            with contextlib.suppress(FileNotFoundError):
                return self.epoll.modify(fd, flags)
        try:
            self.epoll.register(fd, flags)
        except FileExistsError:
            self.epoll.modify(fd, flags)

    def _keep(self, fd: int, obj, flags: int) -> None:
        if _idle(obj) and flags == READ:
            self.watch.discard(fd)
        else:
            self.watch.add(fd)

    def turn(self, timeout: float) -> None:
        map = self.map
        changed, map.changed = map.changed, set()
        for fd in changed:
            self._forget(fd)
        now = time.monotonic()
        if now - self.swept >= SWEEP_SECONDS:
            self.swept = now
            asks = list(map)
        else:
            asks = self.watch | self.events | changed
        for fd in asks:
            obj = map.get(fd)
            if obj is None:
                self._forget(fd)
            else:
                self._ask(fd, obj)
        ready = self.epoll.poll(timeout)
        self.events = set()
        for fd, flags in ready:
            obj = map.get(fd)
            if obj is None:
                continue
            self.events.add(fd)
            wasyncore.readwrite(obj, flags)

    def close(self) -> None:
        self.epoll.close()


class EpollLoop:
    """Stands in for the ``wasyncore`` module where a waitress server runs its loop
    (``server.asyncore``, waitress' own seam for tests)."""

    dispatcher = wasyncore.dispatcher

    @staticmethod
    def loop(timeout=30.0, use_poll=False, map=None, count=None):
        poller = Poller(map)
        try:
            while map:
                poller.turn(timeout)
        finally:
            poller.close()


def install(server) -> None:
    """Run ``server`` (waitress' ``create_server``) on the Poller."""
    track(server)
    server.asyncore = EpollLoop
