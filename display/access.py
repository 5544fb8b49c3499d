"""A terminal proves itself with its token; anything else gets an empty 404."""

from __future__ import annotations

from flask import Response, request

from content_feed.api.declare import Reply
from content_feed.db import db
from content_feed.models import Terminal
from content_feed.terminals import TerminalAccess, directory, presented_token

# The screens: walls and LED strips, their token in the header or, for LED cards
# that can only pull a URL and a wall's provisioning visit, as ?token=.
SCREEN_KINDS = ("wall", "led")
SCREENS = TerminalAccess(SCREEN_KINDS, token_in_url=True)
LED_STRIPS = TerminalAccess(("led",), token_in_url=True)

# What every screen route declares (api/declare.py): the token (header, or URL for
# LED cards that can only pull one), and for an unknown screen or a wrong token an
# empty 404 that says nothing more.
SCREEN_ROUTE = {
    "token": True,
    "token_in_url": True,
    "replies": {404: Reply("终端未登记、已停用或令牌不符（空响应，不说明原因）")},
}


class TerminalRefused(Exception):
    """Raised for an unknown terminal or a wrong token; answered with a bare 404."""


def screen_token() -> str | None:
    """A screen's token: its header, or ``?token=`` (SCREEN_ROUTE: cards that
    only pull a URL, and a wall's one provisioning visit)."""
    return presented_token(request.environ, in_url=True)


def terminal_or_refuse(code: str, access: TerminalAccess) -> Terminal:
    """The active terminal ``code`` that presents its token as ``access`` takes it."""
    card = access.card(directory(), code, request.environ)
    terminal = db.session.get(Terminal, card.id) if card is not None else None
    if terminal is None or not terminal.active:
        raise TerminalRefused(code)
    return terminal


def refused_response(_exc=None) -> Response:
    # Nothing else: no page, no hint whether the code or the token was wrong.
    return Response(b"", status=404, headers={"Cache-Control": "no-store"})
