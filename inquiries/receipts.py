"""Receipt numbers (回执号): hard to guess, easy to read aloud and type.

``WX-7KXM-4PQR-9HTW``: a kind prefix and twelve characters in groups of four
from an alphabet without 0/O and 1/I (60 random bits: guessing one of a
hall's receipts by trying is hopeless, and lookups are rate limited too).
``normalize`` accepts what a person types — lower case, full-width letters,
spaces, no dashes — and gives the stored form, or None when it cannot be a
receipt number. ``group_receipt_no`` is the one way a number is shown.

A submission queued on a kiosk while the server is unreachable has no number
yet. The kiosk shows a 暂存号 instead: the first :data:`PENDING_LENGTH`
characters of its idempotency key (``k-`` + the receipt alphabet, made on the
kiosk). Once the submission has arrived, the 暂存号 finds it like a number.
"""

from __future__ import annotations

import re
import secrets
import unicodedata

PREFIXES = {
    "question": "WX",
    "suggestion": "JY",
    "disclosure_request": "YS",
    "comment": "YJ",
    "rating": "PJ",
}
# No 0/O, 1/I: read aloud or typed from a slip of paper.
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
GROUPS, GROUP_SIZE = 3, 4
MAX_TYPED = 60
PENDING_PREFIX = "k-"
PENDING_LENGTH = 8

_PREFIX = "|".join(sorted(set(PREFIXES.values())))
_CURRENT = re.compile(rf"^({_PREFIX})([{ALPHABET}]{{{GROUPS * GROUP_SIZE}}})$")
# Before the grouped form: prefix, local date, six characters (WX20261117ABCDEF).
_LEGACY = re.compile(rf"^({_PREFIX})(\d{{8}}[{ALPHABET}]{{6}})$")
_PENDING = re.compile(f"^[{ALPHABET}]{{{PENDING_LENGTH}}}$")
_NOT_ALNUM = re.compile(r"[^0-9A-Z]")


def new_receipt_number(kind: str) -> str:
    tail = "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP_SIZE))
    groups = [tail[i : i + GROUP_SIZE] for i in range(0, len(tail), GROUP_SIZE)]
    return "-".join([PREFIXES[kind], *groups])


def compact(text) -> str:
    """What a person typed: full-width folded, upper case, separators gone."""
    folded = unicodedata.normalize("NFKC", str(text or ""))[:MAX_TYPED].upper()
    return _NOT_ALNUM.sub("", folded)


def normalize(text) -> str | None:
    """The stored form of a typed receipt number, or None."""
    if not isinstance(text, str) or len(text) > MAX_TYPED:
        return None
    typed = compact(text)
    current = _CURRENT.match(typed)
    if current:
        prefix, tail = current.groups()
        groups = [tail[i : i + GROUP_SIZE] for i in range(0, len(tail), GROUP_SIZE)]
        return "-".join([prefix, *groups])
    if _LEGACY.match(typed):
        return typed
    return None


def group_receipt_no(receipt_no: str) -> str:
    """A number split for reading aloud and copying: ``WX 7KXM 4PQR 9HTW``."""
    if "-" in receipt_no:
        return receipt_no.replace("-", " ")
    return " ".join(receipt_no[i : i + 4] for i in range(0, len(receipt_no), 4))


def pending_code(idempotency_key: str) -> str:
    """The 暂存号 of a submission made on a kiosk, from its idempotency key ('' if none)."""
    if not idempotency_key.startswith(PENDING_PREFIX):
        return ""
    code = idempotency_key[len(PENDING_PREFIX) : len(PENDING_PREFIX) + PENDING_LENGTH]
    return code if _PENDING.match(code) else ""


def find_by_typed(session, text: str):
    """The submission a typed receipt number or 暂存号 names, or None."""
    from sqlalchemy import select

    from content_feed.models import Inquiry, Rating
    from inquiries.submissions import find_receipt

    number = normalize(text)
    if number is not None:
        return find_receipt(session, number)
    typed = compact(text)
    if not _PENDING.match(typed):
        return None
    key = PENDING_PREFIX + typed
    for model in (Inquiry, Rating):
        matches = list(
            session.execute(
                select(model).where(model.idempotency_key.startswith(key, autoescape=True)).limit(2)
            ).scalars()
        )
        if len(matches) == 1:
            return matches[0]
    return None
