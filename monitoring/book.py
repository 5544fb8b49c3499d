"""What monitoring keeps in memory, so a screen's heartbeat is answered without
the database (the heartbeat's fast path): the commands waiting for each screen,
acknowledgements not yet written, which terminals are dark by their power
schedule now, and the screens switched off or on by hand."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime

from flask import current_app

EXTENSION = "sunlight.monitoring"


@dataclass(frozen=True)
class Pending:
    id: int
    action: str
    expires_at: datetime


class MonitorBook:
    def __init__(self):
        self._lock = threading.Lock()
        self._pending: dict[int, dict[int, Pending]] = {}
        self._acked: dict[int, datetime] = {}
        self.dark: frozenset[int] = frozenset()
        # terminal id -> "off" / "on" by hand, until its power schedule next changes
        self._by_hand: dict[int, str] = {}
        self._reported: dict[int, str] = {}

    def add(self, terminal_id: int, command: Pending) -> None:
        with self._lock:
            self._pending.setdefault(terminal_id, {})[command.id] = command
            if command.action in ("off", "on"):
                self._by_hand[terminal_id] = command.action

    def set_dark(self, dark: frozenset[int]) -> None:
        """The scheduled dark terminals now; a change of schedule ends a switch by hand."""
        with self._lock:
            changed = dark ^ self.dark
            for terminal_id in changed:
                self._by_hand.pop(terminal_id, None)
            self.dark = dark

    def power(self, terminal_id: int) -> str:
        hand = self._by_hand.get(terminal_id)
        if hand:
            return hand
        return "off" if terminal_id in self.dark else "on"

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
            for ident in [i for i, c in waiting.items() if c.expires_at <= at]:
                del waiting[ident]
            return [{"id": c.id, "action": c.action} for c in waiting.values()]

    def acked(self, ident: int) -> datetime | None:
        return self._acked.get(ident)

    def take_acks(self) -> dict[int, datetime]:
        with self._lock:
            taken, self._acked = self._acked, {}
            return taken


def book(app=None) -> MonitorBook:
    return (app or current_app).extensions[EXTENSION]


def heartbeat_extra(app, card, beat, at: datetime) -> dict:
    """The heartbeat reply's commands and power state, for walls (their player obeys)."""
    if card.kind != "wall":
        return {}
    monitor = book(app)
    commands = monitor.heartbeat(card.id, beat.done, beat.power, at)
    return {"commands": commands or None, "power": monitor.power(card.id)}
