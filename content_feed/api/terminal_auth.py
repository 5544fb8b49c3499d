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
from content_feed.terminals import TerminalAccess, directory

# A kiosk presents its token in its header only (never in a URL it could leave behind).
KIOSK = TerminalAccess(("kiosk",))

REFUSED = "本终端未通过认证，请联系大厅工作人员用登记时发放的令牌重新配置本机"


def authenticated_kiosk(code) -> Terminal:
    """The active kiosk ``code`` whose token came with the request, else a 401."""
    card = KIOSK.card(directory(), code, request.environ)
    terminal = db.session.get(Terminal, card.id) if card is not None else None
    if terminal is None or not terminal.active:
        raise Problem(401, REFUSED, errors={"terminal": "终端未登记、已停用或令牌不符"})
    return terminal
