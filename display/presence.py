"""Whether a screen is online: its last heartbeat or pull, from the presence book."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app

from content_feed.api.heartbeat import report_seconds
from content_feed.models import Terminal
from content_feed.presence import last_seen


def poll_seconds() -> int:
    return current_app.config["SUNLIGHT"]["display"]["poll_seconds"]


def offline_after(kind: str = "wall") -> timedelta:
    """Silence after which a terminal shows offline: a few of its report intervals."""
    settings = current_app.config["SUNLIGHT"]
    every = report_seconds(settings, kind)
    return timedelta(seconds=every * settings["display"]["offline_after_polls"])


def is_online(terminal: Terminal, now: datetime) -> bool:
    seen = last_seen(terminal)
    return seen is not None and now - seen <= offline_after(terminal.kind)
