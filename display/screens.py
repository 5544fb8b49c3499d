"""Rows to the plain data of rotation.py: the screen, its schedules, its urgent notices."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from content_feed.models import RotationSchedule, Terminal, UrgentNotice
from content_feed.public_now import current_urgent_notices, surfaces_of
from content_feed.timefmt import zone
from display.daypart import Daypart
from display.rotation import ScheduleRule, Screen, UrgentRule


def hall_tz(terminal: Terminal, default: str | None = None) -> ZoneInfo:
    """Dayparts are read in the hall's own zone, else the configured one."""
    name = (terminal.hall.timezone if terminal.hall else "") or default
    return zone(name or current_app.config["SUNLIGHT"]["hall"]["timezone"])


def screen_of(terminal: Terminal) -> Screen:
    return Screen(
        terminal_id=terminal.id,
        kind=terminal.kind,
        hall_id=terminal.hall_id,
        group_ids=frozenset(g.id for g in terminal.groups),
    )


def rule_of(row: RotationSchedule) -> ScheduleRule:
    return ScheduleRule(
        id=row.id,
        playlist_id=row.playlist_id,
        daypart=Daypart(
            day_of_week=row.day_of_week or "*",
            start=row.start_time or "00:00",
            end=row.end_time or "24:00",
            date_from=row.date_from,
            date_to=row.date_to,
        ),
        priority=row.priority,
        is_default=row.is_default,
        terminal_id=row.terminal_id,
        group_id=row.group_id,
        name=row.name,
    )


def schedules_for(session: Session, screen: Screen) -> list[ScheduleRule]:
    targets = [RotationSchedule.terminal_id == screen.terminal_id]
    if screen.group_ids:
        targets.append(RotationSchedule.group_id.in_(screen.group_ids))
    rows = session.execute(
        select(RotationSchedule).where(RotationSchedule.active.is_(True), or_(*targets))
    ).scalars()
    return [rule_of(r) for r in rows]


def all_active_schedules(session: Session) -> list[ScheduleRule]:
    rows = session.execute(
        select(RotationSchedule).where(RotationSchedule.active.is_(True))
    ).scalars()
    return [rule_of(r) for r in rows]


def urgent_rule_of(notice: UrgentNotice) -> UrgentRule:
    ends = notice.ends_at
    if notice.cancelled_at is not None and notice.cancelled_at < ends:
        ends = notice.cancelled_at
    return UrgentRule(
        id=notice.id,
        starts_at=notice.starts_at,
        ends_at=ends,
        hall_id=notice.hall_id,
        group_id=notice.group_id,
        surfaces=frozenset(surfaces_of(notice)),
    )


def urgent_notices_for(session: Session, screen: Screen, now: datetime) -> list[UrgentNotice]:
    """The notices showing now on this screen (public_now's rule)."""
    return list(
        session.execute(
            current_urgent_notices(
                now, hall_id=screen.hall_id, surface=screen.kind, group_ids=screen.group_ids
            )
        ).scalars()
    )
