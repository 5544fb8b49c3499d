"""Ids and integers from untrusted text, checked against what a database column holds.

Used by every package (routes, forms, JSON bodies); imports nothing of Sunlight.
"""

from __future__ import annotations

# The largest id or count any column holds on both databases (PostgreSQL's
# ``integer``); a number past it is bad input, never a database error.
DB_INT_MAX = 2**31 - 1


def db_int(raw) -> int:
    """``int(raw)`` within ±DB_INT_MAX; ValueError otherwise (also for floats
    such as 1e999 from JSON, and for booleans). Usable as ``type=`` of
    ``request.args.get``."""
    if isinstance(raw, bool) or isinstance(raw, float) and not raw.is_integer():
        raise ValueError(f"not an integer: {raw!r}")
    try:
        value = int(raw)
    except (OverflowError, TypeError) as exc:
        raise ValueError(f"not an integer: {raw!r}") from exc
    if abs(value) > DB_INT_MAX:
        raise ValueError(f"out of range: {raw!r}")
    return value


def as_id(raw) -> int | None:
    """A positive id from form or query text (``"12"``), else None: never an
    exception, whatever the text (``"²"``, 5,000 digits, ``"-1"``)."""
    if not isinstance(raw, str) or not raw.isascii() or not raw.isdigit() or len(raw) > 10:
        return None
    value = int(raw)
    return value if 0 < value <= DB_INT_MAX else None
