"""Personal data shown masked: names, phone numbers, and such numbers inside free text.

``mask_text`` is the one function that decides what a published answer hides: every
public surface and the handler's preview call it, so what a handler sees before
publishing is exactly what the kiosk shows. ``masked_spans`` says where it hid
something, for the preview's highlighting.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# ASCII and full-width digits; not \d, which also takes digits of other scripts.
_D = "[0-9０-９]"
# Between two digits: at most a space, a dash or a dot and another space, as people
# write "138 2468 1357", "139-8642-7531" or "138 - 2468 - 1357".
_SEP = r"[ \u3000]?[-－—.·]?[ \u3000]?"
_COUNTRY = rf"(?:(?:[+＋]|00)[ \u3000]?86{_SEP}|[(（][+＋]?86[)）]{_SEP})"
_NUMBER_PATTERNS = (
    # 15- and 18-digit ID numbers and bank cards (16–19 digits): any long run.
    re.compile(rf"(?<!{_D}){_D}(?:{_SEP}{_D}){{14,18}}(?:{_SEP}[Xx])?(?![0-9０-９A-Za-z])"),
    # Mobiles, with or without the country code.
    re.compile(rf"(?<!{_D})(?:{_COUNTRY}|86{_SEP})?1{_SEP}[3-9](?:{_SEP}{_D}){{9}}(?!{_D})"),
    # Landlines with an area code: 0571-88886666, (010)12345678, +86 571 8888 6666.
    re.compile(rf"(?<!{_D})(?:[(（]0{_D}{{2,3}}[)）]|0{_D}{{2,3}})(?:{_SEP}{_D}){{7,8}}(?!{_D})"),
    re.compile(rf"(?<!{_D}){_COUNTRY}[1-9]{_D}{{1,2}}(?:{_SEP}{_D}){{7,8}}(?!{_D})"),
)
_EMAIL = re.compile(
    r"(?<![\w.+-])([\w.+-]{1,64})[@＠]([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})",
    re.ASCII,
)
_WHITESPACE = r"[\s\u3000]*"


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


def _word_pattern(word: str) -> re.Pattern | None:
    """A word as written, also with spaces between its characters (张 三)."""
    chars = [c for c in word if not c.isspace()]
    if not chars:
        return None
    return re.compile(_WHITESPACE.join(re.escape(c) for c in chars), re.IGNORECASE)


def _name_words(names: Iterable[str]) -> list[tuple[str, int]]:
    """(word, characters kept): a name keeps its first character, like mask_name; for
    names of three or more characters the given name alone is hidden too (王小明
    writes of himself as 小明): over-masking a common word is the safe side."""
    words = []
    for name in names:
        name = "".join((name or "").split())
        if len(name) >= 2:
            words.append((name, 1))
        if len(name) >= 3:
            words.append((name[-2:], 0))
    return words


def _spans(text: str, names: Iterable[str], words: Iterable[str]) -> list[tuple[int, int, str]]:
    """(start, end, masked) for everything to hide, earliest first, never overlapping."""
    found: list[tuple[int, int, str]] = []
    taken = [False] * len(text)

    def add(start: int, end: int, masked: str) -> None:
        if any(taken[start:end]):
            return
        taken[start:end] = [True] * (end - start)
        found.append((start, end, masked))

    for pattern in _NUMBER_PATTERNS:
        for m in pattern.finditer(text):
            add(m.start(), m.end(), mask_phone(m.group()).replace("X", "*").replace("x", "*"))
    for m in _EMAIL.finditer(text):
        local = m.group(1)
        add(m.start(), m.end(), local[0] + "*" * (len(local) - 1) + m.group()[len(local) :])
    for word, keep in [*_name_words(names), *((w, 0) for w in words)]:
        pattern = _word_pattern(word)
        for m in pattern.finditer(text) if pattern else ():
            add(m.start(), m.end(), _star(m.group(), keep))
    return sorted(found)


def _star(text: str, keep: int) -> str:
    """Every visible character after the first ``keep`` becomes *."""
    out, seen = [], 0
    for ch in text:
        if ch.isspace():
            out.append(ch)
            continue
        out.append(ch if seen < keep else "*")
        seen += 1
    return "".join(out)


def split_words(text: str) -> list[str]:
    """The handler's extra words to hide: one per line (or separated by ， ; 、)."""
    return [w.strip() for w in re.split(r"[\n\r,，;；、]+", text or "") if w.strip()]


def masked_parts(text: str, names: Iterable[str] = (), words: Iterable[str] = ()):
    """The published text in parts: (text, masked?) pairs, for highlighting."""
    text = text or ""
    names, words = list(names), list(words)
    parts, at = [], 0
    for start, end, masked in _spans(text, names, words):
        if start > at:
            parts.append((text[at:start], False))
        parts.append((masked, True))
        at = end
    if at < len(text):
        parts.append((text[at:], False))
    return parts


def mask_for(inquiry, text: str) -> str:
    """Text of or about ``inquiry`` as published: its asker's name and the handler's
    extra words hidden too."""
    return mask_text(text, (inquiry.name,), split_words(inquiry.masked_words))


def parts_for(inquiry, text: str):
    """``mask_for`` in parts, for the handler's preview."""
    return masked_parts(text, (inquiry.name,), split_words(inquiry.masked_words))


def mask_text(text: str, names: Iterable[str] = (), words: Iterable[str] = ()) -> str:
    """Text as published: phones (mobile and landline, in any spacing, with or
    without +86), e-mail addresses, ID and bank-card numbers, the asker's ``names``
    and the handler's extra ``words`` masked."""
    return "".join(part for part, _ in masked_parts(text, names, words))
