"""Screens and kiosks confirm the urgent notice they show (UrgentNoticeAck).

A confirmation is checked against what the terminal should show now and
noted in the presence book, which writes it with the next flush: repeating
one only moves ``last_confirmed_at``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from content_feed.terminals import TerminalCard
from display.rotation import Screen
from display.screens import urgent_notices_for


def showing(session: Session, card: TerminalCard, notice_id: int, now: datetime) -> bool:
    """Whether ``notice_id`` is an urgent notice ``card``'s terminal shows now."""
    screen = Screen(
        terminal_id=card.id, kind=card.kind, hall_id=card.hall_id, group_ids=card.group_ids
    )
    return notice_id in {n.id for n in urgent_notices_for(session, screen, now)}
