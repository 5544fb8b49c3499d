"""The disclosure workflow of Article 15: 提出 → 审核 → 审批 → 实施 → 归档.

A revision moves draft → proposed → reviewed → (pre-disclosure) → approved,
and approval publishes it: its content is copied onto the item, which keeps
serving the previous content until then. Every move records who and when;
the reviewer and the approver are never someone who wrote the revision's words
(its author or anyone who changed its content or files since: ``editor_ids``),
and never the same person (issue 20: four eyes, really).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy.orm import Session

from content_feed import index_numbers, ledger
from content_feed.models import Attachment, Hall, Item, ItemRevision, User, WorkflowStep
from content_feed.models.item import ItemContent
from content_feed.vocabulary import (
    DISCLOSURE_MODES,
    OPEN_REVISION_STATES,
    SCOPES,
    TIMELINESS,
    ItemState,
    RevisionState,
)

CONTENT_FIELDS = [name for name in ItemContent.__annotations__]
ATTACHMENT_COPY = [
    "filename",
    "content_type",
    "size",
    "sha256",
    "stored_name",
    "width",
    "height",
    "thumbnail_name",
]


class WorkflowError(Exception):
    """A step that is not allowed; the message is Chinese and shown to staff."""


def _require_role(actor: User, role: str, label: str) -> None:
    if not actor.has_role(role):
        raise WorkflowError(f"{actor.display_name or actor.username} 没有{label}权限")


def _step(
    session: Session,
    rev: ItemRevision,
    action: str,
    to_state: str,
    actor: User | None,
    at: datetime,
    note: str = "",
) -> None:
    session.add(
        WorkflowStep(
            revision=rev,
            action=action,
            from_state=rev.state,
            to_state=to_state,
            actor_id=actor.id if actor else None,
            actor_name=(actor.display_name or actor.username) if actor else "系统",
            at=at,
            note=note,
        )
    )
    rev.state = to_state


def _moved(from_state: str, rev: ItemRevision) -> tuple[dict, dict]:
    """The ledger's before/after for a workflow move of ``rev``."""
    before = {"revision": rev.number, "state": from_state}
    return before, {"revision": rev.number, "state": rev.state}


def snapshot(obj) -> dict:
    """Content fields as JSON-friendly values, for the ledger's before/after."""
    out = {}
    for name in CONTENT_FIELDS:
        value = getattr(obj, name)
        out[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return out


def validate_content(fields: dict) -> dict[str, str]:
    """Field errors in Chinese; empty when the content may be proposed."""
    errors = {}
    if not (fields.get("title") or "").strip():
        errors["title"] = "请填写标题"
    elif len(fields["title"]) > 200:
        errors["title"] = "标题不能超过 200 字"
    if fields.get("scope") not in SCOPES:
        errors["scope"] = "请选择公开范围"
    if fields.get("timeliness") not in TIMELINESS:
        errors["timeliness"] = "请选择公开时限"
    if fields.get("disclosure_mode", "proactive") not in DISCLOSURE_MODES:
        errors["disclosure_mode"] = "请选择公开属性"
    if fields.get("timeliness") == "periodic" and not fields.get("refresh_period_days"):
        errors["refresh_period_days"] = "定期公开的事项须填写更新周期（天）"
    if len(fields.get("summary") or "") > 100:
        errors["summary"] = "内容概述不能超过 100 字"
    start, end = fields.get("valid_from"), fields.get("valid_until")
    if start and end and end <= start:
        errors["valid_until"] = "结束时间须晚于开始时间"
    if not fields.get("category_id"):
        errors["category_id"] = "请选择公开目录"
    domains = current_app.config["SUNLIGHT"]["catalogue"]["domains"]
    if fields.get("domain") not in domains:
        errors["domain"] = "请选择公开领域"
    return errors


def create_draft(
    session: Session,
    author: User | None,
    at: datetime,
    *,
    hall_ids: list[int] | None = None,
    **fields,
) -> ItemRevision:
    """A new item with its first revision in draft."""
    item = Item(created_by_id=author.id if author else None, **fields)
    rev = ItemRevision(
        item=item,
        number=1,
        author_id=author.id if author else None,
        editor_ids=[author.id] if author else [],
        hall_ids=list(hall_ids or []),
        **fields,
    )
    session.add_all([item, rev])
    _unpublished_halls(session, rev)
    session.flush()
    ledger.record(
        session,
        "item.draft",
        actor=author,
        obj=item,
        summary=fields.get("title", ""),
        after=snapshot(rev),
        at=at,
    )
    return rev


def new_revision(session: Session, item: Item, author: User, at: datetime) -> ItemRevision:
    """Start editing a published item: the item stays up while this walks the steps."""
    _require_role(author, "drafter", "拟稿")
    open_rev = open_revision(item)
    if open_rev is not None:
        return open_rev
    base = item.published_revision or item.revisions[-1]
    rev = ItemRevision(
        item=item,
        number=max(r.number for r in item.revisions) + 1,
        author_id=author.id,
        editor_ids=[author.id],
        hall_ids=list(base.hall_ids or []),
        **{name: getattr(base, name) for name in CONTENT_FIELDS},
    )
    session.add(rev)
    # The attachments come along (same stored files) so the new version starts complete.
    for att in base.attachments:
        session.add(
            Attachment(
                revision=rev,
                **{c: getattr(att, c) for c in ATTACHMENT_COPY},
            )
        )
    session.flush()
    ledger.record(
        session,
        "item.revise",
        actor=author,
        obj=item,
        summary=f"第 {rev.number} 版修订：{item.title}",
        before={"revision": base.number, "state": base.state},
        after={"revision": rev.number, "state": rev.state},
        at=at,
    )
    return rev


def note_editor(rev: ItemRevision, actor: User) -> None:
    """``actor`` changed the revision's words (content or files): they may neither
    review nor approve it."""
    if actor.id not in (rev.editor_ids or []):
        rev.editor_ids = [*(rev.editor_ids or []), actor.id]


def _wrote(rev: ItemRevision, actor: User) -> bool:
    return actor.id == rev.author_id or actor.id in (rev.editor_ids or [])


def _reviewer_id(rev: ItemRevision) -> int | None:
    """Who reviewed the revision in its current round (after its last rejection)."""
    reviewed = [s for s in rev.steps if s.action == "review"]
    return reviewed[-1].actor_id if reviewed else None


def _require_other_hands(rev: ItemRevision, actor: User, step: str) -> None:
    if _wrote(rev, actor):
        raise WorkflowError(f"{step}人不能是拟稿人本人或修改过本版内容的人（谁公开谁审查）")
    if step != "审核" and _reviewer_id(rev) == actor.id:
        raise WorkflowError("同一人不能既审核又审批同一事项")


def may_change_draft(rev: ItemRevision, actor: User) -> bool:
    """Only a draft's author (or an admin) changes it: its content, its attachments,
    and its proposal with the confidentiality self-check."""
    return rev.author_id in (None, actor.id) or actor.has_role("admin")


def update_draft(
    session: Session,
    rev: ItemRevision,
    actor: User,
    at: datetime,
    *,
    hall_ids: list[int] | None = None,
    **fields,
) -> bool:
    """Change a draft's content; only its author (or an admin) may. True if anything changed."""
    if rev.state != RevisionState.DRAFT:
        raise WorkflowError("只有草稿可以修改，已提交的请先退回")
    _require_role(actor, "drafter", "拟稿")
    if not may_change_draft(rev, actor):
        raise WorkflowError("只有拟稿人本人可以修改草稿")
    unknown = set(fields) - set(CONTENT_FIELDS)
    if unknown:
        raise ValueError(f"not content fields: {sorted(unknown)}")
    before = snapshot(rev)
    before["hall_ids"] = list(rev.hall_ids or [])
    for name, value in fields.items():
        setattr(rev, name, value)
    if hall_ids is not None:
        rev.hall_ids = list(hall_ids)
        _unpublished_halls(session, rev)
    after = snapshot(rev)
    after["hall_ids"] = list(rev.hall_ids or [])
    changed_before = {k: v for k, v in before.items() if after[k] != v}
    if not changed_before:
        return False
    note_editor(rev, actor)
    ledger.record(
        session,
        "item.edit",
        actor=actor,
        obj=rev.item,
        summary=f"修改第 {rev.number} 版草稿：{rev.title}",
        before=changed_before,
        after={k: after[k] for k in changed_before},
        at=at,
    )
    return True


def open_revision(item: Item) -> ItemRevision | None:
    """The revision still walking the steps (draft, proposed or reviewed), if any."""
    return next((r for r in item.revisions if r.state in OPEN_REVISION_STATES), None)


def propose(
    session: Session,
    rev: ItemRevision,
    actor: User,
    at: datetime,
    *,
    note: str,
    channels: str,
    confidentiality_checked: bool,
    comment_days: int | None = None,
) -> None:
    """提出: states content, scope, time and channel, with the confidentiality self-check."""
    if rev.state != RevisionState.DRAFT:
        raise WorkflowError("只有草稿可以提交审核")
    _require_role(actor, "drafter", "拟稿")
    if not may_change_draft(rev, actor):
        raise WorkflowError("只有拟稿人本人可以提出草稿（保密自查由拟稿人确认）")
    errors = validate_content({name: getattr(rev, name) for name in CONTENT_FIELDS})
    if errors:
        raise WorkflowError("；".join(errors.values()))
    if not confidentiality_checked:
        raise WorkflowError("请先完成保密自查并勾选确认")
    if not channels.strip():
        raise WorkflowError("请说明拟公开的渠道（如触摸查询机、大屏、LED屏）")
    minimum = current_app.config["SUNLIGHT"]["workflow"]["min_comment_days"]
    if comment_days is not None and comment_days < minimum:
        raise WorkflowError(f"预公开征求意见期不少于 {minimum} 天")
    rev.proposal_note, rev.proposed_channels = note, channels
    rev.confidentiality_checked, rev.comment_days = True, comment_days
    rev.rejection_reason = ""
    _step(session, rev, "propose", RevisionState.PROPOSED, actor, at, note)
    before, after = _moved(RevisionState.DRAFT, rev)
    after.update(channels=channels, comment_days=comment_days, note=note)
    _record_step(session, "item.propose", rev, actor, at, before, after)


def _record_step(
    session: Session,
    action: str,
    rev: ItemRevision,
    actor: User,
    at: datetime,
    before: dict,
    after: dict,
) -> None:
    ledger.record(
        session,
        action,
        actor=actor,
        obj=rev.item,
        summary=rev.title,
        before=before,
        after=after,
        at=at,
    )


def review(session: Session, rev: ItemRevision, actor: User, at: datetime, note: str = "") -> None:
    """审核 (保密审查): secrecy, necessity, accuracy; never by the author."""
    if rev.state != RevisionState.PROPOSED:
        raise WorkflowError("只有已提出的事项可以审核")
    _require_role(actor, "reviewer", "审核")
    _require_other_hands(rev, actor, "审核")
    _step(session, rev, "review", RevisionState.REVIEWED, actor, at, note)
    before, after = _moved(RevisionState.PROPOSED, rev)
    after["note"] = note
    _record_step(session, "item.review", rev, actor, at, before, after)


def _unpublished_halls(session: Session, rev: ItemRevision) -> None:
    """An item never shown yet belongs to its draft's halls, so the console finds
    it by hall (web.hall_scope); no public answer reads them before
    publication, which copies them again (_copy_to_item)."""
    if rev.item.state in (None, "unpublished"):  # None: not inserted yet
        with session.no_autoflush:
            halls = [h for h in (session.get(Hall, i) for i in rev.hall_ids or []) if h]
        rev.item.halls = halls


def _copy_to_item(session: Session, rev: ItemRevision) -> None:
    item = rev.item
    for name in CONTENT_FIELDS:
        setattr(item, name, getattr(rev, name))
    item.halls = [session.get(Hall, hid) for hid in rev.hall_ids or [] if session.get(Hall, hid)]


def open_comment_period(session: Session, rev: ItemRevision, actor: User, at: datetime) -> None:
    """预公开: show the reviewed content for comment before final approval."""
    if rev.state != RevisionState.REVIEWED or not rev.comment_days:
        raise WorkflowError("只有已审核且申请了征求意见期的事项可以预公开")
    _require_role(actor, "approver", "审批")
    _require_other_hands(rev, actor, "审批")
    item = rev.item
    if item.state == ItemState.PUBLISHED:
        raise WorkflowError("已公开的事项修订不再预公开")
    _copy_to_item(session, rev)
    item.state = ItemState.PRE_DISCLOSURE
    item.comment_from, item.comment_until = at, at + timedelta(days=rev.comment_days)
    _step(
        session,
        rev,
        "open_comment",
        RevisionState.REVIEWED,
        actor,
        at,
        f"征求意见至 {item.comment_until:%Y-%m-%d}",
    )
    ledger.record(
        session,
        "item.pre_disclose",
        actor=actor,
        obj=item,
        summary=rev.title,
        before={"state": ItemState.UNPUBLISHED},
        after={"state": item.state, "comment_until": item.comment_until.isoformat()},
        at=at,
    )


def approve(session: Session, rev: ItemRevision, actor: User, at: datetime, note: str = "") -> Item:
    """审批 and publish: copy onto the item, give an index number on first publication."""
    if rev.state != RevisionState.REVIEWED:
        raise WorkflowError("只有已审核的事项可以审批")
    _require_role(actor, "approver", "审批")
    _require_other_hands(rev, actor, "审批")
    item = rev.item
    if rev.comment_days and item.state != ItemState.PUBLISHED:
        if item.state != ItemState.PRE_DISCLOSURE:
            raise WorkflowError("该事项须先预公开征求意见")
        if item.comment_until and at < item.comment_until:
            raise WorkflowError(f"征求意见期至 {item.comment_until:%Y-%m-%d} 结束，之后方可审批")
    before = snapshot(item) if item.state == ItemState.PUBLISHED else None
    _step(session, rev, "approve", RevisionState.APPROVED, actor, at, note)
    previous = item.published_revision
    if previous is not None and previous is not rev:
        previous.state = RevisionState.SUPERSEDED
    _copy_to_item(session, rev)
    if item.index_number is None:
        item.index_number = index_numbers.allocate(session, at, item.scope)
        item.published_at = at
    item.state, item.last_published_at = ItemState.PUBLISHED, at
    item.comment_from = item.comment_until = None
    item.archived_at, item.archive_reason = None, ""
    item.published_revision = rev
    _step(session, rev, "publish", RevisionState.PUBLISHED, actor, at)
    ledger.record(
        session,
        "item.publish",
        actor=actor,
        obj=item,
        summary=f"{item.index_number} {item.title}",
        before=before,
        after=snapshot(item),
        at=at,
    )
    return item


def reject(session: Session, rev: ItemRevision, actor: User, at: datetime, reason: str) -> None:
    """Back to draft with a reason, from any step before publication."""
    if rev.state not in (RevisionState.PROPOSED, RevisionState.REVIEWED):
        raise WorkflowError("只有待审核或待审批的事项可以退回")
    if not actor.has_role("reviewer", "approver"):
        raise WorkflowError("没有退回权限")
    if not reason.strip():
        raise WorkflowError("请填写退回理由")
    if rev.author_id == actor.id:
        raise WorkflowError("不能退回本人拟稿的事项")
    from_state = rev.state
    rev.rejection_reason = reason
    _step(session, rev, "reject", RevisionState.DRAFT, actor, at, reason)
    item = rev.item
    if item.state == ItemState.PRE_DISCLOSURE:
        item.state, item.comment_from, item.comment_until = ItemState.UNPUBLISHED, None, None
    before, after = _moved(from_state, rev)
    after["reason"] = reason
    ledger.record(
        session,
        "item.reject",
        actor=actor,
        obj=item,
        summary=f"{rev.title}：{reason}",
        before=before,
        after=after,
        at=at,
    )


def archive(
    session: Session, item: Item, actor: User | None, at: datetime, reason: str = ""
) -> None:
    """归档: the item leaves every public surface; its index number stays with it."""
    if item.state == ItemState.ARCHIVED:
        return
    if actor is not None and not actor.has_role("approver", "operator"):
        raise WorkflowError("没有归档权限")
    before = {"state": item.state}
    item.state, item.archived_at, item.archive_reason = ItemState.ARCHIVED, at, reason
    for rev in item.revisions:
        if rev.state in OPEN_REVISION_STATES:
            _step(session, rev, "withdraw", RevisionState.WITHDRAWN, actor, at, "事项已归档")
    ledger.record(
        session,
        "item.archive",
        actor=actor,
        obj=item,
        summary=f"{item.index_number or ''} {item.title} {reason}".strip(),
        before=before,
        after={"state": ItemState.ARCHIVED, "reason": reason},
        at=at,
    )


def stale_items(items: list[Item], at: datetime) -> list[Item]:
    """Periodic items whose refresh period has passed since they were last published."""
    return [
        i
        for i in items
        if i.state == ItemState.PUBLISHED
        and i.timeliness == "periodic"
        and i.refresh_period_days
        and i.last_published_at
        and at - i.last_published_at > timedelta(days=i.refresh_period_days)
    ]
