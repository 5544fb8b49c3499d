"""``python run.py demo --remove``: take the demo hall out of a database in real use.

What goes: the demo terminals (by their demo tokens) with their plays and
confirmations; the demo items, guides, meeting notice and slogans; the demo
playlists, schedules and terminal group. Demo *accounts* that still have the
demo password are deactivated, renamed (freeing the name) and given a random
password: their rows stay because the append-only ledger refers to them.
What stays: everything staff made themselves, the hall and its windows (rename
them in the console), the catalogue, citizens' submissions, and the ledger.
"""

from __future__ import annotations

import secrets

from sqlalchemy import Table, delete, select, update
from sqlalchemy.orm import Session

from content_feed import ledger
from content_feed.db import db
from content_feed.models import (
    FeedState,
    Guide,
    Item,
    MeetingNotice,
    Playlist,
    RotationSchedule,
    Slogan,
    Terminal,
    TerminalGroup,
    User,
)
from content_feed.terminals import hash_token
from demo import (
    DEMO_HALL2_ITEM,
    DEMO_PASSWORD,
    DEMO_TERMINALS,
    DEMO_USERS,
    SLOGANS,
)
from demo.guides import GUIDES
from demo.items import ITEMS

COMMENT_DRAFT = "关于调整党员固定活动日安排的征求意见稿"
MEETING = "关于召开局党组会议邀请党员旁听的公告"
PLAYLISTS = ("大屏日常轮播", "午间办事指南", "门头条屏", "夜间宣传标语")
GROUPS = ("一楼大厅屏幕",)
# Rows that belong to what they point at, and go with it even where the
# reference may be empty; other optional references (a rating of a demo guide,
# a comment on a demo item) are kept and only lose the reference.
OWNED = {"attachment", "playlist_entry", "rotation_schedule"}


def _purge(session: Session, table: Table, ids: list[int]) -> int:
    """Delete rows ``ids`` of ``table`` and, first, what depends on them."""
    if not ids:
        return 0
    for child in db.metadata.sorted_tables:
        for fk in child.foreign_keys:
            if fk.column.table is not table or child.name == "ledger_entry":
                continue
            column = fk.parent
            # A reference within the table itself, or an optional one from a row
            # that lives on its own: cleared, the row stays.
            if child is table or (column.nullable and child.name not in OWNED):
                session.execute(update(child).where(column.in_(ids)).values({column.name: None}))
            elif "id" in child.c:
                child_ids = list(
                    session.execute(select(child.c.id).where(column.in_(ids))).scalars()
                )
                _purge(session, child, child_ids)
            else:  # an association table
                session.execute(delete(child).where(column.in_(ids)))
    session.execute(delete(table).where(table.c.id.in_(ids)))
    return len(ids)


def _ids(session: Session, stmt) -> list[int]:
    return list(session.execute(stmt).scalars())


def remove_demo(session: Session, at) -> dict:
    """Remove what the demo made; returns counts per kind (for the command line)."""
    demo_names = [u[0] for u in DEMO_USERS]
    users = [
        u
        for u in session.execute(select(User).where(User.username.in_(demo_names))).scalars()
        if u.check_password(DEMO_PASSWORD)
    ]
    user_ids = [u.id for u in users]
    titles = [i[1] for i in ITEMS] + [COMMENT_DRAFT, DEMO_HALL2_ITEM]
    tokens = [hash_token(t[5]) for t in DEMO_TERMINALS]
    counts = {
        "terminals": _purge(
            session,
            Terminal.__table__,
            _ids(session, select(Terminal.id).where(Terminal.token_hash.in_(tokens))),
        ),
        "items": _purge(
            session,
            Item.__table__,
            _ids(
                session,
                select(Item.id).where(Item.title.in_(titles), Item.created_by_id.in_(user_ids)),
            ),
        )
        if user_ids
        else 0,
        "guides": _purge(
            session,
            Guide.__table__,
            _ids(session, select(Guide.id).where(Guide.name.in_([g["name"] for g in GUIDES]))),
        ),
        "meetings": _purge(
            session,
            MeetingNotice.__table__,
            _ids(session, select(MeetingNotice.id).where(MeetingNotice.title == MEETING)),
        ),
        "slogans": _purge(
            session,
            Slogan.__table__,
            _ids(
                session,
                select(Slogan.id).where(Slogan.text.in_(SLOGANS), Slogan.published_by_id.is_(None)),
            ),
        ),
        "playlists": _purge(
            session,
            Playlist.__table__,
            _ids(session, select(Playlist.id).where(Playlist.name.in_(PLAYLISTS))),
        ),
    }
    _purge(
        session,
        RotationSchedule.__table__,
        _ids(session, select(RotationSchedule.id).where(RotationSchedule.playlist_id.is_(None))),
    )
    _purge(
        session,
        TerminalGroup.__table__,
        _ids(session, select(TerminalGroup.id).where(TerminalGroup.name.in_(GROUPS))),
    )
    for user in users:
        user.username = f"{user.username}-demo-removed-{user.id}"[:60]
        user.set_password(secrets.token_urlsafe(32))
        user.active = False
        user.end_sessions()
    counts["accounts"] = len(users)
    # Core deletes pass no flush hook: move the content version by hand, so
    # every screen and kiosk drops what was removed at its next poll.
    session.execute(
        update(FeedState).where(FeedState.id == 1).values(version=FeedState.version + 1)
    )
    ledger.record(
        session,
        "demo.remove",
        actor_name="命令行",
        summary="删除演示内容：" + "，".join(f"{k} {v}" for k, v in counts.items()),
        at=at,
    )
    session.commit()
    return counts
