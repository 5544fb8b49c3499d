"""One schema upgrade at a time across nodes that boot together.

``run.py db upgrade`` (and the packaged one-shot ``sunlight-migrate`` unit)
takes a PostgreSQL advisory lock on a connection of its own for the whole
upgrade: a second node waits, then finds the schema current and does
nothing, instead of failing half-way on a duplicate row.
"""

from __future__ import annotations

import contextlib
import logging

from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

log = logging.getLogger(__name__)

# "SunMigr8" in ASCII as one bigint: not the scheduler's key (leadership.py).
MIGRATION_LOCK_KEY = int.from_bytes(b"SunMigr8", "big")


@contextlib.contextmanager
def migration_lock(database_url: str, timeout_seconds: int = 600):
    """Hold the migration lock while the block runs (no-op off PostgreSQL)."""
    if not database_url.startswith("postgresql"):
        yield
        return
    engine = create_engine(database_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f"SET lock_timeout = '{int(timeout_seconds)}s'"))
            got = conn.execute(
                text("SELECT pg_try_advisory_lock(:k)"), {"k": MIGRATION_LOCK_KEY}
            ).scalar()
            if not got:
                log.warning("another node is upgrading the database: waiting for it")
                conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": MIGRATION_LOCK_KEY})
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": MIGRATION_LOCK_KEY})
    finally:
        engine.dispose()
