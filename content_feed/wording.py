"""How a fact is put into words for the public, once, for every surface that says it
(kiosk, wall, phone pages, the console's previews)."""

from __future__ import annotations

import re

URGENT = "紧急通知"
# An operator's title that already says 紧急通知 (with or without punctuation).
_URGENT_PREFIX = re.compile(rf"^\s*[【\[]?{URGENT}[】\]]?\s*[：:，,、\-—\s]*")


def urgent_title(title: str) -> str:
    """An urgent notice's title without a leading 紧急通知 the surface adds itself."""
    return _URGENT_PREFIX.sub("", title or "") or (title or "")


def urgent_heading(title: str) -> str:
    """ "紧急通知：…", said once however the operator wrote the title."""
    return f"{URGENT}：{urgent_title(title)}"


def visits_text(visits: int | None) -> str:
    """到现场次数: "无需到现场" for none, "N 次" otherwise."""
    return f"{visits} 次" if visits else "无需到现场"
