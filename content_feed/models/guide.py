"""Process guides (办事指南) with the fields of the national implementation list."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from content_feed import topics
from content_feed.db import UTCDateTime, db
from content_feed.models._common import FeedContent, Timestamps, known, one_of
from content_feed.time_limits import UNFILLED, TimeLimit
from content_feed.vocabulary import GuideState


class LimitColumns:
    """``guide.statutory`` / ``guide.promised``: the TimeLimit of its ``_value`` and
    ``_unit`` columns. Set from a TimeLimit or its text ("30个自然日"), as imported
    plans and revisions carry it."""

    def __set_name__(self, owner, name):
        self.value, self.unit = f"{name}_value", f"{name}_unit"

    def __get__(self, guide, owner=None):
        if guide is None:
            return self
        return TimeLimit(getattr(guide, self.value), getattr(guide, self.unit) or UNFILLED)

    def __set__(self, guide, limit: TimeLimit | str) -> None:
        if isinstance(limit, str):
            limit = TimeLimit.parse(limit) or TimeLimit.unfilled()
        setattr(guide, self.value, limit.value)
        setattr(guide, self.unit, limit.unit)


class Guide(FeedContent, Timestamps, db.Model):
    __tablename__ = "guide"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))  # 事项名称
    code: Mapped[str] = mapped_column(String(60), unique=True)  # 事项编码
    kind: Mapped[str] = mapped_column(String(40), default="")  # 事项类型
    basis: Mapped[str] = mapped_column(Text, default="")  # 设定依据
    implementing_body: Mapped[str] = mapped_column(String(200), default="")  # 实施主体
    conditions: Mapped[str] = mapped_column(Text, default="")  # 受理条件
    # 法定/承诺办结时限 as a number and its unit (content_feed.time_limits).
    statutory_value: Mapped[int | None] = mapped_column()
    statutory_unit: Mapped[str] = mapped_column(String(20), default=UNFILLED)
    promised_value: Mapped[int | None] = mapped_column()
    promised_unit: Mapped[str] = mapped_column(String(20), default=UNFILLED)
    statutory = LimitColumns()
    promised = LimitColumns()
    is_free: Mapped[bool] = mapped_column(default=True)  # 收费
    location: Mapped[str] = mapped_column(String(200), default="")  # 办理地点
    window_id: Mapped[int | None] = mapped_column(ForeignKey("hall_window.id"))
    office_hours: Mapped[str] = mapped_column(String(200), default="")  # 办理时间
    consult_phone: Mapped[str] = mapped_column(String(40), default="")  # 咨询电话
    complaint_phone: Mapped[str] = mapped_column(String(40), default="")  # 监督投诉电话
    visits: Mapped[int] = mapped_column(default=1)  # 到现场次数
    online: Mapped[bool] = mapped_column(default=False)  # 是否网办
    online_url: Mapped[str] = mapped_column(String(500), default="")
    keywords: Mapped[str] = mapped_column(String(200), default="")
    summary: Mapped[str] = mapped_column(String(200), default="")
    hall_id: Mapped[int | None] = mapped_column(
        ForeignKey("hall.id"), index=True, active_history=True
    )
    # Only published guides are public.
    state: Mapped[str] = mapped_column(
        String(20), default=GuideState.DRAFT, index=True, active_history=True
    )
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sort_order: Mapped[int] = mapped_column(default=0)

    hall = relationship("Hall")
    window = relationship("Window")
    materials: Mapped[list[GuideMaterial]] = relationship(
        order_by="GuideMaterial.sort_order", cascade="all, delete-orphan"
    )
    steps: Mapped[list[GuideStep]] = relationship(
        order_by="GuideStep.sort_order", cascade="all, delete-orphan"
    )
    fees: Mapped[list[GuideFee]] = relationship(
        order_by="GuideFee.sort_order", cascade="all, delete-orphan"
    )
    faqs: Mapped[list[GuideFaq]] = relationship(
        order_by="GuideFaq.sort_order", cascade="all, delete-orphan"
    )

    @staticmethod
    def feed_topics(row) -> set[str]:
        return guide_topics(row)

    @property
    def statutory_limit(self) -> str:
        """The public words of 法定办结时限 ("" when not filled in)."""
        return self.statutory.public_text

    @property
    def promised_limit(self) -> str:
        return self.promised.public_text

    @property
    def fee_text(self) -> str:
        """收费 in words: "不收费", or what is charged (the first fee item), never a bare "收费"."""
        if self.is_free:
            return "不收费"
        if not self.fees:
            return "按规定收费"
        first = self.fees[0]
        more = f" 等 {len(self.fees)} 项" if len(self.fees) > 1 else ""
        return f"{first.name} {first.standard}".strip() + more


class GuideLine(FeedContent):
    """A material, step, fee or FAQ line: every column shows where its guide shows."""

    __console_only__ = frozenset()

    @staticmethod
    def feed_topics(row) -> set[str]:
        return _child_topics(row)


class GuideMaterial(GuideLine, db.Model):
    """One 申请材料 line."""

    __tablename__ = "guide_material"

    id: Mapped[int] = mapped_column(primary_key=True)
    guide_id: Mapped[int] = mapped_column(
        ForeignKey("guide.id", ondelete="CASCADE"), index=True, active_history=True
    )
    name: Mapped[str] = mapped_column(String(200))
    form: Mapped[str] = mapped_column(String(20), default="original")  # 原件/复印件/电子
    copies: Mapped[int] = mapped_column(default=1)
    necessity: Mapped[str] = mapped_column(String(20), default="required")
    # 容缺后补: the case is accepted without it and it follows later.
    deferrable: Mapped[bool] = mapped_column(default=False)
    source: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")  # 填报须知
    blank_form_id: Mapped[int | None] = mapped_column(ForeignKey("attachment.id"))
    sample_id: Mapped[int | None] = mapped_column(ForeignKey("attachment.id"))
    sort_order: Mapped[int] = mapped_column(default=0)


class GuideStep(GuideLine, db.Model):
    __tablename__ = "guide_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    guide_id: Mapped[int] = mapped_column(
        ForeignKey("guide.id", ondelete="CASCADE"), index=True, active_history=True
    )
    title: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    sort_order: Mapped[int] = mapped_column(default=0)


class GuideFee(GuideLine, db.Model):
    __tablename__ = "guide_fee"

    id: Mapped[int] = mapped_column(primary_key=True)
    guide_id: Mapped[int] = mapped_column(
        ForeignKey("guide.id", ondelete="CASCADE"), index=True, active_history=True
    )
    name: Mapped[str] = mapped_column(String(200))
    standard: Mapped[str] = mapped_column(String(200), default="")
    basis: Mapped[str] = mapped_column(Text, default="")
    sort_order: Mapped[int] = mapped_column(default=0)


class GuideFaq(GuideLine, db.Model):
    __tablename__ = "guide_faq"

    id: Mapped[int] = mapped_column(primary_key=True)
    guide_id: Mapped[int] = mapped_column(
        ForeignKey("guide.id", ondelete="CASCADE"), index=True, active_history=True
    )
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    sort_order: Mapped[int] = mapped_column(default=0)


def guide_topics(guide) -> set[str]:
    """A published guide moves the content of its hall (none: every hall)."""
    if guide is None or not one_of(guide.state, GuideState.PUBLISHED):
        return set()
    return {topics.content(known(guide.hall_id))}


def _child_topics(row) -> set[str]:
    """A material, step, fee or FAQ line moves what its guide moves."""
    from sqlalchemy.orm import object_session

    guide_id = known(row.guide_id)
    session = object_session(getattr(row, "_row", row))
    if guide_id is None or session is None:
        return set()
    with session.no_autoflush:
        return guide_topics(session.get(Guide, guide_id))
