"""Content a playlist entry names, found by its title: what the operator may pick
(public content of the playlist's hall or of every hall; the hall scope of the
request already hides the halls the operator may not use), what a saved entry
is called, and whether it still plays (withdrawn, archived, expired)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select

from content_feed.db import db
from content_feed.models import Guide, Hall, Item, MeetingNotice, PlaylistEntry, Slogan
from content_feed.vocabulary import GuideState, ItemState
from display.playlist import ENTRY_KINDS, RULES, Resolver

PUBLIC = "public"


@dataclass(frozen=True)
class Source:
    model: type
    title: object  # the column the operator reads and types
    param: str  # the key in PlaylistEntry.params
    noun: str


SOURCES = {
    "item": Source(Item, Item.title, "item_id", "公开事项"),
    "guide": Source(Guide, Guide.name, "guide_id", "办事指南"),
    "slogan": Source(Slogan, Slogan.text, "slogan_id", "宣传标语"),
    "meeting": Source(MeetingNotice, MeetingNotice.title, "meeting_id", "会议公告"),
}
# Entry kind -> the content it names.
SOURCE_OF = {
    "item_headline": "item",
    "item_page": "item",
    "guide": "guide",
    "slogan": "slogan",
    "meeting": "meeting",
}
# Kinds whose entries carry their own content (found among entries already made).
OWN_CONTENT = ("qr_card", "image")
SEARCH_LIMIT = 20


def title_of(row) -> str:
    return row.title if hasattr(row, "title") else (row.name if hasattr(row, "name") else row.text)


def hall_ids_of(row) -> set[int]:
    """The halls a row belongs to; empty for content of every hall."""
    if isinstance(row, Item):
        return {h.id for h in row.halls}
    return {row.hall_id} if row.hall_id is not None else set()


def fits_hall(row, hall_id: int | None) -> bool:
    halls = hall_ids_of(row)
    return not halls or hall_id is None or hall_id in halls


def _public(source: Source, stmt):
    if hasattr(source.model, "scope"):
        stmt = stmt.where(source.model.scope == PUBLIC)
    return stmt


def candidates(kind: str, words: str, hall_id: int | None) -> list:
    """Public content of ``kind`` whose title holds ``words``, usable in ``hall_id``."""
    source = SOURCES[SOURCE_OF[kind]]
    stmt = _public(source, select(source.model))
    if words:
        stmt = stmt.where(source.title.contains(words, autoescape=True))
    if hall_id is not None:
        if source.model is Item:
            stmt = stmt.where(or_(~Item.halls.any(), Item.halls.any(Hall.id == hall_id)))
        else:
            stmt = stmt.where(or_(source.model.hall_id.is_(None), source.model.hall_id == hall_id))
    return db.session.execute(stmt.order_by(source.model.id.desc()).limit(SEARCH_LIMIT)).scalars()


def own_content(kind: str, words: str) -> list[dict]:
    """QR cards and images already on some playlist, to pick again by title."""
    found, seen = [], set()
    rows = db.session.execute(
        select(PlaylistEntry).where(PlaylistEntry.kind == kind).order_by(PlaylistEntry.id.desc())
    ).scalars()
    for entry in rows:
        params = entry.params or {}
        key = (params.get("url"), params.get("title"))
        if key in seen or (words and words not in (params.get("title") or "")):
            continue
        seen.add(key)
        found.append(
            {k: str(v) for k, v in params.items() if k in ("url", "title", "text", "caption")}
        )
        if len(found) >= SEARCH_LIMIT:
            break
    return found


def content_of(entry_kind: str, params: dict):
    kind = SOURCE_OF.get(entry_kind)
    if kind is None:
        return None
    ident = (params or {}).get(SOURCES[kind].param)
    try:
        return db.session.get(SOURCES[kind].model, int(ident))
    except (TypeError, ValueError):
        return None


def why_not_shown(row, now: datetime) -> str:
    """Why content named by an entry does not play now, in the operator's words."""
    if row is None:
        return "内容已删除"
    if getattr(row, "scope", PUBLIC) != PUBLIC:
        return "非公开内容，不上屏"
    if isinstance(row, Item):
        if row.state == ItemState.ARCHIVED:
            return "已归档"
        if row.state == ItemState.UNPUBLISHED:
            return "未公开"
        if row.valid_until and row.valid_until <= now:
            return "已过期"
        if row.valid_from and row.valid_from > now:
            return "尚未到公开时间"
    if isinstance(row, Guide):
        if row.state == GuideState.ARCHIVED:
            return "已下线"
        if row.state != GuideState.PUBLISHED:
            return "未公开"
    if isinstance(row, MeetingNotice):
        if row.withdrawn_at is not None:
            return "已撤回"
        if row.published_at is None:
            return "未发布"
        if row.meeting_ends_at <= now:
            return "会议已结束"
    if isinstance(row, Slogan):
        if not row.active:
            return "已停用"
        if row.published_at is None:
            return "未发布"
        if row.valid_until and row.valid_until <= now:
            return "已过期"
    return "不属于本大厅"


def entry_title(entry: PlaylistEntry) -> str:
    """What an entry names, in words: its content's title, or its rule."""
    params = entry.params or {}
    if entry.kind == "rule":
        return f"{RULES.get(params.get('rule'), '自动规则')}，最多 {params.get('limit', 10)} 条"
    if entry.kind in OWN_CONTENT:
        return params.get("title") or ("二维码卡片" if entry.kind == "qr_card" else "图片")
    row = content_of(entry.kind, params)
    return title_of(row) if row is not None else "（内容已删除）"


def entry_words(entry: PlaylistEntry) -> str:
    return f"{ENTRY_KINDS.get(entry.kind, '节目')}“{entry_title(entry)}”"


def describe(entry: PlaylistEntry, hall_id: int | None, now: datetime) -> dict:
    """An entry as the operator reads it: kind, title and, when it is off, why."""
    found = {"kind": ENTRY_KINDS.get(entry.kind, "节目"), "title": entry_title(entry), "note": ""}
    if entry.kind == "rule" or entry.kind in OWN_CONTENT:
        return found
    if not any(Resolver(db.session, hall_id, s, now).expand(entry) for s in ("wall", "led")):
        found["note"] = why_not_shown(content_of(entry.kind, entry.params), now)
    return found


def shape(entry: PlaylistEntry, hall_id: int | None, now: datetime) -> dict | None:
    """An entry in the shape the renderers draw, public now or not (a console
    thumbnail shows what an entry would look like); None when it names nothing."""
    resolver = Resolver(db.session, hall_id, "led", now)
    if entry.kind in OWN_CONTENT:
        shown = resolver.expand(entry, approved_only=False)
        return shown[0] if shown else None
    row = content_of(entry.kind, entry.params)
    if row is None or getattr(row, "scope", PUBLIC) != PUBLIC:
        return None
    if isinstance(row, Item):
        return resolver.item(row, entry.kind)
    return getattr(resolver, SOURCE_OF[entry.kind])(row)
