"""Applying queue events: one function for the queue system's endpoint and the
console's built-in caller.

An event is stored once per (hall, event id): a repeat answers ``duplicate`` and
changes nothing. Each window keeps the event time of the newest event applied;
an older event arriving late (a queue system replaying its backlog out of order)
is kept in the history and fills its case's times, but leaves the window as the
newer event set it (``stale``). Every stored event moves the hall's calls topic
and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from calling.models import CallCase, CallEvent, CallingHall, CallingWindow
from calling.schemas import WITH_TICKET, CallEventIn, WindowState
from content_feed import topics
from content_feed.api.problems import Problem
from content_feed.models import Hall, Window
from content_feed.versioning import move_topics

# A recall this soon after the call changes nothing (the strip would stutter).
RECALL_QUIET = timedelta(seconds=5)
STATE_LABELS = {"idle": "空闲", "calling": "叫号中", "serving": "办理中", "paused": "暂停服务"}


@dataclass
class Outcome:
    event: CallEvent
    status: str  # applied / stale / duplicate
    window: CallingWindow


def settings_of(session: Session, hall_id: int) -> CallingHall:
    row = session.execute(
        select(CallingHall).where(CallingHall.hall_id == hall_id)
    ).scalar_one_or_none()
    if row is None:
        row = CallingHall(hall_id=hall_id)
        session.add(row)
        session.flush()
    return row


def calling_window(session: Session, window: Window) -> CallingWindow:
    row = session.execute(
        select(CallingWindow).where(CallingWindow.window_id == window.id)
    ).scalar_one_or_none()
    if row is None:
        row = CallingWindow(window_id=window.id, hall_id=window.hall_id, window=window)
        session.add(row)
        session.flush()
    return row


def find_window(session: Session, hall: Hall, number: str, field: str = "window") -> Window:
    number = number.strip()
    windows = (
        session.execute(
            select(Window)
            .where(Window.hall_id == hall.id)
            .order_by(Window.sort_order, Window.number)
        )
        .scalars()
        .all()
    )
    for window in windows:
        if window.number == number:
            return window
    known = "、".join(w.number for w in windows) or "无"
    raise Problem(
        422,
        f"{hall.name}没有编号为“{number}”的窗口（已登记的窗口：{known}），"
        "请在后台“大厅与窗口”中登记后再发送",
        errors={field: f"没有编号为“{number}”的窗口"},
    )


def strip_text(row: CallingWindow) -> str:
    """What the window's strip says in this state."""
    if row.state == "calling":
        return f"请{row.ticket}号"
    if row.state == "serving":
        return f"正在办理{row.ticket}号"
    if row.state == "paused":
        return "暂停服务"
    return row.idle_text or "热情为您服务"


def shown_state(row: CallingWindow) -> WindowState:
    return WindowState(
        number=row.window.number,
        name=row.window.name,
        state=row.state,
        state_label=STATE_LABELS[row.state],
        ticket=row.ticket if row.state in ("calling", "serving") else "",
        text=strip_text(row),
    )


def _case(session: Session, event: CallEvent, window_id: int) -> CallCase:
    """The open case of the event's ticket at that window (a new one after its end)."""
    case = session.execute(
        select(CallCase)
        .where(
            CallCase.hall_id == event.hall_id,
            CallCase.window_id == window_id,
            CallCase.ticket == event.ticket,
        )
        .order_by(CallCase.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    ended_before = (
        case is not None and case.ended_at is not None and case.ended_at < (event.occurred_at)
    )
    if case is None or (event.kind == "call" and ended_before):
        case = CallCase(
            hall_id=event.hall_id, window_id=window_id, ticket=event.ticket, service=event.service
        )
        session.add(case)
        session.flush()
    if event.service and not case.service:
        case.service = event.service
    return case


def _fill_case(session: Session, event: CallEvent, issued_at: datetime | None) -> CallCase | None:
    """The case's times: the first call, the start, the end (late events fill gaps)."""
    if event.kind not in WITH_TICKET or not event.ticket:
        return None
    case = _case(session, event, event.window_id)
    at = event.occurred_at
    if issued_at is not None and case.issued_at is None:
        case.issued_at = issued_at
    if event.kind in ("call", "recall") and (case.called_at is None or at < case.called_at):
        case.called_at = at
    elif event.kind == "start" and case.started_at is None:
        case.started_at = at
    elif event.kind in ("end", "no_show", "transfer") and case.ended_at is None:
        case.ended_at = at
        case.no_show = event.kind == "no_show"
    return case


def _apply(row: CallingWindow, event: CallEvent, case: CallCase | None) -> bool:
    """The window's new state; False when the event changes nothing shown (a recall
    within RECALL_QUIET of its call)."""
    kind, at = event.kind, event.occurred_at
    if (
        kind == "recall"
        and row.state == "calling"
        and row.ticket == event.ticket
        and row.called_at is not None
        and at - row.called_at < RECALL_QUIET
    ):
        return False
    if kind in ("call", "recall"):
        row.state, row.ticket, row.called_at = "calling", event.ticket, at
        row.service = event.service or (row.service if kind == "recall" else "")
        row.pause_reason = ""
    elif kind == "start":
        row.state, row.ticket = "serving", event.ticket
    elif kind == "pause":
        row.state, row.pause_reason = "paused", event.reason
    elif kind == "resume":
        row.state, row.pause_reason = "idle", ""
    else:  # end, no_show, transfer
        row.state, row.ticket, row.service = "idle", "", ""
        if kind == "end" and case is not None:
            row.rating_case_id = case.id  # 一次一评: the window's tablet offers it
    return True


def check_event(data: CallEventIn) -> None:
    if data.type in WITH_TICKET and not data.ticket.strip():
        raise Problem(422, "该类事件必须给出票号（ticket）", errors={"ticket": "请填写票号"})
    if data.type == "transfer" and not data.to_window.strip():
        raise Problem(
            422, "转窗口事件必须给出转入的窗口（to_window）", errors={"to_window": "请填写窗口编号"}
        )


def receive(
    session: Session, hall: Hall, data: CallEventIn, now: datetime, source: str = "api"
) -> Outcome:
    """Store and apply one event; commits. Raises Problem for an unknown window."""
    check_event(data)
    existing = _stored(session, hall.id, data.event_id)
    if existing is not None:
        return Outcome(existing, "duplicate", calling_window(session, existing.window))
    window = find_window(session, hall, data.window)
    to_window = find_window(session, hall, data.to_window, "to_window") if data.to_window else None
    row = calling_window(session, window)
    at = data.occurred_at
    event = CallEvent(
        hall_id=hall.id,
        event_id=data.event_id,
        kind=data.type,
        window_id=window.id,
        to_window_id=to_window.id if to_window else None,
        ticket=data.ticket.strip().upper(),
        service=data.service.strip(),
        reason=data.reason.strip(),
        occurred_at=at,
        received_at=now,
        source=source,
    )
    session.add(event)
    session.flush()
    case = _fill_case(session, event, data.issued_at)
    fresh = row.last_event_at is None or at >= row.last_event_at
    event.outcome = "applied" if fresh else "stale"
    if fresh:
        row.last_event_at = at
        shown = _apply(row, event, case)
        if shown and data.sound and event.kind in ("call", "recall"):
            from calling.announcements import announce

            announce(session, hall, row, event, now)
    settings_of(session, hall.id).last_contact_at = now
    move_topics(session, {topics.calls(hall.id)})
    try:
        session.commit()
    except IntegrityError:  # the same event, racing in from a retry
        session.rollback()
        existing = _stored(session, hall.id, data.event_id)
        if existing is None:
            raise
        return Outcome(existing, "duplicate", calling_window(session, existing.window))
    return Outcome(event, event.outcome, row)


def _stored(session: Session, hall_id: int, event_id: str) -> CallEvent | None:
    return session.execute(
        select(CallEvent).where(CallEvent.hall_id == hall_id, CallEvent.event_id == event_id)
    ).scalar_one_or_none()


def touch(session: Session, hall_id: int) -> None:
    """A console change of what screens show (idle text, band size): move the topic."""
    move_topics(session, {topics.calls(hall_id)})
