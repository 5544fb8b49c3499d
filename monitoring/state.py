"""A terminal's state as the console shows it: 在线, 离线 since when, 按计划关屏;
which terminals are dark by their power schedule (关屏时段) or switched by hand
now; and the process's copy of it all (``fresh``), read from the database."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from content_feed.db import db
from content_feed.models import Terminal
from content_feed.presence import last_seen
from content_feed.services import services
from content_feed.versioning import move_topics
from display.daypart import Daypart
from display.presence import offline_after
from display.screens import hall_tz
from monitoring.book import COMMANDS, POWER, Pending, Power, book
from monitoring.models import PowerSchedule, TerminalCommand

log = logging.getLogger(__name__)

ONLINE, OFFLINE, DARK, SWITCHED_OFF, NEVER = "online", "offline", "dark", "switched_off", "never"
STATE_NAMES = {
    ONLINE: "在线",
    OFFLINE: "离线",
    DARK: "按计划关屏",
    SWITCHED_OFF: "已遥控关屏",
    NEVER: "从未连接",
}
# A switch by hand older than this is over if the terminal's schedule has any edge
# in the last HAND_HORIZON (looking further back would read months of occurrences).
HAND_HORIZON = timedelta(days=14)


@dataclass(frozen=True)
class Seen:
    state: str
    since: datetime | None  # last seen (offline), or None


def daypart_of(row: PowerSchedule) -> Daypart:
    return Daypart(row.day_of_week or "*", row.start_time, row.end_time)


def _schedules_by_terminal() -> dict[Terminal, list[PowerSchedule]]:
    rows = list(
        db.session.execute(select(PowerSchedule).where(PowerSchedule.active.is_(True))).scalars()
    )
    found: dict[Terminal, list[PowerSchedule]] = {}
    if not rows:
        return found
    by_terminal, by_group = defaultdict(list), defaultdict(list)
    for row in rows:
        if row.terminal_id is not None:
            by_terminal[row.terminal_id].append(row)
        if row.group_id is not None:
            by_group[row.group_id].append(row)
    # Groups and halls in two queries, not two per terminal: this runs on a heartbeat.
    terminals = db.session.execute(
        select(Terminal)
        .where(Terminal.active.is_(True))
        .options(selectinload(Terminal.groups), selectinload(Terminal.hall))
    ).scalars()
    for terminal in terminals:
        mine = list(by_terminal.get(terminal.id, ()))
        for group in terminal.groups:
            mine += by_group.get(group.id, ())
        if mine:
            found[terminal] = mine
    return found


def dark_now(at: datetime, schedules=None) -> frozenset[int]:
    """Terminals whose power schedule says dark at ``at``."""
    found = set()
    for terminal, rows in (schedules or _schedules_by_terminal()).items():
        tz = hall_tz(terminal)
        for row in rows:
            spans = daypart_of(row).occurrences(at, at + timedelta(seconds=1), tz)
            if any(start <= at < end for start, end in spans):
                found.add(terminal.id)
                break
    return frozenset(found)


def _edge_between(terminal: Terminal, rows: list[PowerSchedule], since, until) -> bool:
    """Whether any of the terminal's schedules starts or ends in (since, until]."""
    tz = hall_tz(terminal)
    for row in rows:
        for start, end in daypart_of(row).occurrences(since, until, tz):
            if since < start <= until or since < end <= until:
                return True
    return False


def by_hand(at: datetime, schedules) -> dict[int, str]:
    """Each terminal's last 关屏 / 开屏 by hand, while its schedule has not changed since."""
    last = (
        select(func.max(TerminalCommand.id))
        .where(TerminalCommand.action.in_(("off", "on")))
        .group_by(TerminalCommand.terminal_id)
    )
    rows = db.session.execute(select(TerminalCommand).where(TerminalCommand.id.in_(last)))
    mine = {t.id: (t, r) for t, r in schedules.items()}
    found = {}
    for command in rows.scalars():
        terminal, scheduled = mine.get(command.terminal_id, (None, None))
        if terminal is not None:
            since = max(command.created_at, at - HAND_HORIZON)
            if command.created_at < since or _edge_between(terminal, scheduled, since, at):
                continue
        found[command.terminal_id] = command.action
    return found


def read_pending(at: datetime) -> dict[int, dict[int, Pending]]:
    """The commands waiting, by terminal: not acknowledged, not lapsed."""
    pending: dict[int, dict[int, Pending]] = defaultdict(dict)
    rows = db.session.execute(
        select(TerminalCommand).where(
            TerminalCommand.acknowledged_at.is_(None), TerminalCommand.expires_at > at
        )
    ).scalars()
    for c in rows:
        pending[c.terminal_id][c.id] = Pending(c.id, c.action, c.expires_at)
    return dict(pending)


def read_power(at: datetime, version: int) -> Power:
    schedules = _schedules_by_terminal()
    return Power(dark_now(at, schedules), by_hand(at, schedules), version, at)


def fresh(app, at: datetime, force: bool = False) -> None:
    """Re-read the process's copy of what another write changed (its topic moved),
    and the power state when it is older than REFRESH (schedules change with the
    clock). One thread reads; others meanwhile answer from the old copy."""
    monitor = book(app)
    versions = services(app).versions
    versions.sync()
    commands_version, power_version = versions.version_of(COMMANDS), versions.version_of(POWER)
    commands, power = monitor.stale(commands_version, power_version, at)
    if not (force or commands or power):
        return
    if not monitor.reading.acquire(blocking=force):
        return
    try:
        with app.app_context():
            try:
                if force or commands:
                    monitor.load_commands(read_pending(at), commands_version)
                if force or power:
                    monitor.load_power(read_power(at, power_version))
            finally:
                db.session.rollback()
    finally:
        monitor.reading.release()


def write_acks(app) -> None:
    """Acknowledgements noted in memory by heartbeats, on their rows, at once: the
    other nodes then stop handing the command out."""
    monitor = book(app)
    acks = monitor.take_acks()
    if not acks:
        return
    with app.app_context():
        try:
            for ident, at in acks.items():
                command = db.session.get(TerminalCommand, ident)
                if command is not None and command.acknowledged_at is None:
                    command.acknowledged_at = at
            move_topics(db.session, [COMMANDS])  # with the flush of the rows changed
            db.session.commit()
        except Exception:  # the database away: the next heartbeat or watch writes them
            db.session.rollback()
            monitor.give_back(acks)
            log.exception("acknowledgements not written")


def lit(app, terminal_id: int, at: datetime) -> bool:
    """Whether the screen should be lit now (the LED sender asks)."""
    fresh(app, at)
    return book(app).power(terminal_id) != "off"


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
