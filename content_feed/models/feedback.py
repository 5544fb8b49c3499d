"""Inquiries (问询 / 意见建议 / 依申请公开 / 预公开意见) and service ratings (好差评)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from content_feed import topics
from content_feed.db import UTCDateTime, db
from content_feed.models._common import FeedContent, Timestamps, known, one_of
from content_feed.vocabulary import InquiryState


class Inquiry(FeedContent, Timestamps, db.Model):
    __tablename__ = "inquiry"

    id: Mapped[int] = mapped_column(primary_key=True)
    receipt_no: Mapped[str] = mapped_column(String(30), unique=True)
    # Made on the kiosk per submission: a retry with the same key stores nothing new.
    idempotency_key: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(30), index=True)
    topic: Mapped[str] = mapped_column(String(100), default="")
    text: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(String(60), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    # 依申请公开: what is wanted and how to deliver it.
    delivery: Mapped[str] = mapped_column(String(60), default="")
    terminal_id: Mapped[int | None] = mapped_column(ForeignKey("terminal.id"))
    hall_id: Mapped[int | None] = mapped_column(
        ForeignKey("hall.id"), index=True, active_history=True
    )
    item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id"), index=True)
    category: Mapped[str] = mapped_column(String(60), default="")
    state: Mapped[str] = mapped_column(String(20), default=InquiryState.PENDING, index=True)
    state_reason: Mapped[str] = mapped_column(Text, default="")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    extended_days: Mapped[int] = mapped_column(default=0)
    extension_reason: Mapped[str] = mapped_column(Text, default="")
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    department: Mapped[str] = mapped_column(String(100), default="")
    reply: Mapped[str] = mapped_column(Text, default="")
    reply_public: Mapped[bool] = mapped_column(default=False, index=True, active_history=True)
    # 是否同意公开答复, asked on the kiosk: without it only a rewritten, anonymous
    # question (public_question) may be published with the reply.
    public_consent: Mapped[bool] = mapped_column(default=False)
    public_question: Mapped[str] = mapped_column(Text, default="")
    # Words the handler hides on top of what inquiries.privacy finds, one per line.
    masked_words: Mapped[str] = mapped_column(Text, default="")
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    replied_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    assignee = relationship("User", foreign_keys=[assignee_id])
    item = relationship("Item")

    # Handling (state, deadlines, who) is the console's; the public answer
    # shows the question, the masked asker and the reply.
    __console_only__ = frozenset(
        {
            "created_at",
            "updated_at",
            "idempotency_key",
            "phone",
            "delivery",
            "terminal_id",
            "item_id",
            "state",
            "state_reason",
            "due_on",
            "extended_days",
            "extension_reason",
            "assignee_id",
            "department",
            "replied_by_id",
            "closed_at",
        }
    )

    @staticmethod
    def feed_topics(row) -> set[str]:
        """Only a reply marked public shows on kiosks (问答公开)."""
        if not one_of(row.reply_public, True) or row.replied_at is None:
            return set()
        return {topics.answers(known(row.hall_id))}


class Rating(Timestamps, db.Model):
    __tablename__ = "rating"

    id: Mapped[int] = mapped_column(primary_key=True)
    receipt_no: Mapped[str] = mapped_column(String(30), unique=True)
    idempotency_key: Mapped[str] = mapped_column(String(80), unique=True)
    level: Mapped[int] = mapped_column()  # 1..5
    target: Mapped[str] = mapped_column(String(10))  # hall / window / guide
    hall_id: Mapped[int | None] = mapped_column(ForeignKey("hall.id"), index=True)
    window_id: Mapped[int | None] = mapped_column(ForeignKey("hall_window.id"))
    guide_id: Mapped[int | None] = mapped_column(ForeignKey("guide.id"))
    comment: Mapped[str] = mapped_column(Text, default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    terminal_id: Mapped[int | None] = mapped_column(ForeignKey("terminal.id"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # 差评 follow-up.
    follow_up_state: Mapped[str] = mapped_column(String(20), default="")
    contact_due_on: Mapped[date | None] = mapped_column(Date)
    resolve_due_on: Mapped[date | None] = mapped_column(Date)
    contacted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution_note: Mapped[str] = mapped_column(Text, default="")
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    window = relationship("Window")
    guide = relationship("Guide")


class RefusedSubmission(Timestamps, db.Model):
    """A submission queued on a kiosk while the server was unreachable that the server
    refused when it finally arrived (the comment period had closed, a rule changed):
    kept for staff to follow up instead of vanishing from the kiosk's outbox."""

    __tablename__ = "refused_submission"

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # inquiries / ratings
    terminal_id: Mapped[int | None] = mapped_column(ForeignKey("terminal.id"))
    hall_id: Mapped[int | None] = mapped_column(ForeignKey("hall.id"), index=True)
    payload: Mapped[str] = mapped_column(Text)  # JSON as the kiosk sent it
    errors: Mapped[str] = mapped_column(Text, default="")  # JSON field → message
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    note: Mapped[str] = mapped_column(Text, default="")

    terminal = relationship("Terminal")
    handled_by = relationship("User", foreign_keys=[handled_by_id])
