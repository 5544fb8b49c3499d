"""Bulk imports of process guides (办事指南) and the draft revisions they propose.

An import never changes what the public sees: a new guide lands as a draft, and
an existing guide gets a ``GuideRevision`` that waits beside it (with a diff in
the console) until a person adopts it, or an approver adopts and publishes it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from content_feed.db import UTCDateTime, db
from content_feed.models._common import Timestamps

# queued → checking → checked (the dry-run report) → importing → done; or failed.
IMPORT_STATES = {
    "queued": "排队中",
    "checking": "检查中",
    "checked": "已检查，待确认",
    "importing": "导入中",
    "done": "已导入",
    "failed": "失败",
}
RUNNING_STATES = ("queued", "checking", "importing")
REVISION_STATES = {
    "pending": "待审",
    "applied": "已采用",
    "discarded": "已放弃",
    "superseded": "已被新导入替换",
}


class GuideImport(Timestamps, db.Model):
    """One uploaded file: its dry-run report, progress, and what it wrote."""

    __tablename__ = "guide_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(200), default="")
    mapping: Mapped[str] = mapped_column(String(100), default="")
    hall_id: Mapped[int | None] = mapped_column(ForeignKey("hall.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    state: Mapped[str] = mapped_column(String(20), default="queued", index=True)
    progress_done: Mapped[int] = mapped_column(default=0)
    progress_total: Mapped[int] = mapped_column(default=0)
    message: Mapped[str] = mapped_column(Text, default="")
    # The cleaned guides of the file (what the write phase applies), the report
    # rows, and the count of each outcome.
    plan: Mapped[dict | None] = mapped_column(JSON)
    report: Mapped[list | None] = mapped_column(JSON)
    counts: Mapped[dict | None] = mapped_column(JSON)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    created_by = relationship("User")
    hall = relationship("Hall")

    @property
    def state_label(self) -> str:
        return IMPORT_STATES.get(self.state, self.state)

    @property
    def running(self) -> bool:
        return self.state in RUNNING_STATES

    @property
    def warnings(self) -> list[dict]:
        """Columns and sheets of the file the check did not understand."""
        return (self.plan or {}).get("warnings", [])

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 0
        return min(100, round(100 * self.progress_done / self.progress_total))


class GuideRevision(Timestamps, db.Model):
    """Imported content for an existing guide, waiting to be adopted."""

    __tablename__ = "guide_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    guide_id: Mapped[int] = mapped_column(ForeignKey("guide.id", ondelete="CASCADE"), index=True)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("guide_import.id"), index=True)
    state: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    # Only the fields and row groups the file carried: {"fields": {...}, "rows": {...}}.
    data: Mapped[dict] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    guide = relationship("Guide")
    created_by = relationship("User", foreign_keys=[created_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])

    @property
    def state_label(self) -> str:
        return REVISION_STATES.get(self.state, self.state)
