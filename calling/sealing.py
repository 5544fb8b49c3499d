"""Secrets Sunlight must send on (a queue system's client secret and password):
sealed with Fernet under a key derived from the app's SECRET_KEY, so a copy of
the database (a backup) alone does not reveal them. Inbound tokens are kept as
hashes instead (calling/credentials.py); these cannot be.

Changing SECRET_KEY makes them unreadable: the console then asks for them again.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app

# A key of its own, not SECRET_KEY itself (which also signs sessions).
_CONTEXT = b"sunlight/calling/sealed-secrets/v1\x00"


class Unreadable(Exception):
    """Sealed under another SECRET_KEY (or damaged)."""


def _fernet() -> Fernet:
    digest = hashlib.sha256(_CONTEXT + current_app.config["SECRET_KEY"].encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode() if secret else ""


def unseal(sealed: str) -> str:
    if not sealed:
        return ""
    try:
        return _fernet().decrypt(sealed.encode()).decode()
    except InvalidToken:
        raise Unreadable from None
