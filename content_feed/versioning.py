"""The content version and the next visibility boundary, cheap to ask on every poll.

A write to any feed content bumps ``feed_state.version`` inside the same
transaction (a ``before_flush`` hook), so a reader never sees new content with
an old version. Each process keeps the version in memory, re-reads it at most
every ``feed.version_ttl_seconds`` (other processes or nodes may write), and
forgets it at once after its own commit. The pair (version, next boundary)
names the state of everything public: it is the ETag of every feed answer.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from content_feed.db import db
from content_feed.models import FeedState
from content_feed.public_now import BOUNDARY_COLUMNS

# Part of every ETag so that a new release never serves an old shape as fresh.
BUILD = "1"

BoundarySource = Callable[[Session, datetime], "datetime | None"]


def _is_feed_change(session: Session) -> bool:
    for obj in session.new | session.deleted:
        if getattr(obj, "__feed_content__", False):
            return True
    for obj in session.dirty:
        if (
            getattr(obj, "__feed_content__", False)
            and session.is_modified(obj)
            and obj.feed_relevant()
        ):
            return True
    return False


def _before_flush(session: Session, flush_context, instances) -> None:
    if session.info.get("feed_bumped") or not _is_feed_change(session):
        return
    from content_feed.models._common import utcnow

    session.execute(
        update(FeedState)
        .where(FeedState.id == 1)
        .values(version=FeedState.version + 1, changed_at=utcnow())
    )
    session.info["feed_bumped"] = True


def _after_commit(session: Session) -> None:
    if session.info.pop("feed_bumped", False):
        for state in list(FeedVersion.instances):
            state.forget()


def _after_rollback(session: Session) -> None:
    session.info.pop("feed_bumped", None)


def install_session_hooks() -> None:
    """Listen on every Session once per process."""
    from sqlalchemy import event

    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_soft_rollback", lambda s, t: _after_rollback(s))


def ensure_feed_state(session: Session) -> None:
    if session.get(FeedState, 1) is None:
        session.add(FeedState(id=1, version=1))
        session.commit()


class FeedVersion:
    """Per-app, per-process memory of (version, next boundary)."""

    instances: weakref.WeakSet[FeedVersion] = weakref.WeakSet()

    def __init__(self, engine_getter: Callable, clock, ttl: float):
        self._engine_getter = engine_getter
        self._clock = clock
        self._ttl = ttl
        self._lock = threading.Lock()
        self._version: int | None = None
        self._read_at = 0.0
        self._boundary: datetime | None = None
        self._boundary_for: int | None = None
        self._boundary_known = False
        self.boundary_sources: list[BoundarySource] = [_column_boundaries]
        FeedVersion.instances.add(self)

    def forget(self) -> None:
        self._read_at = 0.0
        self._boundary_known = False

    def version(self) -> int:
        if self._version is None or time.monotonic() - self._read_at > self._ttl:
            with self._engine_getter().connect() as conn:
                value = conn.execute(text("SELECT version FROM feed_state WHERE id = 1")).scalar()
            with self._lock:
                if value != self._version:
                    self._boundary_known = False
                self._version = value or 0
                self._read_at = time.monotonic()
        return self._version

    def next_boundary(self) -> datetime | None:
        """The earliest future time at which something public appears or goes."""
        version = self.version()
        now = self._clock.now()
        if (
            self._boundary_known
            and self._boundary_for == version
            and (self._boundary is None or self._boundary > now)
        ):
            return self._boundary
        session = Session(self._engine_getter())
        try:
            candidates = [src(session, now) for src in self.boundary_sources]
        finally:
            session.close()
        boundary = min((c for c in candidates if c is not None), default=None)
        with self._lock:
            self._boundary, self._boundary_for, self._boundary_known = boundary, version, True
        return boundary

    def etag(self) -> str:
        version = self.version()
        boundary = self.next_boundary()
        edge = int(boundary.timestamp()) if boundary else 0
        return f'"{version}-{edge}-{BUILD}"'


def _column_boundaries(session: Session, now: datetime) -> datetime | None:
    found = []
    for _model, column in BOUNDARY_COLUMNS:
        value = session.execute(select(func.min(column)).where(column > now)).scalar()
        if value is not None:
            found.append(value)
    return min(found, default=None)


def feed_version(app=None) -> FeedVersion:
    from flask import current_app

    return (app or current_app).extensions["sunlight.feed_version"]


__all__ = ["FeedVersion", "feed_version", "install_session_hooks", "ensure_feed_state", "db"]
