"""What monitoring keeps in memory, so a screen's heartbeat is answered without
reading the database each time (the heartbeat's fast path): the commands waiting
for each screen, which terminals are dark by their power schedule, and the
screens switched off or on by hand.

The database is the truth, shared by every node; this is each process's copy of
it (``monitoring.state.fresh`` re-reads it). A write moves a topic in its own
transaction, so every node re-reads within ``feed.version_ttl_seconds``: ``COMMANDS``
(a command queued or acknowledged: the commands waiting are read again, one query)
and ``POWER`` (a power schedule saved or deleted, 关屏 / 开屏 by hand: which screens
are dark is worked out again). Power schedules change with the clock, so the power
state is also re-read every ``REFRESH``. Neither topic is read by a screen's answer:
they move no ETag and wake no screen."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app

EXTENSION = "sunlight.monitoring"
COMMANDS = "monitor:commands"
POWER = "monitor:power"
REFRESH = timedelta(seconds=30)


@dataclass(frozen=True)
class Pending:
    id: int
    action: str
    expires_at: datetime


@dataclass(frozen=True)
class Power:
    """Which screens are dark, as the database said at ``read_at`` (``POWER`` at
    ``version``)."""

    dark: frozenset[int] = frozenset()
    by_hand: dict[int, str] = field(default_factory=dict)  # terminal id -> "off" / "on"
    version: int = -1
    read_at: datetime | None = None


class MonitorBook:
    def __init__(self):
        self._lock = threading.Lock()
        self.reading = threading.Lock()  # one re-read at a time; others use the old copy
        self._pending: dict[int, dict[int, Pending]] = {}
        self.commands_version = -1
        self.power_state = Power()
        self._acked: dict[int, datetime] = {}  # noted here, not yet written
        self._reported: dict[int, str] = {}

    def stale(self, commands_version: int, power_version: int, at: datetime) -> tuple[bool, bool]:
        """(the commands, the power state) to be read again."""
        read_at = self.power_state.read_at
        power = (
            read_at is None
            or power_version != self.power_state.version
            or not read_at <= at < read_at + REFRESH
        )
        return commands_version != self.commands_version, power

    def load_commands(self, pending: dict[int, dict[int, Pending]], version: int) -> None:
        with self._lock:
            # Acknowledged here but not yet written: not to be handed out again.
            for waiting in pending.values():
                for ident in self._acked:
                    waiting.pop(ident, None)
            self._pending, self.commands_version = pending, version

    def load_power(self, power: Power) -> None:
        self.power_state = power

    @property
    def dark(self) -> frozenset[int]:
        return self.power_state.dark

    def power(self, terminal_id: int) -> str:
        hand = self.power_state.by_hand.get(terminal_id)
        if hand:
            return hand
        return "off" if terminal_id in self.power_state.dark else "on"

    def reported_power(self, terminal_id: int) -> str | None:
        return self._reported.get(terminal_id)

    def heartbeat(self, terminal_id: int, done, power, at: datetime) -> list[dict]:
        """Note what the screen did and says; the commands it still has to do."""
        with self._lock:
            waiting = self._pending.get(terminal_id, {})
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
