"""Where things live online: the URL a QR code points to."""

from __future__ import annotations

from flask import current_app

from content_feed.models import Guide, Item


def public_base() -> str:
    return current_app.config["SUNLIGHT"]["hall"]["public_base_url"].rstrip("/")


def item_home(item: Item) -> str:
    """The item's own online URL, else its page on this server."""
    return item.online_url or f"{public_base()}/p/items/{item.id}"


def guide_home(guide: Guide) -> str:
    """The guide's page, to take home; its online service has its own QR."""
    return f"{public_base()}/p/guides/{guide.id}"
