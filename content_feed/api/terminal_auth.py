"""Kiosks prove who they are with their token, as screens do.

A kiosk's token is shown once at registration and provisioned into its browser
(``/kiosk/<code>?token=…`` on first start, then kept in localStorage); every
submission, heartbeat and bundle request carries it in ``X-Terminal-Token``.
The check itself is the terminal directory's ``authenticate`` (in memory, the
same one the WSGI fast path uses for every poll): one function.
"""

from __future__ import annotations

from flask import request

from content_feed.api.problems import Problem
from content_feed.db import db
from content_feed.models import Terminal
from content_feed.terminals import directory, presented_token

REFUSED = "本终端未通过认证，请联系大厅工作人员用登记时发放的令牌重新配置本机"


def authenticated_kiosk(code) -> Terminal:
    """The active kiosk ``code`` whose token came with the request, else a 401."""
    token = presented_token(request.environ)
    card = None
    if isinstance(code, str) and 0 < len(code) <= 60 and token:
        card = directory().authenticate(code, token, ("kiosk",))
    terminal = db.session.get(Terminal, card.id) if card is not None else None
    if terminal is None or not terminal.active:
        raise Problem(401, REFUSED, errors={"terminal": "终端未登记、已停用或令牌不符"})
    return terminal
