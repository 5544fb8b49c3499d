"""Receipt numbers (回执号): hard to guess, easy to read aloud and type.

``WX-7KXM-4PQR-9HTW``: a kind prefix and twelve characters in groups of four
from an alphabet without 0/O and 1/I (60 random bits: guessing one of a
hall's receipts by trying is hopeless, and lookups are rate limited too).
``normalize`` accepts what a person types — lower case, spaces, no dashes —
and gives the stored form, or None when it cannot be a receipt number.
"""

from __future__ import annotations

import re
import secrets

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

_PREFIX = "|".join(sorted(set(PREFIXES.values())))
_CURRENT = re.compile(rf"^({_PREFIX})([{ALPHABET}]{{{GROUPS * GROUP_SIZE}}})$")
# Before the grouped form: prefix, local date, six characters (WX20261117ABCDEF).
_LEGACY = re.compile(rf"^({_PREFIX})(\d{{8}}[{ALPHABET}]{{6}})$")


def new_receipt_number(kind: str) -> str:
    tail = "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP_SIZE))
    groups = [tail[i : i + GROUP_SIZE] for i in range(0, len(tail), GROUP_SIZE)]
    return "-".join([PREFIXES[kind], *groups])


def normalize(text: str) -> str | None:
    """The stored form of a typed receipt number, or None."""
    if not isinstance(text, str) or len(text) > 60:
        return None
    compact = re.sub(r"[^0-9A-Z]", "", text.upper())
    current = _CURRENT.match(compact)
    if current:
        prefix, tail = current.groups()
        groups = [tail[i : i + GROUP_SIZE] for i in range(0, len(tail), GROUP_SIZE)]
        return "-".join([prefix, *groups])
    if _LEGACY.match(compact):
        return compact
    return None
