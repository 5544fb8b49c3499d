"""Receipt numbers as people type and read them.

One place turns what a visitor types (spaces, dashes, full-width letters,
lower case, an O for a 0) into the stored form, and one place groups a number
for reading. The number's format itself is made in
:mod:`content_feed.submissions`; change it there and these keep working as
long as the alphabet has no O or I (which is why an O or I typed is a 0 or 1).

A submission queued on a kiosk while the server is unreachable has no number
yet. The kiosk shows a 暂存号 instead: the first :data:`PENDING_LENGTH`
characters of its idempotency key (``k-`` + the receipt alphabet, made on the
kiosk). Once the submission has arrived, the 暂存号 finds it like a number.
"""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import select
from sqlalchemy.orm import Session

from content_feed.models import Inquiry, Rating
from content_feed.submissions import RECEIPT_ALPHABET, find_receipt

MAX_TYPED = 40
PENDING_PREFIX = "k-"
PENDING_LENGTH = 8
_NOT_ALNUM = re.compile(r"[^0-9A-Z]")
_PENDING = re.compile(f"^[{RECEIPT_ALPHABET}]{{{PENDING_LENGTH}}}$")
_LOOKALIKE = str.maketrans({"O": "0", "I": "1"})


def normalize_receipt_no(text: str) -> str:
    """What a visitor typed, as stored: no spaces or dashes, upper case, O→0, I→1."""
    folded = unicodedata.normalize("NFKC", str(text or ""))[:MAX_TYPED].upper()
    return _NOT_ALNUM.sub("", folded).translate(_LOOKALIKE)[:30]


def group_receipt_no(receipt_no: str) -> str:
    """A number split for reading aloud and copying: ``WX 2026 1201 A3K9 ZQ``."""
    return " ".join(receipt_no[i : i + 4] for i in range(0, len(receipt_no), 4))


def pending_code(idempotency_key: str) -> str:
    """The 暂存号 of a submission made on a kiosk, from its idempotency key ('' if none)."""
    if not idempotency_key.startswith(PENDING_PREFIX):
        return ""
    code = idempotency_key[len(PENDING_PREFIX) : len(PENDING_PREFIX) + PENDING_LENGTH]
    return code if _PENDING.match(code) else ""


def find_by_typed(session: Session, text: str) -> Inquiry | Rating | None:
    """The submission a typed receipt number or 暂存号 names, or None."""
    number = normalize_receipt_no(text)
    if not number:
        return None
    found = find_receipt(session, number)
    if found is not None or not _PENDING.match(number):
        return found
    key = PENDING_PREFIX + number
    for model in (Inquiry, Rating):
        rows = session.execute(
            select(model).where(model.idempotency_key.startswith(key, autoescape=True)).limit(2)
        ).scalars()
        matches = list(rows)
        if len(matches) == 1:
            return matches[0]
    return None
