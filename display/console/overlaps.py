"""Schedules that another hides: for each screen, the next two weeks as it will
play them, and the time each schedule is in force but another one wins."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import select

from content_feed.db import db
from content_feed.models import RotationSchedule, Terminal
from display.rotation import day_timeline
from display.screens import hall_tz, rule_of, screen_of

AHEAD = timedelta(days=14)


def hidden_schedules(at: datetime) -> dict[int, str]:
    """Schedule id -> a sentence saying which schedule hides it, and how much."""
    rows = db.session.execute(
        select(RotationSchedule).where(RotationSchedule.active.is_(True))
    ).scalars()
    rules = [rule_of(r) for r in rows]
    names = {r.id: r.name or "未命名计划" for r in rules}
    in_force: dict[int, float] = defaultdict(float)
    lost: dict[int, float] = defaultdict(float)
    winners: dict[int, set[str]] = defaultdict(set)
    terminals = db.session.execute(
        select(Terminal).where(Terminal.kind.in_(("wall", "led")), Terminal.active.is_(True))
    ).scalars()
    for terminal in terminals:
        screen, tz = screen_of(terminal), hall_tz(terminal)
        mine = [r for r in rules if r.targets(screen)]
        if len(mine) < 2:
            continue
        segments = day_timeline(screen, mine, [], at, at + AHEAD, tz)
        for rule in mine:
            for start, end in rule.daypart.occurrences(at, at + AHEAD, tz):
                for s_from, s_to, decision in segments:
                    overlap = (min(end, s_to) - max(start, s_from)).total_seconds()
                    if overlap <= 0:
                        continue
                    in_force[rule.id] += overlap
                    if decision.schedule_id != rule.id:
                        lost[rule.id] += overlap
                        winners[rule.id].add(names.get(decision.schedule_id, "其他计划"))
    found = {}
    for ident, seconds in lost.items():
        by = "、".join(f"“{n}”" for n in sorted(winners[ident]))
        if seconds >= in_force[ident] - 1:
            found[ident] = f"未来两周完全被 {by} 遮住，不会播放"
        else:
            found[ident] = f"部分时段被 {by} 遮住"
    return found
