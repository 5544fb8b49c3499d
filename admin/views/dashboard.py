"""The dashboard (charts) and each role's work queue."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from flask import current_app, render_template
from sqlalchemy import func, select

from admin import bp
from admin.auth import role_required
from admin.charts import bar_chart
from admin.helpers import actor, now
from content_feed import workflow
from content_feed.db import db
from content_feed.models import Category, Guide, Inquiry, Item, ItemRevision, LedgerEntry
from content_feed.reach import loopback_qr_warning
from content_feed.timefmt import local
from content_feed.vocabulary import (
    INQUIRY_STATES,
    ITEM_STATES,
    OPEN_INQUIRY_STATES,
    OPEN_REVISION_STATES,
    GuideState,
    ItemState,
    RevisionState,
)
from inquiries.handling import follow_up_counts


def _top_category(cat: Category | None) -> Category | None:
    while cat is not None and cat.parent is not None:
        cat = cat.parent
    return cat


def expiring_items(at, days: int = 7) -> list[Item]:
    return (
        db.session.execute(
            select(Item)
            .where(
                Item.state == ItemState.PUBLISHED,
                Item.valid_until.is_not(None),
                Item.valid_until > at,
                Item.valid_until <= at + timedelta(days=days),
            )
            .order_by(Item.valid_until)
        )
        .scalars()
        .all()
    )


def stale_items(at) -> list[Item]:
    periodic = db.session.execute(
        select(Item).where(Item.state == ItemState.PUBLISHED, Item.timeliness == "periodic")
    ).scalars()
    return workflow.stale_items(list(periodic), at)


def inquiries_by_due_date(at) -> list[tuple[str, int]]:
    """Open inquiries bucketed: overdue, today, then each of the next days, later."""
    today = local(at).date()
    rows = db.session.execute(
        select(Inquiry.due_on, func.count())
        .where(Inquiry.state.in_(OPEN_INQUIRY_STATES))
        .group_by(Inquiry.due_on)
    ).all()
    buckets: Counter = Counter()
    for due, count in rows:
        if due is None:
            buckets["未定期限"] += count
        elif due < today:
            buckets["已逾期"] += count
        elif due == today:
            buckets["今天到期"] += count
        elif due <= today + timedelta(days=5):
            buckets[f"{due:%m-%d} 到期"] += count
        else:
            buckets["5天以后"] += count
    order = ["已逾期", "今天到期"]
    order += sorted(k for k in buckets if k.endswith(" 到期") and k not in order)
    order += ["5天以后", "未定期限"]
    return [(k, buckets[k]) for k in order if buckets.get(k)]


@bp.get("/")
@role_required()
def home():
    at = now()
    by_state = dict(db.session.execute(select(Item.state, func.count()).group_by(Item.state)).all())
    state_rows = [(label, by_state.get(s, 0)) for s, label in ITEM_STATES.items()]
    per_category: Counter = Counter()
    items = db.session.execute(select(Item).where(Item.state != ItemState.ARCHIVED)).scalars()
    for item in items:
        top = _top_category(item.category)
        per_category[top.name if top else "未分类"] += 1
    category_rows = per_category.most_common(10)
    in_flow = dict(
        db.session.execute(
            select(ItemRevision.state, func.count())
            .where(ItemRevision.state.in_(OPEN_REVISION_STATES))
            .group_by(ItemRevision.state)
        ).all()
    )
    inquiry_rows = inquiries_by_due_date(at)
    stale = stale_items(at)
    expiring = expiring_items(at)
    return render_template(
        "admin/dashboard.html",
        state_chart=bar_chart(state_rows, title="公开事项按状态"),
        category_chart=bar_chart(category_rows, title="公开事项按目录（未归档）"),
        flow_chart=bar_chart(
            [
                ("草稿", in_flow.get(RevisionState.DRAFT, 0)),
                ("待审核", in_flow.get(RevisionState.PROPOSED, 0)),
                ("待审批", in_flow.get(RevisionState.REVIEWED, 0)),
            ],
            title="流转中的修订",
        ),
        stale=stale,
        stale_chart=bar_chart(
            [(i.title, (at - i.last_published_at).days - i.refresh_period_days) for i in stale],
            title="逾期未更新天数",
            colors=["#ef6c00"],
        ),
        expiring=expiring,
        expiring_chart=bar_chart(
            [(i.title, max(0, (i.valid_until - at).days)) for i in expiring],
            title="距到期天数",
            colors=["#1565c0"],
        ),
        inquiry_chart=bar_chart(
            inquiry_rows,
            title="待办问询按答复期限",
            colors=["#b71c1c", "#ef6c00"] + ["#1565c0"] * 8,
        )
        if inquiry_rows
        else None,
        inquiry_states=INQUIRY_STATES,
        qr_warning=loopback_qr_warning(current_app.config["SUNLIGHT"])
        if actor().has_role("admin", "operator")
        else None,
        follow_ups=follow_up_counts(db.session, local(at).date())
        if actor().has_role("handler")
        else None,
        reminder=db.session.execute(
            select(LedgerEntry)
            .where(LedgerEntry.action == "inquiry.reminder")
            .order_by(LedgerEntry.id.desc())
            .limit(1)
        ).scalar_one_or_none(),
        now=at,
    )


@bp.get("/queue")
@role_required()
def queue():
    """What waits for me: drafts (and rejections), reviews, approvals, expiring items."""
    me, at = actor(), now()
    open_revs = (
        db.session.execute(
            select(ItemRevision)
            .where(ItemRevision.state.in_(OPEN_REVISION_STATES))
            .order_by(ItemRevision.updated_at.desc())
        )
        .scalars()
        .all()
    )
    mine = [r for r in open_revs if r.state == RevisionState.DRAFT and r.author_id == me.id]
    to_review = [r for r in open_revs if r.state == RevisionState.PROPOSED and r.author_id != me.id]
    to_approve = [
        r for r in open_revs if r.state == RevisionState.REVIEWED and r.author_id != me.id
    ]
    open_inquiries, follow_ups = 0, None
    if me.has_role("handler"):
        open_inquiries = db.session.execute(
            select(func.count()).select_from(Inquiry).where(Inquiry.state.in_(OPEN_INQUIRY_STATES))
        ).scalar()
        follow_ups = follow_up_counts(db.session, local(at).date())
    guides_to_publish = []
    if me.has_role("approver"):
        guides_to_publish = (
            db.session.execute(
                select(Guide)
                .where(Guide.state == GuideState.DRAFT)
                .order_by(Guide.updated_at.desc())
            )
            .scalars()
            .all()
        )
    return render_template(
        "admin/queue.html",
        mine=mine if me.has_role("drafter") else [],
        to_review=to_review if me.has_role("reviewer") else [],
        to_approve=to_approve if me.has_role("approver") else [],
        stale=stale_items(at) if me.has_role("drafter", "operator") else [],
        expiring=expiring_items(at) if me.has_role("approver", "operator") else [],
        open_inquiries=open_inquiries,
        follow_ups=follow_ups,
        guides_to_publish=guides_to_publish,
        me=me,
    )
