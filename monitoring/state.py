"""A terminal's state as the console shows it: 在线, 离线 since when, 按计划关屏;
and which terminals are dark by their power schedule (关屏时段) now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from content_feed.db import db
from content_feed.models import Terminal
from content_feed.presence import last_seen
from display.daypart import Daypart
from display.presence import offline_after
from display.screens import hall_tz
from monitoring.book import book
from monitoring.models import PowerSchedule

ONLINE, OFFLINE, DARK, SWITCHED_OFF, NEVER = "online", "offline", "dark", "switched_off", "never"
STATE_NAMES = {
    ONLINE: "在线",
    OFFLINE: "离线",
    DARK: "按计划关屏",
    SWITCHED_OFF: "已遥控关屏",
    NEVER: "从未连接",
}


@dataclass(frozen=True)
class Seen:
    state: str
    since: datetime | None  # last seen (offline), or None


def daypart_of(row: PowerSchedule) -> Daypart:
    return Daypart(row.day_of_week or "*", row.start_time, row.end_time)


def dark_now(at: datetime) -> frozenset[int]:
    """Terminals whose power schedule says dark at ``at``."""
    rows = db.session.execute(select(PowerSchedule).where(PowerSchedule.active.is_(True))).scalars()
    rows = list(rows)
    if not rows:
        return frozenset()
    found = set()
    for terminal in db.session.execute(select(Terminal).where(Terminal.active.is_(True))).scalars():
        groups = {g.id for g in terminal.groups}
        tz = hall_tz(terminal)
        for row in rows:
            if row.terminal_id != terminal.id and row.group_id not in groups:
                continue
            spans = daypart_of(row).occurrences(at, at + timedelta(seconds=1), tz)
            if any(start <= at < end for start, end in spans):
                found.add(terminal.id)
                break
    return frozenset(found)


def refresh_power(app, at: datetime) -> frozenset[int]:
    dark = dark_now(at)
    book(app).set_dark(dark)
    return dark


def seen(terminal: Terminal, at: datetime, app=None) -> Seen:
    monitor = book(app)
    if monitor.power(terminal.id) == "off":
        return Seen(DARK if terminal.id in monitor.dark else SWITCHED_OFF, None)
    last = last_seen(terminal, app)
    if last is None:
        return Seen(NEVER, None)
    if at - last <= offline_after(terminal.kind):
        return Seen(ONLINE, last)
    return Seen(OFFLINE, last)
