"""Content versions per topic, moved in the same transaction as the write.

Each model that feeds a terminal answer names, in ``feed_topics(row)``, the
topics (content_feed/topics.py) one of its rows moves, looking at the row as
it was and as it is now: publishing a public item moves its halls' content,
an internal item or a draft moves nothing, retracting a public answer moves
the hall's answers. A ``before_flush`` hook collects them, takes the next
value of the one sequence (``feed_state``) and writes it as the version of
each topic (``feed_topic``), inside the writing transaction, so a reader
never sees new content with an old version.

Each process keeps every topic's version in memory (:class:`Versions`),
re-reads what changed at most every ``feed.version_ttl_seconds`` (other
processes or nodes may write), and at once after its own commit. Whatever
reads the versions asks ``versions.stamp(topics)``: the newest version among
them, which moves exactly when one of them moves.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable, Iterable
from datetime import datetime

from sqlalchemy import func, inspect, select, text, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import NO_VALUE

from content_feed.db import db
from content_feed.models import FeedState, FeedTopic
from content_feed.public_now import BOUNDARY_COLUMNS
from content_feed.services import services
from content_feed.topics import family_of

BoundarySource = Callable[[Session, datetime], "datetime | None"]
# What moves at a boundary (a given time): the publisher's question (push.py).
BoundaryTopics = Callable[[Session, datetime], "set[str]"]
TopicListener = Callable[[frozenset[str]], None]


class Before:
    """A row as it was before the changes now being flushed.

    Attributes that did not change read as they are; a new row reads as None
    for everything (it was nowhere before).
    """

    def __init__(self, row):
        self._row = row
        self._state = inspect(row)

    def __getattr__(self, name: str):
        if self._state.pending or self._state.transient:
            return None
        attr = self._state.attrs.get(name) if name in self._state.mapper.attrs else None
        if attr is None:
            return getattr(self._row, name)
        history = attr.history
        if not history.has_changes():
            return getattr(self._row, name)
        prop = self._state.mapper.attrs[name]
        if getattr(prop, "uselist", False):
            return list(history.unchanged or ()) + list(history.deleted or ())
        old = history.deleted
        if not old or old[0] is NO_VALUE:
            # The old value was never loaded: say "unknown" so the model can
            # answer broadly (every hall) rather than miss the old one.
            return Unknown
        return old[0]


class AsInserted:
    """A new row as the INSERT will write it: column defaults filled in
    (``Slogan(text=…)`` is active although ``active`` is still None)."""

    def __init__(self, row):
        self._row = row
        self._columns = inspect(type(row)).columns

    def __getattr__(self, name: str):
        value = getattr(self._row, name)
        if value is None and name in self._columns:
            default = self._columns[name].default
            if default is not None and default.is_scalar:
                return default.arg
        return value


class _Unknown:
    def __repr__(self) -> str:
        return "Unknown"

    def __bool__(self) -> bool:
        return True


Unknown = _Unknown()


def topics_moved_by(row, *, deleted: bool = False) -> set[str]:
    """What writing ``row`` moves: its topics as it was, and as it is now."""
    topics_of = getattr(type(row), "feed_topics", None)
    if topics_of is None:
        return set()
    state = inspect(row)
    if not deleted and not state.pending:
        changed = {
            a.key for a in state.attrs if a.history.has_changes() and a.key not in _ignored(row)
        }
        if not changed:
            return set()
    if state.pending:
        return set(topics_of(AsInserted(row)))
    return set(topics_of(row)) | set(topics_of(Before(row)))


def _ignored(row) -> frozenset[str]:
    return getattr(type(row), "__console_only__", frozenset())


def move_topics(session: Session, names: Iterable[str]) -> None:
    """Move ``names`` with the session's next flush, in its transaction: for state
    kept outside FeedContent rows (a hall's queue calls, calling/state.py)."""
    session.info.setdefault("feed_moves", set()).update(names)


def _before_flush(session: Session, flush_context, instances) -> None:
    moved: set[str] = set(session.info.pop("feed_moves", ()))
    for row in session.new:
        moved |= topics_moved_by(row)
    for row in session.dirty:
        moved |= topics_moved_by(row)
    for row in session.deleted:
        moved |= topics_moved_by(row, deleted=True)
    moved -= session.info.get("feed_topics", set())
    if not moved:
        return
    version = session.info.get("feed_seq")
    if version is None:
        from content_feed.models._common import utcnow

        # Taking the sequence locks its row until commit, so versions become
        # visible to readers in the order they were taken.
        session.execute(
            update(FeedState)
            .where(FeedState.id == 1)
            .values(version=FeedState.version + 1, changed_at=utcnow())
        )
        version = session.execute(select(FeedState.version).where(FeedState.id == 1)).scalar()
        session.info["feed_seq"] = version
    _upsert_topics(session, moved, version)
    session.info.setdefault("feed_topics", set()).update(moved)


def _upsert_topics(session: Session, names: Iterable[str], version: int) -> None:
    rows = [{"name": n, "version": version} for n in sorted(names)]
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(FeedTopic).values(rows)
    session.execute(
        stmt.on_conflict_do_update(index_elements=["name"], set_={"version": stmt.excluded.version})
    )


def _after_commit(session: Session) -> None:
    moved = session.info.pop("feed_topics", None)
    session.info.pop("feed_seq", None)
    if moved:
        moved = frozenset(moved)
        for versions in list(Versions.instances):
            versions.committed(moved)


def _after_rollback(session: Session) -> None:
    session.info.pop("feed_moves", None)
    session.info.pop("feed_topics", None)
    session.info.pop("feed_seq", None)


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


# The least time between two re-reads a client's doubt (Versions.doubt) causes.
DOUBT_SECONDS = 0.05


# "Read long ago": older than any TTL. Not 0.0: ``time.monotonic()`` counts from
# boot, so on a machine up for less than a TTL a read "at 0" still looked fresh.
STALE = float("-inf")


class Versions:
    """Per-app, per-process memory of every topic's version and the next boundary."""

    instances: weakref.WeakSet[Versions] = weakref.WeakSet()

    def __init__(self, engine_getter: Callable, clock, ttl: float):
        self._engine_getter = engine_getter
        self._clock = clock
        self._ttl = ttl
        self._lock = threading.Lock()
        self._topics: dict[str, int] = {}
        self._families: dict[str, int] = {}
        self.seq = 0
        self._read_at: float | None = None
        self._boundary: datetime | None = None
        self._boundary_for: int | None = None
        self.boundary_sources: list[BoundarySource] = [_column_boundaries]
        self.boundary_topics: list[BoundaryTopics] = [_column_topics_at]
        self.listeners: list[TopicListener] = []
        Versions.instances.add(self)

    # -- reading ----------------------------------------------------------

    def sync(self) -> int:
        """Re-read what changed if the memory is older than the TTL; the sequence."""
        read_at = self._read_at
        if read_at is not None and time.monotonic() - read_at <= self._ttl:
            return self.seq
        with self._lock:
            if self._read_at is not None and time.monotonic() - self._read_at <= self._ttl:
                return self.seq
            with self._engine_getter().connect() as conn:
                seq = conn.execute(text("SELECT version FROM feed_state WHERE id = 1")).scalar()
                seq = seq or 0
                if seq != self.seq or self._read_at is None:
                    rows = conn.execute(
                        select(FeedTopic.name, FeedTopic.version).where(
                            FeedTopic.version > (self.seq if self._read_at is not None else -1)
                        )
                    ).all()
                    for name, version in rows:
                        self._topics[name] = version
                        fam = family_of(name)
                        if version > self._families.get(fam, 0):
                            self._families[fam] = version
                    self.seq = max(seq, self.seq)
            self._read_at = time.monotonic()
        return self.seq

    def age(self) -> float | None:
        """Seconds since the versions were last read, None if never (or a re-read is due)."""
        read_at = self._read_at
        return time.monotonic() - read_at if read_at else None

    def version_of(self, topic: str) -> int:
        if topic.endswith(":**"):
            return self._families.get(topic[:-3], 0)
        return self._topics.get(topic, 0)

    def stamp(self, topics: Iterable[str]) -> int:
        """The newest version among ``topics``: it moves when any of them moves."""
        self.sync()
        return max((self.version_of(t) for t in topics), default=0)

    def next_boundary(self) -> datetime | None:
        """The earliest future time at which something public appears or goes."""
        seq = self.sync()
        now = self._clock.now()
        boundary = self._boundary
        if self._boundary_for == seq and (boundary is None or boundary > now):
            return boundary
        session = Session(self._engine_getter())
        try:
            candidates = [src(session, now) for src in self.boundary_sources]
        finally:
            session.close()
        boundary = min((c for c in candidates if c is not None), default=None)
        with self._lock:
            self._boundary, self._boundary_for = boundary, seq
        return boundary

    # -- after a commit in this process ---------------------------------

    def committed(self, topics: frozenset[str]) -> None:
        self._read_at = STALE if self._read_at is not None else None
        for listener in list(self.listeners):
            listener(topics)

    def wanted(self, raw: str | None) -> None:
        """A screen was told (push.py) of version ``raw``: if this process has
        not read that far yet, re-read at the next question instead of within
        the TTL. Anything that is not a plain number is ignored."""
        if raw and raw.isdigit() and len(raw) < 19 and int(raw) > self.seq:
            self.forget()

    def doubt(self) -> None:
        """A client holds an answer this process did not give (another node
        had read further): re-read at the next question, but at most every
        DOUBT_SECONDS, so that no client can make every request read."""
        read_at = self._read_at
        if read_at is not None and time.monotonic() - read_at > DOUBT_SECONDS:
            self._read_at = STALE

    def forget(self) -> None:
        """Re-read at the next question (e.g. after another process wrote)."""
        if self._read_at is not None:
            self._read_at = STALE


def _column_boundaries(session: Session, now: datetime) -> datetime | None:
    found = []
    for _model, column, public in BOUNDARY_COLUMNS:
        value = session.execute(select(func.min(column)).where(column > now, public)).scalar()
        if value is not None:
            found.append(value)
    return min(found, default=None)


def _column_topics_at(session: Session, at: datetime) -> set[str]:
    """What moves at ``at`` because a row's visibility time is exactly then."""
    moved: set[str] = set()
    for model, column, public in BOUNDARY_COLUMNS:
        for row in session.execute(select(model).where(column == at, public)).scalars():
            moved |= model.feed_topics(row)
    return moved


def versions(app=None) -> Versions:

    return services(app).versions


__all__ = [
    "Before",
    "Unknown",
    "Versions",
    "versions",
    "install_session_hooks",
    "ensure_feed_state",
    "topics_moved_by",
    "move_topics",
    "db",
]
