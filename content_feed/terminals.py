"""Terminal registration and token checks."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from content_feed.models import Terminal


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(24)


def find_terminal(session: Session, code: str, kind: str | None = None) -> Terminal | None:
    stmt = select(Terminal).where(Terminal.code == code, Terminal.active.is_(True))
    if kind is not None:
        stmt = stmt.where(Terminal.kind == kind)
    return session.execute(stmt).scalar_one_or_none()


def authenticate(
    session: Session, code: str, token: str | None, kind: str | None = None
) -> Terminal | None:
    """The active terminal ``code`` if ``token`` is its token, else None."""
    terminal = find_terminal(session, code, kind)
    if terminal is None or not token or not terminal.token_hash:
        return None
    if not hmac.compare_digest(terminal.token_hash, hash_token(token)):
        return None
    return terminal


TOKEN_HEADER = "X-Terminal-Token"


def presented_token(headers) -> str | None:
    """The token a terminal sends in ``X-Terminal-Token`` (never in a URL)."""
    token = headers.get(TOKEN_HEADER)
    return token if token and len(token) <= 200 else None
