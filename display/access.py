"""A terminal proves itself with its token; anything else gets an empty 404."""

from __future__ import annotations

from flask import Response, request

from content_feed.api.declare import Reply
from content_feed.db import db
from content_feed.models import Terminal
from content_feed.terminals import authenticate

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


def presented_token() -> str | None:
    return request.headers.get("X-Terminal-Token") or request.args.get("token")


def terminal_or_refuse(code: str, kind: str | tuple[str, ...]) -> Terminal:
    kinds = (kind,) if isinstance(kind, str) else kind
    terminal = authenticate(db.session, code, presented_token())
    if terminal is None or terminal.kind not in kinds:
        raise TerminalRefused(code)
    return terminal


def refused_response(_exc=None) -> Response:
    # Nothing else: no page, no hint whether the code or the token was wrong.
    return Response(b"", status=404, headers={"Cache-Control": "no-store"})
