"""An Atom feed (RFC 4287) of public disclosures, for other signage and websites."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from flask import Blueprint, current_app
from sqlalchemy.orm import selectinload

from content_feed import topics
from content_feed.api.caching import conditional
from content_feed.clock import now
from content_feed.db import db
from content_feed.markup import render_markdown
from content_feed.models import Item
from content_feed.public_now import public_items
from content_feed.text_hygiene import clean_text
from content_feed.timefmt import iso
from content_feed.urls import item_home, public_base

bp = Blueprint("atom", __name__)

ATOM_NS = "http://www.w3.org/2005/Atom"
ENTRIES = 50


def _sub(parent, tag: str, text: str | None = None, **attrs) -> ET.Element:
    # Text is cleaned at input; cleaning again here keeps the feed well-formed
    # XML even for rows written before that (or by hand).
    el = ET.SubElement(
        parent, f"{{{ATOM_NS}}}{tag}", {k: clean_text(str(v)) for k, v in attrs.items()}
    )
    if text is not None:
        el.text = clean_text(text)
    return el


@bp.get("/feed.atom")
@conditional(
    depends=lambda: [topics.family(topics.CONTENT), topics.CATALOGUE],
    mimetype="application/atom+xml",
)
def feed():
    ET.register_namespace("", ATOM_NS)
    settings = current_app.config["SUNLIGHT"]
    base = public_base()
    items = list(
        db.session.execute(
            public_items(now()).options(selectinload(Item.category)).limit(ENTRIES)
        ).scalars()
    )
    root = ET.Element(f"{{{ATOM_NS}}}feed", {"xml:lang": "zh-CN"})
    _sub(root, "id", f"{base}/feed.atom")
    _sub(root, "title", f"{settings['hall']['name']} · 公开信息")
    updated = max((i.last_published_at for i in items if i.last_published_at), default=None)
    _sub(root, "updated", iso(updated or now()))
    _sub(root, "link", href=f"{base}/feed.atom", rel="self")
    _sub(root, "generator", "Sunlight 阳光公开")
    author = _sub(root, "author")
    _sub(author, "name", settings["hall"]["name"])
    for item in items:
        entry = _sub(root, "entry")
        # A tag URI stays the same whatever host or revision serves it.
        _sub(entry, "id", f"tag:sunlight,2026:item/{item.id}")
        _sub(entry, "title", item.title)
        _sub(entry, "updated", iso(item.last_published_at or item.published_at))
        if item.published_at:
            _sub(entry, "published", iso(item.published_at))
        _sub(entry, "link", href=item_home(item), rel="alternate")
        _sub(entry, "category", term=item.category.code, label=item.category.name)
        if item.publishing_body:
            a = _sub(entry, "author")
            _sub(a, "name", item.publishing_body)
        if item.summary:
            _sub(entry, "summary", item.summary)
        _sub(entry, "content", render_markdown(item.body), type="html")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
