"""Personal data shown masked: names, phone numbers, and such numbers inside free text."""

from __future__ import annotations

import re

_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
_ID_CARD = re.compile(r"(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?![\dXx])")


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***: the family name's first character stays."""
    name = (name or "").strip()
    if not name:
        return ""
    return name[0] + "*" * max(1, len(name) - 1)


def mask_phone(phone: str) -> str:
    """13812345678 → 138****5678; shorter numbers keep two digits at each end."""
    phone = (phone or "").strip()
    digits = [i for i, ch in enumerate(phone) if ch.isdigit()]
    if not digits:
        return ""
    head, tail = (3, 4) if len(digits) >= 11 else (2, 2)
    hidden = set(digits[head : max(head, len(digits) - tail)])
    return "".join("*" if i in hidden else ch for i, ch in enumerate(phone))


def mask_text(text: str) -> str:
    """Mobile and ID-card numbers written inside a question or a reply."""
    text = _ID_CARD.sub(lambda m: m.group(1) + "*" * 8 + m.group(2), text or "")
    return _MOBILE.sub(lambda m: m.group(1) + "****" + m.group(3), text)
