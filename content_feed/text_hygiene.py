"""Control characters never get into stored text.

A title with ``\\x01`` or ``\\x0b`` is invisible on a screen but makes an XML
document (the Atom feed) malformed for every consumer, and a lone surrogate
cannot be encoded at all. ``clean_text`` removes both; tab, line feed and
carriage return stay (multi-line text keeps its lines).

``install`` adds a flush hook that cleans every string column of every new or
changed row, so no path into the database (a console form, a kiosk's JSON, the
command line, an import) can store such a character.
"""

from __future__ import annotations

import re

from sqlalchemy import String, event, inspect
from sqlalchemy.orm import Session

# C0 controls but tab, LF, CR; DEL; C1 controls; surrogates; the two noncharacters
# XML 1.0 forbids.
_UNWANTED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def has_unwanted(text: str) -> bool:
    return _UNWANTED.search(text) is not None


def clean_text(text: str) -> str:
    """``text`` without control characters, lone surrogates and XML noncharacters."""
    return _UNWANTED.sub("", text) if has_unwanted(text) else text


def _clean_row(obj) -> None:
    state = inspect(obj)
    for column in state.mapper.columns:
        if not isinstance(column.type, String):
            continue
        key = state.mapper.get_property_by_column(column).key
        value = state.dict.get(key)
        if isinstance(value, str) and has_unwanted(value):
            setattr(obj, key, clean_text(value))


def _before_flush(session: Session, _context, _instances) -> None:
    for obj in (*session.new, *session.dirty):
        _clean_row(obj)


def install() -> None:
    """Clean string columns at every flush (idempotent)."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
