"""Screens confirm the urgent notice they show (UrgentNoticeAck)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from content_feed.models import Terminal, UrgentNoticeAck
from display.screens import screen_of, urgent_notices_for


def confirm(
    session: Session, terminal: Terminal, notice_id: int, now: datetime
) -> UrgentNoticeAck | None:
    """Record that ``terminal`` shows ``notice_id`` now; None if it is not its notice now.

    Repeating a confirmation only moves ``last_confirmed_at``.
    """
    showing = {n.id for n in urgent_notices_for(session, screen_of(terminal), now)}
    if notice_id not in showing:
        return None
    for _attempt in range(2):
        ack = session.execute(
            select(UrgentNoticeAck).where(
                UrgentNoticeAck.notice_id == notice_id,
                UrgentNoticeAck.terminal_id == terminal.id,
            )
        ).scalar_one_or_none()
        if ack is None:
            ack = UrgentNoticeAck(
                notice_id=notice_id,
                terminal_id=terminal.id,
                first_shown_at=now,
                last_confirmed_at=now,
            )
            session.add(ack)
        else:
            ack.last_confirmed_at = max(ack.last_confirmed_at, now)
        try:
            session.commit()
            return ack
        except IntegrityError:  # another request of the same screen won the insert
            session.rollback()
    return None
