"""Terminal registration, token checks and the in-memory table of terminals.

One reader of a presented token (``presented_token``) and one check of it
(``TerminalDirectory.authenticate``, from memory), for the fast path and every
Flask view alike."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from content_feed import topics
from content_feed.models import Terminal
from content_feed.services import services


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(24)


TOKEN_HEADER = "X-Terminal-Token"
MAX_TOKEN_LENGTH = 200


def presented_token(environ, *, in_url: bool = False) -> str | None:
    """The token a terminal presents, from a WSGI environ (Flask's
    ``request.environ`` or the fast path's): its ``X-Terminal-Token`` header,
    or, only where ``in_url`` (an LED card or bridge that can only pull a URL, a
    screen's one provisioning visit), ``?token=``. The one reader of tokens."""
    token = environ.get("HTTP_X_TERMINAL_TOKEN")
    if not token and in_url and "token=" in environ.get("QUERY_STRING", ""):
        from urllib.parse import parse_qs

        values = parse_qs(environ["QUERY_STRING"]).get("token")
        token = values[0] if values else None
    return token if token and len(token) <= MAX_TOKEN_LENGTH else None


@dataclass(frozen=True)
class TerminalAccess:
    """Which terminals a route answers and where they present their token,
    declared once per route: the Flask view, the WSGI fast path and the OpenAPI
    document all read this one declaration.

    ``token_in_url``: the token may come as ``?token=`` too (screens: LED cards
    that only pull a URL, a wall's provisioning visit); a kiosk's comes in its
    header only."""

    kinds: tuple[str, ...]
    token_in_url: bool = False

    def card(self, terminals: TerminalDirectory, code, environ) -> TerminalCard | None:
        """The terminal ``code`` if the request (a WSGI environ) presents its token
        as this route takes it, else None."""
        if not isinstance(code, str) or not 0 < len(code) <= 60:
            return None
        token = presented_token(environ, in_url=self.token_in_url)
        return terminals.authenticate(code, token, self.kinds)


@dataclass(frozen=True)
class TerminalCard:
    """What a request needs to know of a terminal, kept in memory."""

    id: int
    code: str
    kind: str
    hall_id: int
    group_ids: frozenset[int]
    token_hash: str
    name: str = ""
    width: int | None = None
    height: int | None = None


class TerminalDirectory:
    """Every active terminal by code, reloaded when any terminal's settings move.

    Terminals authenticate here on every poll without touching the database;
    registering, deactivating or moving a terminal moves the ``terminals``
    topic (see Terminal.feed_topics), and the next lookup reloads.
    """

    def __init__(self, engine_getter, versions):
        self._engine_getter = engine_getter
        self._versions = versions
        self._cards: dict[str, TerminalCard] = {}
        self._loaded_at: int | None = None
        self._lock = threading.Lock()

    def _fresh(self) -> dict[str, TerminalCard]:
        stamp = self._versions.stamp((topics.TERMINALS,))
        if self._loaded_at is not None and stamp <= self._loaded_at:
            return self._cards
        with self._lock:
            seq = self._versions.seq
            if self._loaded_at is not None and self._versions.stamp((topics.TERMINALS,)) <= (
                self._loaded_at
            ):
                return self._cards
            session = Session(self._engine_getter())
            try:
                rows = session.execute(
                    select(Terminal)
                    .where(Terminal.active.is_(True))
                    .options(selectinload(Terminal.groups))
                ).scalars()
                self._cards = {
                    t.code: TerminalCard(
                        id=t.id,
                        code=t.code,
                        kind=t.kind,
                        hall_id=t.hall_id,
                        group_ids=frozenset(g.id for g in t.groups),
                        token_hash=t.token_hash or "",
                        name=t.name,
                        width=t.width,
                        height=t.height,
                    )
                    for t in rows
                }
            finally:
                session.close()
            # Loaded from the state at ``seq`` or later: good until a newer move.
            self._loaded_at = seq
        return self._cards

    def clear(self) -> None:
        """Reload at the next lookup."""
        self._loaded_at = None

    def lookup(self, code: str, kinds: tuple[str, ...] | None = None) -> TerminalCard | None:
        card = self._fresh().get(code) if isinstance(code, str) else None
        if card is None or (kinds is not None and card.kind not in kinds):
            return None
        return card

    def authenticate(
        self, code: str, token: str | None, kinds: tuple[str, ...] | None = None
    ) -> TerminalCard | None:
        """The active terminal ``code`` of one of ``kinds`` if ``token`` is its token."""
        card = self.lookup(code, kinds)
        if card is None or not token or not card.token_hash or len(token) > MAX_TOKEN_LENGTH:
            return None
        if not hmac.compare_digest(card.token_hash, hash_token(token)):
            return None
        return card


def directory(app=None) -> TerminalDirectory:

    return services(app).terminals
