"""Demo playlists and rotation schedules for the demo wall (wall-1) and LED strip (led-1)."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from content_feed.models import (
    Guide,
    Item,
    Playlist,
    PlaylistEntry,
    RotationSchedule,
    Terminal,
    TerminalGroup,
)
from content_feed.vocabulary import ItemState
from display.playlist import NEEDS_APPROVAL


def _playlist(
    session: Session, name: str, hall_id: int, entries: list[tuple], now: datetime
) -> Playlist:
    playlist = Playlist(name=name, hall_id=hall_id)
    for order, (kind, params, seconds) in enumerate(entries):
        playlist.entries.append(
            PlaylistEntry(
                kind=kind,
                params=params,
                duration_seconds=seconds,
                sort_order=order,
                # The demo's own words come approved, as its slogans do.
                published_at=now if kind in NEEDS_APPROVAL else None,
            )
        )
    session.add(playlist)
    return playlist


def load_demo(session: Session, now: datetime) -> None:
    terminals = {t.code: t for t in session.execute(select(Terminal)).scalars()}
    wall, led = terminals.get("wall-1"), terminals.get("led-1")
    if wall is None or led is None:
        return
    hall_id = wall.hall_id
    group = TerminalGroup(name="一楼大厅屏幕", hall_id=hall_id)
    session.add(group)
    wall.groups.append(group)
    led.groups.append(group)
    led.scroll_speed = 32
    newest = (
        session.execute(
            select(Item)
            .where(Item.state == ItemState.PUBLISHED)
            .order_by(Item.last_published_at.desc())
        )
        .scalars()
        .first()
    )
    first_guide = session.execute(select(Guide).order_by(Guide.sort_order)).scalars().first()
    base = current_app.config["SUNLIGHT"]["hall"]["public_base_url"].rstrip("/")

    wall_daily = [
        ("rule", {"rule": "newest_items", "limit": 6}, 12),
        ("rule", {"rule": "hall_guides", "limit": 4}, 15),
        ("rule", {"rule": "meetings"}, 15),
        (
            "qr_card",
            {
                "title": "扫码访问阳光公开平台",
                "url": base + "/",
                "text": "党务政务公开信息、办事指南随时查",
                "caption": "手机扫码访问",
            },
            10,
        ),
    ]
    if newest is not None:
        wall_daily.insert(1, ("item_page", {"item_id": newest.id}, 20))
    daily = _playlist(session, "大屏日常轮播", hall_id, wall_daily, now)
    noon_entries = [("rule", {"rule": "hall_guides", "limit": 8}, 12)]
    if first_guide is not None:
        noon_entries.insert(0, ("guide", {"guide_id": first_guide.id}, 15))
    noon_entries.append(("rule", {"rule": "slogans", "limit": 3}, 8))
    noon = _playlist(session, "午间办事指南", hall_id, noon_entries, now)
    strip = _playlist(
        session,
        "门头条屏",
        hall_id,
        [
            ("rule", {"rule": "newest_items", "limit": 3}, 8),
            ("rule", {"rule": "meetings"}, 8),
            ("rule", {"rule": "hall_guides", "limit": 3}, 8),
            ("rule", {"rule": "slogans", "limit": 4}, 8),
        ],
        now,
    )
    evening = _playlist(session, "夜间宣传标语", hall_id, [("rule", {"rule": "slogans"}, 8)], now)
    session.flush()
    session.add_all(
        [
            RotationSchedule(
                name="大屏默认", playlist_id=daily.id, terminal_id=wall.id, is_default=True
            ),
            RotationSchedule(
                name="午间办事高峰",
                playlist_id=noon.id,
                group_id=group.id,
                day_of_week="mon-fri",
                start_time="12:00",
                end_time="14:00",
                priority=10,
            ),
            RotationSchedule(
                name="条屏默认", playlist_id=strip.id, terminal_id=led.id, is_default=True
            ),
            RotationSchedule(
                name="夜间标语",
                playlist_id=evening.id,
                terminal_id=led.id,
                start_time="18:00",
                end_time="08:00",
                priority=5,
            ),
        ]
    )
