"""Disclosure items (公开事项), their revisions, workflow steps and attachments.

``Item`` holds what is published; ``ItemRevision`` holds every version that
was written, with its workflow state. Approving a revision copies its content
onto the item, so an item stays up unchanged while a new revision walks the
steps, and the public rule reads one table.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, Date, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from content_feed import topics
from content_feed.db import UTCDateTime, db
from content_feed.models._common import FeedContent, Timestamps, known, one_of, utcnow
from content_feed.vocabulary import PUBLIC_SCOPE, SHOWN_ITEM_STATES, ItemState, RevisionState

item_hall = Table(
    "item_hall",
    db.Model.metadata,
    Column("item_id", ForeignKey("item.id", ondelete="CASCADE"), primary_key=True),
    Column("hall_id", ForeignKey("hall.id", ondelete="CASCADE"), primary_key=True),
)


class ItemContent:
    """The fields a drafter writes; shared by an item and its revisions."""

    title: Mapped[str] = mapped_column(String(200))
    domain: Mapped[str] = mapped_column(String(20))
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id"), index=True)
    scope: Mapped[str] = mapped_column(String(20), default="public", active_history=True)
    disclosure_mode: Mapped[str] = mapped_column(String(20), default="proactive")
    timeliness: Mapped[str] = mapped_column(String(20), default="standing")
    # Periodic items must be refreshed this often or the console flags them.
    refresh_period_days: Mapped[int | None] = mapped_column()
    valid_from: Mapped[datetime | None] = mapped_column(UTCDateTime)
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    publishing_body: Mapped[str] = mapped_column(String(200), default="")
    subject: Mapped[str] = mapped_column(String(40), default="")
    document_number: Mapped[str] = mapped_column(String(100), default="")
    written_on: Mapped[date | None] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(String(100), default="")
    # Markdown; rendered and sanitised on the way out.
    body: Mapped[str] = mapped_column(Text, default="")
    online_url: Mapped[str] = mapped_column(String(500), default="")
    on_kiosk: Mapped[bool] = mapped_column(default=True)
    on_wall: Mapped[bool] = mapped_column(default=True)
    on_led: Mapped[bool] = mapped_column(default=False)
    # Short headline for LED strips (empty: the title).
    led_text: Mapped[str] = mapped_column(String(120), default="")


class Item(FeedContent, ItemContent, Timestamps, db.Model):
    __tablename__ = "item"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Given at first publication and never reused (unique, never deleted).
    index_number: Mapped[str | None] = mapped_column(String(60), unique=True)
    state: Mapped[str] = mapped_column(
        String(20), default=ItemState.UNPUBLISHED, index=True, active_history=True
    )
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    archive_reason: Mapped[str] = mapped_column(String(200), default="")
    # Pre-disclosure (预公开): shown for comment in this window before approval.
    comment_from: Mapped[datetime | None] = mapped_column(UTCDateTime)
    comment_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("item_revision.id", use_alter=True, name="fk_item_published_revision")
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    category = relationship("Category")
    halls = relationship("Hall", secondary=item_hall, order_by="Hall.id")
    revisions: Mapped[list[ItemRevision]] = relationship(
        back_populates="item",
        foreign_keys="ItemRevision.item_id",
        order_by="ItemRevision.number",
    )
    published_revision: Mapped[ItemRevision | None] = relationship(
        foreign_keys=[published_revision_id], post_update=True
    )

    # What no public answer reads (the revision pointer is followed through
    # the copied content and its attachments).
    __console_only__ = frozenset({"created_at", "updated_at", "created_by_id", "archive_reason"})

    @staticmethod
    def feed_topics(row) -> set[str]:
        """A public item in a shown state moves the content of its halls."""
        if not one_of(row.scope, PUBLIC_SCOPE) or not one_of(row.state, *SHOWN_ITEM_STATES):
            return set()
        return topics.halls_topics(topics.CONTENT, [h.id for h in row.halls or ()])

    @property
    def attachments(self) -> list[Attachment]:
        rev = self.published_revision
        return list(rev.attachments) if rev else []


class ItemRevision(ItemContent, Timestamps, db.Model):
    __tablename__ = "item_revision"
    __table_args__ = (UniqueConstraint("item_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    number: Mapped[int] = mapped_column(default=1)
    state: Mapped[str] = mapped_column(String(20), default=RevisionState.DRAFT, index=True)
    hall_ids: Mapped[list] = mapped_column(JSON, default=list)
    # The proposal of Article 15: why, to whom, when and through which channel.
    proposal_note: Mapped[str] = mapped_column(Text, default="")
    proposed_channels: Mapped[str] = mapped_column(String(200), default="")
    confidentiality_checked: Mapped[bool] = mapped_column(default=False)
    comment_days: Mapped[int | None] = mapped_column()
    rejection_reason: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # Everyone who wrote or changed this revision's words: none may review or approve it.
    editor_ids: Mapped[list] = mapped_column(JSON, default=list)

    item: Mapped[Item] = relationship(back_populates="revisions", foreign_keys=[item_id])
    author = relationship("User", foreign_keys=[author_id])
    category = relationship("Category")
    steps: Mapped[list[WorkflowStep]] = relationship(
        back_populates="revision", order_by="WorkflowStep.id"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="revision", order_by="Attachment.id"
    )


class WorkflowStep(db.Model):
    """Who moved a revision from one state to the next, when and why."""

    __tablename__ = "workflow_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("item_revision.id"), index=True)
    action: Mapped[str] = mapped_column(String(30))
    from_state: Mapped[str] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    actor_name: Mapped[str] = mapped_column(String(80), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")

    revision: Mapped[ItemRevision] = relationship(back_populates="steps")


class Attachment(FeedContent, db.Model):
    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("item_revision.id"), index=True, active_history=True
    )
    guide_id: Mapped[int | None] = mapped_column(
        ForeignKey("guide.id"), index=True, active_history=True
    )
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    stored_name: Mapped[str] = mapped_column(String(120))
    width: Mapped[int | None] = mapped_column()
    height: Mapped[int | None] = mapped_column()
    thumbnail_name: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    revision: Mapped[ItemRevision | None] = relationship(back_populates="attachments")

    __console_only__ = frozenset({"created_at"})

    @staticmethod
    def feed_topics(row) -> set[str]:
        """A file of a public item's published revision, or of a guide, moves what
        shows it; a file of a draft revision moves nothing (issue 20: it would
        announce the draft to every screen)."""
        from content_feed.models.guide import Guide, guide_topics

        session = _session_of(row)
        moved: set[str] = set()
        if session is None:
            return moved
        with session.no_autoflush:
            if known(row.guide_id) is not None:
                moved |= guide_topics(session.get(Guide, row.guide_id))
            revision_id = known(row.revision_id)
            revision = session.get(ItemRevision, revision_id) if revision_id else row.revision
            if (
                revision is not None
                and revision.item is not None
                and revision.item.published_revision_id == revision.id
            ):
                moved |= Item.feed_topics(revision.item)
        return moved

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class IndexSerial(db.Model):
    """The last serial handed out per organisation and year (索引号)."""

    __tablename__ = "index_serial"
    __table_args__ = (UniqueConstraint("org", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org: Mapped[str] = mapped_column(String(40))
    year: Mapped[int] = mapped_column()
    last: Mapped[int] = mapped_column(default=0)


def _session_of(row):
    from sqlalchemy.orm import object_session

    return object_session(getattr(row, "_row", row))
