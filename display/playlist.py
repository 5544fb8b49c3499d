"""Playlist entries (节目) to what a screen shows, through public_now only.

Fixed entries name one piece of content; rule entries fill themselves from the
feed ("the 10 newest public items in 党费收缴使用", "every guide of this hall").
Whatever is not public now, for this hall and surface, is left out.
"""

from __future__ import annotations

import base64
import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from content_feed.catalogue import descendant_ids
from content_feed.markup import render_markdown
from content_feed.models import Category, Guide, Item, MeetingNotice, Playlist, PlaylistEntry
from content_feed.public_now import (
    public_guides,
    public_items,
    public_meetings,
    public_slogans,
)
from content_feed.qr import render_qr
from content_feed.timefmt import local_text
from content_feed.urls import guide_home, item_home
from content_feed.wording import visits_text

ENTRY_KINDS = {
    "item_headline": "公开事项标题",
    "item_page": "公开事项全文",
    "guide": "办事指南摘要（含二维码）",
    "slogan": "宣传标语",
    "meeting": "会议公告",
    "qr_card": "二维码卡片",
    "image": "图片",
    "rule": "自动规则",
}

# Entries whose words and pictures an operator writes in the entry itself, rather
# than picking approved content: each passes approval before it reaches a screen,
# as a slogan does (issue 20).
NEEDS_APPROVAL = frozenset({"qr_card", "image"})

RULES = {
    "newest_items": "某目录下最新的公开事项",
    "hall_guides": "本大厅全部办事指南",
    "slogans": "全部宣传标语",
    "meetings": "全部会议公告",
}

LABELS = {
    "item_headline": "公开信息",
    "item_page": "公开信息",
    "guide": "办事指南",
    "slogan": "宣传标语",
    "meeting": "会议公告",
    "qr_card": "扫码了解",
    "image": "图片",
    "urgent": "紧急通知",
}

MAX_RULE_LIMIT = 50


def qr_data_uri(url: str) -> str:
    """An inline SVG QR code: the player keeps it with the program while offline."""
    return "data:image/svg+xml;base64," + base64.b64encode(render_qr(url, "svg")).decode()


def is_local_url(url) -> bool:
    """Images come from this server only: halls are offline intranets."""
    # Browsers read "\\" as "/" (so "/\\host/x.png" is "//host/x.png"), and drop
    # tabs and newlines: none of them belongs in a path on this server.
    return (
        isinstance(url, str)
        and url.startswith("/")
        and not url.startswith("//")
        and not any(ch in url for ch in "\\\t\r\n")
    )


def plain(text: str, limit: int = 400) -> str:
    text = re.sub(r"[#>*_`\[\]()|-]+", " ", text or "")
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Resolver:
    """Resolves entries for one screen at one time."""

    def __init__(self, session: Session, hall_id: int | None, surface: str, now: datetime):
        self.session, self.hall_id, self.surface, self.now = session, hall_id, surface, now

    def entries(self, playlist: Playlist) -> list[dict]:
        shown: list[dict] = []
        for entry in playlist.entries:
            for n, content in enumerate(self.expand(entry)):
                content.setdefault("label", LABELS.get(content["kind"], ""))
                content["duration"] = max(1, entry.duration_seconds)
                content["key"] = f"e{entry.id}-{n}-{content.setdefault('ref', '')}"
                shown.append(content)
        return shown

    # -- one entry -------------------------------------------------------

    def expand(self, entry: PlaylistEntry, *, approved_only: bool = True) -> list[dict]:
        """What one entry shows now (nothing when its content is not public). A
        console thumbnail asks with ``approved_only=False``: what an operator's own
        card would look like before an approver lets it on screen."""
        p = entry.params or {}
        kind = entry.kind
        if approved_only and kind in NEEDS_APPROVAL and entry.published_at is None:
            return []
        if kind == "rule":
            return self._rule(p)
        if kind in ("item_headline", "item_page"):
            item = self._item(p.get("item_id"))
            return [self.item(item, kind)] if item else []
        if kind == "guide":
            guide = self._one(
                public_guides(self.now, hall_id=self.hall_id), Guide, p.get("guide_id")
            )
            return [self.guide(guide)] if guide else []
        if kind == "slogan":
            slogan = self._one(
                public_slogans(self.now, hall_id=self.hall_id), None, p.get("slogan_id")
            )
            return [self.slogan(slogan)] if slogan else []
        if kind == "meeting":
            meeting = self._one(
                public_meetings(self.now, hall_id=self.hall_id), MeetingNotice, p.get("meeting_id")
            )
            return [self.meeting(meeting)] if meeting else []
        if kind == "qr_card":
            return [self.qr_card(p)] if p.get("url") else []
        if kind == "image":
            return [self.image(p)] if is_local_url(p.get("url")) else []
        return []

    def _one(self, stmt, model, ident):
        if ident is None:
            return None
        entity = model or stmt.column_descriptions[0]["entity"]
        return self.session.execute(stmt.where(entity.id == int(ident))).scalar_one_or_none()

    def _item(self, ident) -> Item | None:
        return self._one(
            public_items(self.now, hall_id=self.hall_id, surface=self.surface), Item, ident
        )

    def _rule(self, p: dict) -> list[dict]:
        limit = max(1, min(int(p.get("limit") or 10), MAX_RULE_LIMIT))
        rule = p.get("rule")
        if rule == "newest_items":
            stmt = public_items(self.now, hall_id=self.hall_id, surface=self.surface)
            if p.get("category"):
                cat = self.session.execute(
                    select(Category).where(Category.code == p["category"])
                ).scalar_one_or_none()
                if cat is None:
                    return []
                stmt = stmt.where(Item.category_id.in_(descendant_ids(cat)))
            show = "item_page" if p.get("show") == "item_page" else "item_headline"
            return [self.item(i, show) for i in self.session.execute(stmt.limit(limit)).scalars()]
        if rule == "hall_guides":
            stmt = public_guides(self.now, hall_id=self.hall_id).limit(limit)
            return [self.guide(g) for g in self.session.execute(stmt).scalars()]
        if rule == "slogans":
            stmt = public_slogans(self.now, hall_id=self.hall_id).limit(limit)
            return [self.slogan(s) for s in self.session.execute(stmt).scalars()]
        if rule == "meetings":
            stmt = public_meetings(self.now, hall_id=self.hall_id).limit(limit)
            return [self.meeting(m) for m in self.session.execute(stmt).scalars()]
        return []

    # -- content to shown shape -------------------------------------------

    def item(self, item: Item, kind: str) -> dict:
        shown = {
            "kind": kind,
            "ref": f"item{item.id}",
            "label": item.category.name if item.category else LABELS[kind],
            "title": item.title,
            "text": item.led_text or item.title,
            "subtitle": " · ".join(
                x
                for x in (item.publishing_body, local_text(item.last_published_at, "%Y-%m-%d"))
                if x
            ),
            "summary": item.summary,
            "qr": qr_data_uri(item_home(item)),
            "qr_caption": "扫码查看全文",
        }
        if kind == "item_page":
            shown["body_html"] = render_markdown(item.body)
        return shown

    def guide(self, guide: Guide) -> dict:
        limit, fee = guide.promised_limit, guide.fee_text
        facts = [
            ("承诺时限", limit),
            ("收费", fee),
            ("办理窗口", guide.window.label if guide.window else ""),
            ("到现场次数", visits_text(guide.visits)),
        ]
        return {
            "kind": "guide",
            "ref": f"guide{guide.id}",
            "title": guide.name,
            # "承诺无" reads as nonsense on a strip: only a real deadline is named.
            "text": f"{guide.name}：承诺{limit}，{fee}"
            if guide.promised.is_deadline
            else guide.name,
            "subtitle": guide.implementing_body,
            "summary": guide.summary,
            "facts": [[k, v] for k, v in facts if v],
            "materials": [m.name for m in guide.materials][:6],
            "qr": qr_data_uri(guide_home(guide)),
            "qr_caption": "扫码带走办事指南",
        }

    def slogan(self, slogan) -> dict:
        return {
            "kind": "slogan",
            "ref": f"slogan{slogan.id}",
            "title": slogan.text,
            "text": slogan.text,
        }

    def meeting(self, m: MeetingNotice) -> dict:
        when = local_text(m.meeting_at, "%Y年%m月%d日 %H:%M")
        return {
            "kind": "meeting",
            "ref": f"meeting{m.id}",
            "title": m.title,
            "text": f"{m.title}：{when}，{m.place}",
            "subtitle": f"{when} · {m.place}",
            "summary": plain(m.topics, 200),
            "facts": [
                ["会议时间", when],
                ["会议地点", m.place],
                ["旁听名额", f"{m.observer_quota} 名" if m.observer_quota else ""],
                ["报名截止", local_text(m.register_until)],
            ],
            "body": plain(m.how_to_register, 200),
        }

    def qr_card(self, p: dict) -> dict:
        title = str(p.get("title") or "扫码了解更多")
        return {
            "kind": "qr_card",
            "ref": "qr",
            "title": title,
            "text": str(p.get("text") or title),
            "summary": str(p.get("text") or ""),
            "qr": qr_data_uri(str(p["url"])),
            "qr_caption": str(p.get("caption") or "请用手机扫码"),
        }

    def image(self, p: dict) -> dict:
        title = str(p.get("title") or "")
        return {
            "kind": "image",
            "ref": "img",
            "title": title,
            "text": title,
            "image": str(p["url"]),
        }
