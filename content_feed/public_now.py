"""The one place that decides what the public may see right now.

Every surface (feed API, kiosk, wall, LED, QR targets, search, Atom) asks
these functions. Visibility is computed from the clock at read time, never
from a job having run, so a server that was down at a publication or expiry
time is right the moment it comes back. Only scope ``public`` ever passes.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session

from content_feed.models import (
    Guide,
    Hall,
    Inquiry,
    Item,
    MeetingNotice,
    Slogan,
    UrgentNotice,
)
from content_feed.vocabulary import (
    PUBLIC_SCOPE,
    SHOWN_ITEM_STATES,
    SURFACES,
    GuideState,
    ItemState,
)

SURFACE_FLAGS = {"kiosk": "on_kiosk", "wall": "on_wall", "led": "on_led"}


def surfaces_of(obj) -> list[str]:
    """The surfaces an item or urgent notice is targeted at, from its on_* flags."""
    return [surface for surface, flag in SURFACE_FLAGS.items() if getattr(obj, flag)]


def _check_surface(surface: str | None) -> None:
    if surface is not None and surface not in SURFACES:
        raise ValueError(f"unknown surface {surface!r}")


def _window(start, end, now: datetime):
    return and_(or_(start.is_(None), start <= now), or_(end.is_(None), end > now))


def item_rule(now: datetime, hall_id: int | None = None, surface: str | None = None):
    """The SQL condition for a public item; see :func:`public_items`."""
    _check_surface(surface)
    shown = or_(
        Item.state == ItemState.PUBLISHED,
        and_(
            Item.state == ItemState.PRE_DISCLOSURE,
            Item.comment_from <= now,
            Item.comment_until > now,
        ),
    )
    conditions = [
        shown,
        Item.scope == PUBLIC_SCOPE,
        _window(Item.valid_from, Item.valid_until, now),
    ]
    if hall_id is not None:
        conditions.append(or_(~Item.halls.any(), Item.halls.any(Hall.id == hall_id)))
    if surface is not None:
        conditions.append(getattr(Item, SURFACE_FLAGS[surface]).is_(True))
    return and_(*conditions)


def public_items(
    now: datetime, *, hall_id: int | None = None, surface: str | None = None
) -> Select:
    """Items that are published (or open for comment), public, in their window,
    and targeted at ``hall_id`` and ``surface`` when given. Newest first."""
    return (
        select(Item)
        .where(item_rule(now, hall_id, surface))
        .order_by(Item.last_published_at.desc(), Item.id.desc())
    )


def public_guides(now: datetime, *, hall_id: int | None = None) -> Select:
    stmt = select(Guide).where(Guide.state == GuideState.PUBLISHED, Guide.published_at <= now)
    if hall_id is not None:
        stmt = stmt.where(or_(Guide.hall_id.is_(None), Guide.hall_id == hall_id))
    return stmt.order_by(Guide.sort_order, Guide.id)


def public_meetings(now: datetime, *, hall_id: int | None = None) -> Select:
    """Meeting notices from publication until the meeting ends."""
    stmt = select(MeetingNotice).where(
        MeetingNotice.scope == PUBLIC_SCOPE,
        MeetingNotice.published_at.is_not(None),
        MeetingNotice.published_at <= now,
        MeetingNotice.meeting_ends_at > now,
        MeetingNotice.withdrawn_at.is_(None),
    )
    if hall_id is not None:
        stmt = stmt.where(or_(MeetingNotice.hall_id.is_(None), MeetingNotice.hall_id == hall_id))
    return stmt.order_by(MeetingNotice.meeting_at)


def public_slogans(now: datetime, *, hall_id: int | None = None) -> Select:
    stmt = select(Slogan).where(
        Slogan.active.is_(True),
        # 先审核、后公开: an approver published it.
        Slogan.published_at.is_not(None),
        _window(Slogan.valid_from, Slogan.valid_until, now),
    )
    if hall_id is not None:
        stmt = stmt.where(or_(Slogan.hall_id.is_(None), Slogan.hall_id == hall_id))
    return stmt.order_by(Slogan.sort_order, Slogan.id)


def notice_reaches(group_id: int | None, group_ids: Collection[int]) -> bool:
    """An urgent notice for one terminal group reaches that group's terminals
    only; one without a group reaches every terminal of its halls. The same
    rule as SQL is in ``current_urgent_notices``; this is it in memory."""
    return group_id is None or group_id in group_ids


def current_urgent_notices(
    now: datetime,
    *,
    hall_id: int | None = None,
    surface: str | None = None,
    group_ids: Collection[int] | None,
) -> Select:
    """The urgent notices in force at ``now`` for a terminal of ``hall_id`` on
    ``surface`` in the terminal groups ``group_ids``. A caller that is no
    terminal (the public API) passes ``()`` and sees only notices for all; one
    that serves many terminals at once (display/program.World) passes None for
    every group's and keeps each terminal's with ``notice_reaches``."""
    _check_surface(surface)
    stmt = select(UrgentNotice).where(
        UrgentNotice.cancelled_at.is_(None),
        UrgentNotice.starts_at <= now,
        UrgentNotice.ends_at > now,
    )
    if hall_id is not None:
        stmt = stmt.where(or_(UrgentNotice.hall_id.is_(None), UrgentNotice.hall_id == hall_id))
    if surface is not None:
        stmt = stmt.where(getattr(UrgentNotice, SURFACE_FLAGS[surface]).is_(True))
    if group_ids is not None:
        for_all = UrgentNotice.group_id.is_(None)
        stmt = stmt.where(
            or_(for_all, UrgentNotice.group_id.in_(sorted(group_ids))) if group_ids else for_all
        )
    return stmt.order_by(UrgentNotice.starts_at.desc(), UrgentNotice.id.desc())


def public_answers(*, hall_id: int | None = None) -> Select:
    """Answered inquiries whose reply was marked public."""
    stmt = select(Inquiry).where(Inquiry.reply_public.is_(True), Inquiry.replied_at.is_not(None))
    if hall_id is not None:
        stmt = stmt.where(or_(Inquiry.hall_id.is_(None), Inquiry.hall_id == hall_id))
    return stmt.order_by(Inquiry.replied_at.desc())


def public_item(
    session: Session,
    item_id: int,
    now: datetime,
    *,
    hall_id: int | None = None,
    surface: str | None = None,
) -> Item | None:
    """One item if the rule above shows it now, else None."""
    return session.execute(
        public_items(now, hall_id=hall_id, surface=surface).where(Item.id == item_id)
    ).scalar_one_or_none()


def public_guide(
    session: Session, guide_id: int, now: datetime, *, hall_id: int | None = None
) -> Guide | None:
    return session.execute(
        public_guides(now, hall_id=hall_id).where(Guide.id == guide_id)
    ).scalar_one_or_none()


# Times at which the answers above change without any write: the feed cache
# expires at the next one. Other packages may add theirs (e.g. dayparts).
# Each with the condition of rows that can be public at all: a draft's,
# an internal item's or an unpublished slogan's times must not show in a public
# Cache-Control (issue 20), and a window edge of a row no screen shows moves nothing.
_PUBLIC_ITEM = and_(Item.scope == PUBLIC_SCOPE, Item.state.in_(SHOWN_ITEM_STATES))
_PUBLIC_MEETING = and_(
    MeetingNotice.scope == PUBLIC_SCOPE,
    MeetingNotice.published_at.is_not(None),
    MeetingNotice.withdrawn_at.is_(None),
)
_PUBLIC_SLOGAN = and_(Slogan.active.is_(True), Slogan.published_at.is_not(None))
_LIVE_NOTICE = UrgentNotice.cancelled_at.is_(None)
BOUNDARY_COLUMNS = [
    (Item, Item.valid_from, _PUBLIC_ITEM),
    (Item, Item.valid_until, _PUBLIC_ITEM),
    (Item, Item.comment_from, _PUBLIC_ITEM),
    (Item, Item.comment_until, _PUBLIC_ITEM),
    (Guide, Guide.published_at, Guide.state == GuideState.PUBLISHED),
    (MeetingNotice, MeetingNotice.published_at, _PUBLIC_MEETING),
    (MeetingNotice, MeetingNotice.meeting_ends_at, _PUBLIC_MEETING),
    (Slogan, Slogan.valid_from, _PUBLIC_SLOGAN),
    (Slogan, Slogan.valid_until, _PUBLIC_SLOGAN),
    (UrgentNotice, UrgentNotice.starts_at, _LIVE_NOTICE),
    (UrgentNotice, UrgentNotice.ends_at, _LIVE_NOTICE),
]
