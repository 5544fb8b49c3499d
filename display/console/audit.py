"""Every change made in the display console goes on the audit ledger, through the
helper the rest of the console uses (content_feed.ledger.record_change): what a
terminal, playlist or schedule looked like before and after, who, and when."""

from __future__ import annotations

from datetime import date, datetime, time

from flask_login import current_user

from content_feed import ledger
from content_feed.clock import now
from content_feed.db import db

TERMINAL_FIELDS = (
    "code", "name", "kind", "hall_id", "width", "height", "color_mode", "led_color",
    "font_size", "scroll_speed", "active",
)  # fmt: skip
SCHEDULE_FIELDS = (
    "name", "playlist_id", "terminal_id", "group_id", "is_default", "priority",
    "date_from", "date_to", "day_of_week", "start_time", "end_time", "active",
)  # fmt: skip


def _plain(value):
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return value


def state(obj, fields) -> dict:
    """The listed attributes of ``obj`` that it has, as JSON-friendly values."""
    return {f: _plain(getattr(obj, f)) for f in fields if hasattr(obj, f)}


def terminal_state(terminal) -> dict:
    data = state(terminal, TERMINAL_FIELDS)
    data["groups"] = sorted(g.name for g in terminal.groups)
    return data


def schedule_state(schedule) -> dict:
    return state(schedule, SCHEDULE_FIELDS)


def playlist_state(playlist) -> dict:
    return {
        "name": playlist.name,
        "entries": [
            f"{e.kind} {e.params or {}} {e.duration_seconds}s"
            for e in sorted(playlist.entries, key=lambda e: e.sort_order)
        ],
    }


def note(action: str, obj, before: dict | None, after: dict, summary: str) -> bool:
    """Record ``action`` on ``obj`` in the caller's transaction (it commits with it)."""
    return ledger.record_change(
        db.session,
        action,
        obj,
        before,
        after,
        actor=current_user._get_current_object(),
        at=now(),
        summary=summary,
    )
