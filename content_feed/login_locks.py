"""Sign-in failures counted per account *and* address.

Guessing at ``admin`` from one machine locks that machine out of ``admin``
for ``security.login_lockout_minutes`` after ``security.login_max_failures``
failures; the owner at their own desk signs in as usual. Unknown user names
leave no row (there is nothing to protect, and no table to fill).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from content_feed.models import LoginLock, User


def _row(session: Session, user: User, address: str) -> LoginLock | None:
    return session.execute(
        select(LoginLock).where(LoginLock.user_id == user.id, LoginLock.address == address[:60])
    ).scalar_one_or_none()


def locked_until(session: Session, user: User, address: str, at: datetime) -> datetime | None:
    row = _row(session, user, address)
    if row is not None and row.locked_until and row.locked_until > at:
        return row.locked_until
    return None


def record_failure(
    session: Session, user: User, address: str, at: datetime, security: dict
) -> datetime | None:
    """Count a failure; the time the lock ends if this one locked the pair."""
    row = _row(session, user, address)
    if row is None:
        row = LoginLock(user_id=user.id, address=address[:60], failures=0)
        session.add(row)
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
