"""Handling what people submitted: states, assignment, replies, extensions,
bad-rating follow-ups, due-date status and the daily reminder list.

Intake (validation, idempotency, receipts) is in submissions.py; this module
is what happens afterwards in the console. Every change is written to the
audit ledger in the caller's transaction.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from content_feed import ledger
from content_feed.models import Inquiry, Rating, User
from content_feed.timefmt import local
from content_feed.vocabulary import (
    CLOSED_INQUIRY_STATES,
    INQUIRY_STATES,
    OPEN_INQUIRY_STATES,
    InquiryState,
)
from inquiries.privacy import mask_name, mask_phone, split_words
from inquiries.working_days import add_working_days

# Which state may follow which; a closed inquiry may be reopened.
TRANSITIONS = {
    InquiryState.PENDING: {InquiryState.IN_PROGRESS, InquiryState.DONE, InquiryState.CANNOT_HANDLE},
    InquiryState.IN_PROGRESS: {InquiryState.DONE, InquiryState.CANNOT_HANDLE, InquiryState.PENDING},
    InquiryState.CANNOT_HANDLE: {InquiryState.IN_PROGRESS, InquiryState.DONE},
    InquiryState.DONE: {InquiryState.IN_PROGRESS},
}


class HandlingError(Exception):
    """A step that is not allowed; the message is Chinese and shown to staff."""


def _settings() -> dict:
    return current_app.config["SUNLIGHT"]["feedback"]


def _require(actor: User) -> None:
    if not actor.has_role("handler"):
        raise HandlingError("没有办理权限")


# What the ledger shows of an inquiry before and after each handling step.
STATE_FIELDS = ("state", "assignee_id", "department", "due_on", "reply_public")


def _snapshot(inq: Inquiry) -> dict:
    return ledger.snapshot(inq, STATE_FIELDS)


def _record_step(session: Session, action: str, inq: Inquiry, before: dict, actor, at, summary):
    """A handling step on the ledger, through the console's one change recording:
    recorded whether or not the listed fields moved (a reply's text is not among them)."""
    ledger.record_change(
        session,
        action,
        inq,
        before,
        _snapshot(inq),
        actor=actor,
        at=at,
        summary=summary,
        whole=True,
    )


def blocked_words_in(text: str) -> list[str]:
    return [w for w in _settings()["blocked_words"] if w and w in text]


def set_state(
    session: Session, inq: Inquiry, actor: User, at: datetime, state: str, reason: str = ""
) -> None:
    _require(actor)
    if state not in INQUIRY_STATES:
        raise HandlingError("未知的办理状态")
    if state == inq.state:
        return
    if state not in TRANSITIONS[inq.state]:
        raise HandlingError(f"不能从“{INQUIRY_STATES[inq.state]}”改为“{INQUIRY_STATES[state]}”")
    if state == InquiryState.CANNOT_HANDLE and not reason.strip():
        raise HandlingError("标记为暂不能办时须说明理由")
    if state == InquiryState.DONE and not inq.reply.strip():
        raise HandlingError("办结前请先填写答复")
    before = _snapshot(inq)
    inq.state, inq.state_reason = state, reason.strip()
    inq.closed_at = at if state in CLOSED_INQUIRY_STATES else None
    _record_step(
        session,
        "inquiry.state",
        inq,
        before,
        actor,
        at,
        f"{inq.receipt_no} → {INQUIRY_STATES[state]} {reason}".strip(),
    )


def assign(
    session: Session,
    inq: Inquiry,
    actor: User,
    at: datetime,
    *,
    assignee: User | None,
    department: str,
) -> None:
    _require(actor)
    if assignee is None and not department.strip():
        raise HandlingError("请选择承办人或填写承办部门")
    new_assignee = assignee.id if assignee else None
    # The assignee may read the citizen's full contact details: only an
    # administrator decides who that is, never a handler for themself.
    if new_assignee != inq.assignee_id and not actor.has_role("admin"):
        raise HandlingError("只有管理员可以指定或改派承办人")
    if assignee is not None and not (assignee.active and assignee.has_role("handler")):
        raise HandlingError("承办人须是具有“办理”角色的在用账号")
    before = _snapshot(inq)
    inq.assignee_id = assignee.id if assignee else None
    inq.department = department.strip()
    if inq.state == InquiryState.PENDING:
        inq.state = InquiryState.IN_PROGRESS
    who = assignee.display_name if assignee else inq.department
    _record_step(
        session, "inquiry.assign", inq, before, actor, at, f"{inq.receipt_no} 交 {who} 办理"
    )


def reply(
    session: Session,
    inq: Inquiry,
    actor: User,
    at: datetime,
    *,
    text: str,
    public: bool,
    public_question: str = "",
    masked_words: str | None = None,
    close: bool = True,
) -> None:
    """Answer; a public reply shows on kiosks (masked) once stored.

    The asker's own words are published only with their consent (是否同意公开答复,
    asked on the kiosk). Without it a public answer needs ``public_question``: the
    question rewritten by the handler, published anonymously."""
    _require(actor)
    text = text.strip()
    public_question = (public_question or "").strip()
    if not text:
        raise HandlingError("请填写答复内容")
    if len(text) > _settings()["max_text_length"] * 2:
        raise HandlingError("答复内容过长")
    if len(public_question) > _settings()["max_text_length"]:
        raise HandlingError("改写后的问题过长")
    if public and not inq.public_consent and not public_question:
        raise HandlingError("提问人未同意公开：请改写问题（不含个人信息）后匿名公开，或不公开")
    if public:
        shown = public_question or inq.text
        found = blocked_words_in(text) + blocked_words_in(shown)
        if found:
            raise HandlingError(f"公开答复不能包含：{'、'.join(sorted(set(found)))}")
    before = _snapshot(inq)
    inq.reply, inq.reply_public = text, public
    inq.public_question = public_question
    if masked_words is not None:
        inq.masked_words = "\n".join(split_words(masked_words))
    inq.replied_at, inq.replied_by_id = at, actor.id
    if close:
        inq.state, inq.closed_at = InquiryState.DONE, at
    _record_step(
        session,
        "inquiry.reply",
        inq,
        before,
        actor,
        at,
        f"{inq.receipt_no} 答复{'（公开）' if public else ''}",
    )


def extend(session: Session, inq: Inquiry, actor: User, at: datetime, reason: str) -> None:
    """依申请公开: one extension of at most the configured working days, with a reason."""
    _require(actor)
    if inq.kind != "disclosure_request":
        raise HandlingError("只有依申请公开可以延长答复期限")
    if inq.extended_days:
        raise HandlingError("答复期限只能延长一次")
    if not reason.strip():
        raise HandlingError("请填写延期理由")
    if inq.state not in OPEN_INQUIRY_STATES:
        raise HandlingError("已办结的事项不能延期")
    days = _settings()["disclosure_request_extension_days"]
    before = _snapshot(inq)
    inq.due_on = add_working_days(inq.due_on, days)
    inq.extended_days, inq.extension_reason = days, reason.strip()
    _record_step(
        session,
        "inquiry.extend",
        inq,
        before,
        actor,
        at,
        f"{inq.receipt_no} 延长 {days} 个工作日：{reason}",
    )


def due_status(due_on: date | None, today: date, open_: bool = True) -> str:
    """ "overdue", "due_today", or "" — what the queue highlights."""
    if not open_ or due_on is None:
        return ""
    if due_on < today:
        return "overdue"
    return "due_today" if due_on == today else ""


def answered_on_time(inq: Inquiry) -> bool | None:
    if inq.closed_at is None or inq.due_on is None:
        return None
    return local(inq.closed_at).date() <= inq.due_on


def open_personal_record(
    session: Session, record: Inquiry | Rating, actor: User, at: datetime
) -> None:
    """Who saw an unmasked name or phone number is written to the ledger."""
    ledger.record(
        session,
        "personal_data.view",
        actor=actor,
        obj=record,
        summary=f"查看 {record.receipt_no} 的联系方式",
        at=at,
    )


def masked_contact(record: Inquiry | Rating) -> dict:
    return {"name": mask_name(getattr(record, "name", "")), "phone": mask_phone(record.phone)}


# -- bad ratings (差评) ------------------------------------------------------------


def record_contact(session: Session, rating: Rating, actor: User, at: datetime, note: str) -> None:
    _require(actor)
    if rating.follow_up_state not in ("open",):
        raise HandlingError("该评价没有待回访的整改")
    if not note.strip():
        raise HandlingError("请记录回访情况")
    rating.contacted_at, rating.handler_id = at, actor.id
    rating.follow_up_state = "contacted"
    rating.resolution_note = note.strip()
    ledger.record(
        session,
        "rating.contact",
        actor=actor,
        obj=rating,
        summary=f"{rating.receipt_no} 已回访：{note}",
        at=at,
    )


def resolve_rating(session: Session, rating: Rating, actor: User, at: datetime, note: str) -> None:
    _require(actor)
    if rating.follow_up_state not in ("open", "contacted"):
        raise HandlingError("该评价没有待整改事项")
    if not note.strip():
        raise HandlingError("请填写整改情况")
    if rating.contacted_at is None:
        rating.contacted_at = at
    rating.resolved_at, rating.handler_id = at, actor.id
    rating.follow_up_state = "resolved"
    rating.resolution_note = "\n".join(filter(None, [rating.resolution_note, note.strip()]))
    ledger.record(
        session,
        "rating.resolve",
        actor=actor,
        obj=rating,
        summary=f"{rating.receipt_no} 整改完成：{note}",
        at=at,
    )


def follow_up_status(rating: Rating, today: date) -> str:
    if rating.follow_up_state == "open":
        return due_status(rating.contact_due_on, today) or due_status(rating.resolve_due_on, today)
    if rating.follow_up_state == "contacted":
        return due_status(rating.resolve_due_on, today)
    return ""


def follow_up_counts(session: Session, today: date) -> dict[str, int]:
    """Bad ratings whose next step (the call, else the fix) is overdue, due today,
    due tomorrow or later: what the dashboard and 我的待办 show a handler."""
    counts = {"overdue": 0, "due_today": 0, "later": 0}
    rows = session.execute(
        select(Rating).where(Rating.follow_up_state.in_(("open", "contacted")))
    ).scalars()
    for rating in rows:
        status = follow_up_status(rating, today)
        counts[status if status in counts else "later"] += 1
    counts["open"] = sum(counts.values())
    return counts


# -- reminders ---------------------------------------------------------------------


def reminder_list(session: Session, today: date) -> dict:
    """Open inquiries due today or overdue, and bad ratings past a follow-up limit."""
    open_inquiries = (
        session.execute(
            select(Inquiry)
            .where(Inquiry.state.in_(OPEN_INQUIRY_STATES), Inquiry.due_on <= today)
            .order_by(Inquiry.due_on, Inquiry.id)
        )
        .scalars()
        .all()
    )
    ratings = (
        session.execute(
            select(Rating)
            .where(Rating.follow_up_state.in_(("open", "contacted")))
            .order_by(Rating.received_at)
        )
        .scalars()
        .all()
    )
    late_ratings = [r for r in ratings if follow_up_status(r, today)]
    return {
        "overdue": [i for i in open_inquiries if i.due_on < today],
        "due_today": [i for i in open_inquiries if i.due_on == today],
        "ratings": late_ratings,
    }


def reminder_text(reminders: dict, today: date) -> str:
    def receipts(rows):
        return "、".join(r.receipt_no for r in rows) or "无"

    return (
        f"{today.isoformat()} 办理提醒：已超期 {len(reminders['overdue'])} 件"
        f"（{receipts(reminders['overdue'])}）；今日到期 {len(reminders['due_today'])} 件"
        f"（{receipts(reminders['due_today'])}）；差评整改超期 {len(reminders['ratings'])} 件"
        f"（{receipts(reminders['ratings'])}）。"
    )
