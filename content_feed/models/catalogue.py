"""The disclosure catalogue (公开目录): a tree of categories."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from content_feed import topics
from content_feed.db import db
from content_feed.models._common import FeedContent, Timestamps


class Category(FeedContent, Timestamps, db.Model):
    __tablename__ = "category"

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("category.id"), index=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    domain: Mapped[str] = mapped_column(String(20))
    # One of the seven required categories of the "7+X" catalogue.
    required: Mapped[bool] = mapped_column(default=False)
    sort_order: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    parent: Mapped[Category | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Category]] = relationship(
        back_populates="parent", order_by="Category.sort_order"
    )

    @staticmethod
    def feed_topics(row) -> set[str]:
        """Category names travel with every item and make the catalogue tree."""
        return {topics.CATALOGUE}
