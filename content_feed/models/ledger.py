"""The append-only audit ledger (党务公开事项受理情况登记表)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from content_feed.db import UTCDateTime, db
from content_feed.models._common import utcnow


class LedgerEntry(db.Model):
    __tablename__ = "ledger_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    actor_name: Mapped[str] = mapped_column(String(80), default="")
    action: Mapped[str] = mapped_column(String(40), index=True)
    object_type: Mapped[str] = mapped_column(String(40), default="", index=True)
    object_id: Mapped[str] = mapped_column(String(40), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    address: Mapped[str] = mapped_column(String(60), default="")


class LedgerIsAppendOnly(Exception):
    pass


@event.listens_for(LedgerEntry, "before_update")
def _refuse_update(mapper, connection, target):
    raise LedgerIsAppendOnly("ledger entries cannot be changed")


@event.listens_for(LedgerEntry, "before_delete")
def _refuse_delete(mapper, connection, target):
    raise LedgerIsAppendOnly("ledger entries cannot be deleted")


def _refuse_bulk_changes(execute_state) -> None:
    """``session.execute(delete(LedgerEntry))`` or ``update(...)`` skips the mapper
    events above; refuse those too. The ledger keeps every row (等保 2.0 asks
    for 180 days at least; this keeps them forever): nothing in the
    application deletes from it."""
    if not (execute_state.is_delete or execute_state.is_update):
        return
    table = getattr(execute_state.statement, "table", None)
    if getattr(table, "name", None) == LedgerEntry.__tablename__:
        raise LedgerIsAppendOnly("ledger entries cannot be changed or deleted")


def install_guards() -> None:
    from sqlalchemy.orm import Session

    if not event.contains(Session, "do_orm_execute", _refuse_bulk_changes):
        event.listen(Session, "do_orm_execute", _refuse_bulk_changes)
