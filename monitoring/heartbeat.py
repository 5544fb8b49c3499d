"""The heartbeat reply's fields for walls: the commands waiting for them and their
power state; a reported acknowledgement is written at once (every node shares it)."""

from __future__ import annotations

from datetime import datetime

from monitoring.book import book
from monitoring.state import fresh, write_acks


def heartbeat_extra(app, card, beat, at: datetime) -> dict:
    if card.kind != "wall":
        return {}
    fresh(app, at)
    monitor = book(app)
    commands = monitor.heartbeat(card.id, beat.done, beat.power, at)
    write_acks(app)
    return {"commands": commands or None, "power": monitor.power(card.id)}
