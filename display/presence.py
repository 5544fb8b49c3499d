"""Heartbeats: when a terminal was last seen and what it said it shows.

Terminal rows are not feed content, so these writes never move the feed
version. LED controllers that only pull frames are marked seen too, at most
once per poll interval so that pulls do not turn into a write each.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from flask import current_app, request

from content_feed.db import db
from content_feed.models import Terminal

_last_write: dict[int, datetime] = {}
_lock = threading.Lock()


def poll_seconds() -> int:
    return current_app.config["SUNLIGHT"]["display"]["poll_seconds"]


def offline_after() -> timedelta:
    settings = current_app.config["SUNLIGHT"]["display"]
    return timedelta(seconds=settings["poll_seconds"] * settings["offline_after_polls"])


def is_online(terminal: Terminal, now: datetime) -> bool:
    return terminal.last_seen_at is not None and now - terminal.last_seen_at <= offline_after()


def record(terminal: Terminal, now: datetime, *, throttle: bool = False, **fields) -> bool:
    """Note that ``terminal`` was seen; returns False when throttled."""
    if throttle:
        with _lock:
            last = _last_write.get(terminal.id)
            if last is not None and now - last < timedelta(seconds=poll_seconds()):
                return False
            _last_write[terminal.id] = now
    terminal.last_seen_at = now
    terminal.last_address = (request.remote_addr or "")[:60]
    for name in ("last_version", "last_program", "last_page"):
        if name in fields and fields[name] is not None:
            setattr(terminal, name, str(fields[name])[: Terminal.__table__.c[name].type.length])
    db.session.commit()
    return True
