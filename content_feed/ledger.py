"""Writing to the append-only audit ledger (登记表)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from flask import has_request_context, request
from sqlalchemy.orm import Session

from content_feed.models import LedgerEntry, User


def record(
    session: Session,
    action: str,
    *,
    actor: User | None = None,
    obj: Any = None,
    summary: str = "",
    before: dict | None = None,
    after: dict | None = None,
    actor_name: str = "",
    at=None,
) -> LedgerEntry:
    """Add a ledger row in the caller's transaction: it commits or rolls back with the change."""
    entry = LedgerEntry(
        action=action,
        actor_id=actor.id if actor else None,
        actor_name=actor_name or (actor.display_name or actor.username if actor else "系统"),
        object_type=obj.__tablename__ if obj is not None else "",
        object_id=str(obj.id) if obj is not None and obj.id is not None else "",
        summary=summary,
        before=before,
        after=after,
        address=(request.remote_addr or "") if has_request_context() else "",
    )
    if at is not None:
        entry.at = at
    session.add(entry)
    return entry


def plain(value):
    """A value as the ledger's JSON keeps it (dates and times as ISO text)."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def snapshot(obj, fields) -> dict:
    """The listed attributes of ``obj`` as JSON-friendly values: a change's before or after."""
    return {name: plain(getattr(obj, name)) for name in fields}


def record_change(
    session: Session,
    action: str,
    obj: Any,
    before: dict | None,
    after: dict,
    *,
    actor: User | None,
    at=None,
    summary: str = "",
    whole: bool = False,
) -> bool:
    """A ledger row with only the fields that changed between ``before`` and ``after``
    (everything for a new object, ``before`` None). False, and no row, when nothing
    changed. The one implementation of the console's change recording (admin/,
    display/console/ and feedback/ reach it through admin.changes or, for the
    inquiry steps, inquiries.handling).

    ``whole``: a handling step (a reply, an assignment) is recorded even when none of
    the listed fields moved, with both states in full."""
    if before is not None and not whole:
        changed = [k for k in after if before.get(k) != after.get(k)]
        changed += [k for k in before if k not in after]
        if not changed:
            return False
        before = {k: before.get(k) for k in changed}
        after = {k: after.get(k) for k in changed}
    session.flush()
    record(
        session, action, actor=actor, obj=obj, summary=summary, before=before, after=after, at=at
    )
    return True
