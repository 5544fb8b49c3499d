"""What terminals say of themselves, kept in memory and written together.

A heartbeat (kiosk or screen), an LED pull and an urgent-notice confirmation
each note a mark here, in memory, on the request thread; a flusher writes
every pending mark in one transaction every ``presence.flush_seconds``. No
poll turns into a row write, and what a crash loses is at most one flush
interval of "last seen" (the next heartbeat puts it right) and of first
confirmations (the screen confirms again at its next poll of the notice).

The console reads last seen as the later of the database and this process's
pending marks, so on one node it is right at once and on several nodes
within one flush.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam, or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from content_feed.models import Terminal, UrgentNoticeAck
from content_feed.services import services

log = logging.getLogger(__name__)

# Longest text kept of what a terminal reports, by column.
FIELDS = {"last_page": 300, "last_version": 60, "last_program": 200}


def clean_text(value, limit: int) -> str | None:
    """A reported value as text fit for a column, or None when not given."""
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    # Lone surrogates and control characters never reach the database.
    text = text.encode("utf-8", "replace").decode("utf-8")
    text = "".join(ch for ch in text if ch >= " " or ch == "\t")
    return text[:limit]


@dataclass
class Mark:
    seen_at: datetime
    address: str = ""
    fields: dict[str, str] = field(default_factory=dict)


class PresenceBook:
    def __init__(self):
        self._marks: dict[int, Mark] = {}
        self._acks: dict[tuple[int, int], tuple[datetime, datetime]] = {}
        self._lock = threading.Lock()
        self.flushes = 0

    # -- on request threads: memory only ---------------------------------

    def seen(self, terminal_id: int, at: datetime, address: str = "", **reported) -> None:
        values = {}
        for name, limit in FIELDS.items():
            text = clean_text(reported.get(name), limit)
            if text is not None:
                values[name] = text
        with self._lock:
            mark = self._marks.get(terminal_id)
            if mark is None or at >= mark.seen_at:
                merged = {**mark.fields, **values} if mark else values
                self._marks[terminal_id] = Mark(at, (address or "")[:60], merged)

    def confirmed(self, notice_id: int, terminal_id: int, at: datetime) -> datetime:
        """Note that ``terminal_id`` shows ``notice_id``; the first time it was seen to."""
        key = (notice_id, terminal_id)
        with self._lock:
            first, last = self._acks.get(key, (at, at))
            self._acks[key] = (min(first, at), max(last, at))
            return self._acks[key][0]

    def pending_seen(self, terminal_id: int) -> datetime | None:
        mark = self._marks.get(terminal_id)
        return mark.seen_at if mark else None

    def pending_confirmation(self, notice_id: int, terminal_id: int):
        return self._acks.get((notice_id, terminal_id))

    def pending(self) -> int:
        return len(self._marks) + len(self._acks)

    # -- the flusher: one transaction for everything pending ---------------

    def flush(self, session: Session) -> int:
        with self._lock:
            marks, self._marks = self._marks, {}
            acks, self._acks = self._acks, {}
        if not marks and not acks:
            return 0
        try:
            self._write(session, marks, acks)
            session.commit()
        except SQLAlchemyError:
            session.rollback()
            log.exception("presence flush failed; keeping %d marks for the next", len(marks))
            self._restore(marks, acks)
            return 0
        self.flushes += 1
        return len(marks) + len(acks)

    def _write(self, session, marks: dict[int, Mark], acks) -> None:
        # One executemany per set of reported fields (Core: presence columns are
        # console-only, no topic moves), never a statement per terminal.
        by_fields: dict[tuple, list[dict]] = defaultdict(list)
        for terminal_id, mark in marks.items():
            names = tuple(sorted(mark.fields))
            by_fields[names].append(
                {"tid": terminal_id, "seen": mark.seen_at, "addr": mark.address, **mark.fields}
            )
        table = Terminal.__table__
        for names, rows in by_fields.items():
            stmt = (
                table.update()
                .where(table.c.id == bindparam("tid"))
                .where(
                    or_(table.c.last_seen_at.is_(None), table.c.last_seen_at <= bindparam("seen"))
                )
                .values(
                    last_seen_at=bindparam("seen"),
                    last_address=bindparam("addr"),
                    **{name: bindparam(name) for name in names},
                )
            )
            session.connection().execute(stmt, rows)
        if not acks:
            return
        notice_ids = {n for n, _ in acks}
        existing = {
            (a.notice_id, a.terminal_id): a
            for a in session.execute(
                select(UrgentNoticeAck).where(UrgentNoticeAck.notice_id.in_(notice_ids))
            ).scalars()
        }
        for key, (first, last) in acks.items():
            row = existing.get(key)
            if row is None:
                session.add(
                    UrgentNoticeAck(
                        notice_id=key[0],
                        terminal_id=key[1],
                        first_shown_at=first,
                        last_confirmed_at=last,
                    )
                )
            else:
                row.first_shown_at = min(row.first_shown_at, first)
                row.last_confirmed_at = max(row.last_confirmed_at, last)

    def _restore(self, marks, acks) -> None:
        with self._lock:
            for terminal_id, mark in marks.items():
                newer = self._marks.get(terminal_id)
                if newer is None:
                    self._marks[terminal_id] = mark
            for key, (first, last) in acks.items():
                f2, l2 = self._acks.get(key, (first, last))
                self._acks[key] = (min(first, f2), max(last, l2))


def book(app=None) -> PresenceBook:

    return services(app).presence


def flush_now(app) -> int:
    """Write what is pending (the flusher's step; tests and shutdown call it too)."""
    from content_feed.db import db

    with app.app_context():
        session = Session(db.engine)
        try:
            return book(app).flush(session)
        finally:
            session.close()


class Flusher(threading.Thread):
    """Writes the presence book every ``interval`` seconds until stopped."""

    def __init__(self, app, interval: float):
        super().__init__(name="presence-flusher", daemon=True)
        self.app = app
        self.interval = interval
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.wait(self.interval):
            try:
                flush_now(self.app)
            except Exception:  # keep flushing whatever one round met
                log.exception("presence flush round failed")
        flush_now(self.app)

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=10)


def start_flusher(app) -> Flusher:
    flusher = Flusher(app, app.config["SUNLIGHT"]["presence"]["flush_seconds"])
    flusher.start()
    app.extensions["sunlight.presence_flusher"] = flusher
    return flusher


def last_seen(terminal: Terminal, app=None) -> datetime | None:
    """The later of what the database holds and what this process has pending."""
    pending = book(app).pending_seen(terminal.id)
    stored = terminal.last_seen_at
    if pending is None:
        return stored
    return pending if stored is None or pending > stored else stored
