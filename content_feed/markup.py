"""Markdown bodies to safe HTML: markdown-it renders, nh3 (ammonia) sanitises."""

from __future__ import annotations

import html
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "b",
    "i",
    "u",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "a",
    "img",
    "span",
    "del",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "td": {"align"},
    "th": {"align"},
}


def _local_images_only(element: str, attribute: str, value: str) -> str | None:
    """Halls are offline: an image must come from this server (an attachment),
    never from the internet. Links may point anywhere; nothing loads them."""
    local = value.startswith("/") and not value.startswith("//") and "\\" not in value
    if element == "img" and attribute == "src" and not local:
        return None
    return value


@lru_cache(maxsize=2048)
def render_markdown(source: str) -> str:
    html = _md.render(source or "")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        attribute_filter=_local_images_only,
        link_rel="noopener noreferrer",
    )


def plain_text(source: str) -> str:
    """Text without markup, for search, LED strips and summaries."""
    return html.unescape(nh3.clean(_md.render(source or ""), tags=set())).strip()
