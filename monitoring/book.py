"""What monitoring keeps in memory, so a screen's heartbeat is answered without
reading the database each time (the heartbeat's fast path): the commands waiting
for each screen, which terminals are dark by their power schedule, and the
screens switched off or on by hand.

The database is the truth, shared by every node; this is each process's copy of
it (``monitoring.state.fresh`` re-reads it). A write (a command queued, an
acknowledgement, a power schedule saved) moves the ``TOPIC`` in its transaction,
so every node re-reads within ``feed.version_ttl_seconds``; power schedules
change with the clock, so the copy is also re-read every ``REFRESH``."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app

EXTENSION = "sunlight.monitoring"
TOPIC = "monitor:state"  # no screen's answer reads it: it moves no ETag, wakes no screen
REFRESH = timedelta(seconds=30)


@dataclass(frozen=True)
class Pending:
    id: int
    action: str
    expires_at: datetime


@dataclass(frozen=True)
class Snapshot:
    """What the database said at ``read_at`` (with the topic at ``version``)."""

    pending: dict[int, dict[int, Pending]] = field(default_factory=dict)
    dark: frozenset[int] = frozenset()
    by_hand: dict[int, str] = field(default_factory=dict)  # terminal id -> "off" / "on"
    version: int = -1
    read_at: datetime | None = None


class MonitorBook:
    def __init__(self):
        self._lock = threading.Lock()
        self.reading = threading.Lock()  # one re-read at a time; others use the old copy
        self.snapshot = Snapshot()
        self._acked: dict[int, datetime] = {}  # noted here, not yet written
        self._reported: dict[int, str] = {}

    def stale(self, version: int, at: datetime) -> bool:
        read_at = self.snapshot.read_at
        return (
            read_at is None
            or version != self.snapshot.version
            or not read_at <= at < read_at + REFRESH
        )

    def load(self, snapshot: Snapshot) -> None:
        with self._lock:
            # Acknowledged here but not yet written: not to be handed out again.
            for waiting in snapshot.pending.values():
                for ident in self._acked:
                    waiting.pop(ident, None)
            self.snapshot = snapshot

    @property
    def dark(self) -> frozenset[int]:
        return self.snapshot.dark

    def power(self, terminal_id: int) -> str:
        hand = self.snapshot.by_hand.get(terminal_id)
        if hand:
            return hand
        return "off" if terminal_id in self.snapshot.dark else "on"

    def reported_power(self, terminal_id: int) -> str | None:
        return self._reported.get(terminal_id)

    def heartbeat(self, terminal_id: int, done, power, at: datetime) -> list[dict]:
        """Note what the screen did and says; the commands it still has to do."""
        with self._lock:
            waiting = self.snapshot.pending.get(terminal_id, {})
            for ident in done or ():
                if waiting.pop(ident, None) is not None:
                    self._acked[ident] = at
            if power:
                self._reported[terminal_id] = power
            return [{"id": c.id, "action": c.action} for c in waiting.values() if c.expires_at > at]

    def acked(self, ident: int) -> datetime | None:
        return self._acked.get(ident)

    def take_acks(self) -> dict[int, datetime]:
        with self._lock:
            taken, self._acked = self._acked, {}
            return taken

    def give_back(self, acks: dict[int, datetime]) -> None:
        """Acknowledgements that could not be written: again next time."""
        with self._lock:
            self._acked = {**acks, **self._acked}


def book(app=None) -> MonitorBook:
    return (app or current_app).extensions[EXTENSION]
