"""Daypart edges as a boundary of the feed state: ETags move when a daypart starts or ends."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from content_feed.models import Hall, RotationSchedule
from content_feed.timefmt import zone
from display.rotation import next_edge
from display.screens import all_active_schedules


def daypart_boundary(app):
    default_zone = app.config["SUNLIGHT"]["hall"]["timezone"]

    def next_daypart_edge(session: Session, now: datetime) -> datetime | None:
        rules = all_active_schedules(session)
        if not rules:
            return None
        names = {default_zone} | {
            tz for tz in session.execute(select(Hall.timezone)).scalars() if tz
        }
        edges = [next_edge(rules, now, zone(name)) for name in names]
        return min((e for e in edges if e is not None), default=None)

    return next_daypart_edge


def daypart_topics_at(session: Session, at: datetime) -> set[str]:
    """What may move at a daypart edge: the screens an active schedule targets.

    (Which edge falls at ``at`` needs each hall's zone; waking every scheduled
    screen costs each one conditional GET, and edges are few a day.)"""
    moved: set[str] = set()
    rows = session.execute(select(RotationSchedule).where(RotationSchedule.active.is_(True)))
    for row in rows.scalars():
        moved |= RotationSchedule.feed_topics(row)
    return moved
