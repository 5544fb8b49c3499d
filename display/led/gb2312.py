"""Text-only LED controllers carry GB2312 fonts: flag what they cannot show."""

from __future__ import annotations


def outside_gb2312(text: str) -> list[str]:
    """Characters of ``text`` that GB2312 cannot encode, each once, in order."""
    found: list[str] = []
    for ch in text:
        if ch in found or ch in "\n\r\t":
            continue
        try:
            ch.encode("gb2312")
        except UnicodeEncodeError:
            found.append(ch)
    return found
