"""Sign-in failures counted per account *and* address.

Guessing at ``admin`` from one machine locks that machine out of ``admin``
for ``security.login_lockout_minutes`` after ``security.login_max_failures``
failures; the owner at their own desk signs in as usual. Unknown user names
leave no row (there is nothing to protect, and no table to fill).

The rows are in the database, so every node of a deployment sees the same
failures and locks. Nodes count at once: a failure inserts the row if missing
(doing nothing if another node just did) and then counts under a row lock, so
no failure is lost between two nodes and none is a duplicate-row error.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from content_feed.models import LoginLock, User


def _row(session: Session, user: User, address: str) -> LoginLock | None:
    return session.execute(
        select(LoginLock).where(LoginLock.user_id == user.id, LoginLock.address == address[:60])
    ).scalar_one_or_none()


def _locked_row(session: Session, user: User, address: str) -> LoginLock:
    """The pair's row, created if missing, locked until the caller's commit."""
    dialect = {"postgresql": postgresql, "sqlite": sqlite}[session.get_bind().dialect.name]
    session.execute(
        dialect.insert(LoginLock)
        .values(user_id=user.id, address=address[:60], failures=0)
        .on_conflict_do_nothing(index_elements=["user_id", "address"])
    )
    return session.execute(
        select(LoginLock)
        .where(LoginLock.user_id == user.id, LoginLock.address == address[:60])
        .with_for_update()
        # What another node committed while we waited for the lock, not what we read before.
        .execution_options(populate_existing=True)
    ).scalar_one()


def locked_until(session: Session, user: User, address: str, at: datetime) -> datetime | None:
    row = _row(session, user, address)
    if row is not None and row.locked_until and row.locked_until > at:
        return row.locked_until
    return None


def record_failure(
    session: Session, user: User, address: str, at: datetime, security: dict
) -> datetime | None:
    """Count a failure; the time the lock ends if this one locked the pair."""
    row = _locked_row(session, user, address)
    if row.locked_until and row.locked_until <= at:
        row.failures, row.locked_until = 0, None
    row.failures += 1
    row.last_failure_at = at
    if row.failures >= security["login_max_failures"]:
        row.locked_until = at + timedelta(minutes=security["login_lockout_minutes"])
        row.failures = 0
        return row.locked_until
    return None


def clear(session: Session, user: User, address: str | None = None) -> None:
    """Forget failures of ``user`` (from ``address``, or from everywhere)."""
    stmt = delete(LoginLock).where(LoginLock.user_id == user.id)
    if address is not None:
        stmt = stmt.where(LoginLock.address == address[:60])
    session.execute(stmt)
