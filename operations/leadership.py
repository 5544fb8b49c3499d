"""Which node runs the scheduled jobs: the holder of one PostgreSQL advisory lock.

Several nodes on one PostgreSQL each start a scheduler; each tries
``pg_try_advisory_lock`` on a connection of its own (never one from the pool,
which would hand the lock to whatever request borrows it next). The holder
leads. The lock is session-level: it lasts as long as that connection, so when
the leader dies (its socket closes) PostgreSQL frees it and the next try of
another node takes it, within ``[scheduler] lead_retry_seconds``. A leader
that hangs without dying asks nothing, and PostgreSQL ends its idle session
(``idle_session_timeout``, a few check intervals): a lease.

A leader that loses its connection must stop at once: ``leads()`` asks
PostgreSQL whether this very session still holds the lock, and the job runner
calls it before every run. On SQLite a deployment is one process, which leads.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import time

from sqlalchemy import create_engine, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from content_feed.services import services

log = logging.getLogger(__name__)

# "Sunlight" in ASCII as one bigint: the advisory lock key of the scheduler.
LOCK_KEY = int.from_bytes(b"Sunlight", "big")
# A node that lost the lead waits this many retry intervals before it tries again.
LOST_LEAD_QUIET = 3

# Session settings of the lock's connection. The server drops a silent client's
# session (and so its lock) after about 10 + 5 × 3 s instead of the OS's two hours.
# A hung leader (SIGSTOP, a stuck process) keeps its socket open and the kernel
# answers keep-alives for it: so the session also ends once it has been idle for
# IDLE_LEASE_TRIES check intervals (a live leader asks every interval), and the
# lock is free for another node within a bounded time.
_SESSION_OPTIONS = (
    "-c tcp_keepalives_idle=10 -c tcp_keepalives_interval=5 -c tcp_keepalives_count=3"
    " -c idle_session_timeout={idle_ms} -c idle_in_transaction_session_timeout=0"
    " -c statement_timeout=5000"
)
IDLE_LEASE_TRIES = 4
# ... and never under this: a loaded machine's leader may be late for a check.
IDLE_LEASE_MIN_SECONDS = 3.0

_HELD = text(
    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
    " AND pid = pg_backend_pid() AND objsubid = 1"
    " AND classid::bigint = :high AND objid::bigint = :low"
)


def node_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class Leadership:
    """One node's claim to the scheduler's lead (one per app that runs jobs)."""

    def __init__(self, app, *, node: str | None = None, retry_seconds: float | None = None):
        self.app = app
        self.node = node or node_name()
        settings = app.config["SUNLIGHT"]["scheduler"]
        self.retry_seconds = retry_seconds or settings["lead_retry_seconds"]
        url = app.config["SQLALCHEMY_DATABASE_URI"]
        self.shared = url.startswith("postgresql")
        self.lease_seconds = max(IDLE_LEASE_TRIES * self.retry_seconds, IDLE_LEASE_MIN_SECONDS)
        self._engine = None
        if self.shared:
            # NullPool: closing the connection really closes it (and frees the lock).
            self._engine = create_engine(
                url,
                poolclass=NullPool,
                isolation_level="AUTOCOMMIT",
                connect_args={
                    "connect_timeout": 5,
                    "application_name": f"sunlight leader {self.node}"[:63],
                    "options": _SESSION_OPTIONS.format(idle_ms=int(self.lease_seconds * 1000)),
                    # This side notices a dead server as quickly.
                    "keepalives": 1,
                    "keepalives_idle": 10,
                    "keepalives_interval": 5,
                    "keepalives_count": 3,
                },
            )
        self._conn = None  # the dedicated connection, while we have one
        self._leading = not self.shared
        self._quiet_until = 0.0  # after losing the lead, no try before this (monotonic)
        self._mutex = threading.Lock()  # one user of the connection at a time
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------

    def start(self) -> Leadership:
        if not self.shared:
            log.info("scheduler lead: %s (single node, SQLite)", self.node)
            return self
        self.try_to_lead()
        self._thread = threading.Thread(target=self._loop, name="scheduler-lead", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Give up the lead (a clean shutdown): another node takes it at its next try."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        with self._mutex:
            self._close()
        if self._engine is not None:
            self._engine.dispose()

    def _loop(self) -> None:
        while not self._stopping.wait(self.retry_seconds):
            # A leader checks too, so that a lost lock is noticed (and logged)
            # even while no job is due.
            if self._leading:
                self.leads()
            else:
                self.try_to_lead()

    # -- the lock ----------------------------------------------------------------

    @property
    def backend_pid(self) -> int | None:
        """The PostgreSQL backend holding (or trying for) our lock; for operators and tests."""
        with self._mutex:
            return self._conn.connection.dbapi_connection.info.backend_pid if self._conn else None

    @property
    def leading(self) -> bool:
        """This node's lead as of the last check, without asking (for frequent callers)."""
        return self._leading

    def try_to_lead(self) -> bool:
        """One try for the lock; True if this node leads now."""
        if not self.shared:
            return True
        with self._mutex:
            if self._leading or self._stopping.is_set():
                return self._leading
            if time.monotonic() < self._quiet_until:
                return False
            try:
                if self._conn is None:
                    self._conn = self._engine.connect()
                got = self._conn.execute(
                    text("SELECT pg_try_advisory_lock(:key)"), {"key": LOCK_KEY}
                ).scalar()
            except SQLAlchemyError as exc:
                log.warning("scheduler lead: cannot reach PostgreSQL (%s)", exc.__class__.__name__)
                self._close()
                return False
            self._leading = bool(got)
        if self._leading:
            self._took_lead()
        return self._leading

    def leads(self) -> bool:
        """Whether this node holds the lock now, asked of PostgreSQL (before every job)."""
        if not self.shared:
            return True
        with self._mutex:
            if not self._leading:
                return False
            try:
                held = self._conn.execute(
                    _HELD, {"high": LOCK_KEY >> 32, "low": LOCK_KEY & 0xFFFFFFFF}
                ).scalar()
            except SQLAlchemyError:
                held = 0
            if not held:
                log.warning("scheduler lead lost by %s: no job runs here now", self.node)
                self._close()
                # The others, whose connections did not fail, get the first tries.
                self._quiet_until = time.monotonic() + LOST_LEAD_QUIET * self.retry_seconds
            return bool(held)

    def _close(self) -> None:
        self._leading = False
        if self._conn is not None:
            # Already gone, most often: that is why we close it.
            with contextlib.suppress(SQLAlchemyError):
                self._conn.close()
            self._conn = None

    def _took_lead(self) -> None:
        log.warning("scheduler lead taken by %s", self.node)
        from content_feed import ledger
        from content_feed.db import db

        try:
            with self.app.app_context():
                ledger.record(
                    db.session,
                    "system.leader",
                    summary=f"节点 {self.node} 接管定时任务",
                    at=services(self.app).clock.now(),
                )
                db.session.commit()
        except SQLAlchemyError:  # the lead stands; the trace is in the log above
            log.exception("scheduler lead: ledger entry not written")
