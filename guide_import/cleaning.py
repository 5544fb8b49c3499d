"""One cell of an export → one clean value, or a FieldError saying why not.

Exports of the provincial platforms carry HTML (``<p>``, ``<br/>``, ``&nbsp;``),
line breaks inside cells, numbers split from their units (``5`` and ``工作日``),
and 是/否 where the model keeps booleans.
"""

from __future__ import annotations

import html
import re
from datetime import date, datetime

import nh3

from content_feed.time_limits import TimeLimit, TimeLimitError
from content_feed.vocabulary import MATERIAL_FORMS, MATERIAL_NECESSITY


class FieldError(ValueError):
    """A cell that cannot be imported; ``str()`` is the Chinese reason."""


_BREAKS = re.compile(r"<\s*br\s*/?\s*>|<\s*/\s*(p|div|li|tr|h[1-6])\s*>", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\u3000\xa0]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def text(value) -> str:
    """Plain text: tags stripped, entities decoded, lines trimmed, blank lines dropped."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        value = value.isoformat()
    raw = str(value)
    if raw[:1] == "'" and raw[1:2] in ("=", "+", "-", "@", "\t", "\r", "\n"):
        raw = raw[1:]  # the apostrophe our CSV exports put before a formula-like cell
    if "<" in raw or "&" in raw:
        raw = _BREAKS.sub("\n", raw)
        # nh3 (ammonia) removes every tag, keeping their text; the entities it
        # leaves (and those of the source) are then decoded once.
        raw = html.unescape(nh3.clean(raw, tags=set()))
    raw = _CONTROL.sub("", raw.replace("\r\n", "\n").replace("\r", "\n"))
    lines = (_SPACES.sub(" ", line).strip() for line in raw.split("\n"))
    return "\n".join(line for line in lines if line)


def line(value) -> str:
    """Single-line text (names, phones): line breaks become spaces."""
    return text(value).replace("\n", " ")


def limited(value: str, limit: int) -> str:
    if len(value) > limit:
        raise FieldError(f"长度 {len(value)} 字，超过上限 {limit} 字")
    return value


_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_CN_DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_NUMBER = re.compile(r"^(\d+(?:\.\d+)?|[零〇一二两三四五六七八九十])\s*(.*)$")


def _number(value) -> tuple[float | None, str]:
    if isinstance(value, bool):
        raise FieldError("须为数字")
    if isinstance(value, int | float):
        return float(value), ""
    s = line(value)
    if not s:
        return None, ""
    m = _NUMBER.match(s)
    if not m:
        return None, s
    n = m.group(1)
    return float(_CN_DIGITS.get(n, n)), m.group(2).strip()


def time_limit(value, unit_value=None) -> str | None:
    """A time limit in the list's own words (``20个工作日``, ``30个自然日``, ``即办``,
    ``无`` …), from one cell or a number and a unit column; None when both are empty."""
    if isinstance(value, str):
        value = line(value)
    try:
        limit = TimeLimit.parse(value, line(unit_value))
    except TimeLimitError as exc:
        raise FieldError(str(exc)) from None
    return None if limit is None else str(limit)


YES = {"是", "y", "yes", "true", "1", "√", "✓", "可", "可以", "支持", "有"}
NO = {"否", "n", "no", "false", "0", "×", "✗", "不", "不可", "不支持", "无", "不可以"}


def yes_no(value) -> bool | None:
    if isinstance(value, bool):
        return value
    s = line(value).casefold()
    if not s:
        return None
    if s in YES:
        return True
    if s in NO:
        return False
    raise FieldError(f"须为“是”或“否”，收到“{line(value)}”")


FREE = {"不收费", "免费", "否", "无", "0", "零", "免收", "不收取任何费用"}


def is_free(value) -> bool | None:
    """收费 → the model's ``is_free``: 不收费/否/免费 is free; 是/收费/a standard is not."""
    s = line(value)
    if not s:
        return None
    if s in FREE or s.startswith(("不收费", "免费", "免收")):
        return True
    if s in ("是", "收费") or "收费" in s or "元" in s:
        return False
    raise FieldError(f"须为“收费”或“不收费”，收到“{s}”")


def count(value, low: int, high: int, default: int | None = None) -> int | None:
    """A small whole number, also ``2份`` / ``1次`` / ``一次``."""
    number, rest = _number(value)
    if number is None:
        if rest:
            raise FieldError(f"须为整数，收到“{rest}”")
        return default
    if rest and rest not in ("份", "次", "张", "套", "本", "件", "个"):
        raise FieldError(f"须为整数，收到“{line(value)}”")
    if not number.is_integer() or not low <= number <= high:
        raise FieldError(f"须为 {low} 到 {high} 之间的整数，收到 {number:g}")
    return int(number)


_FORM_WORDS = [
    ("electronic", ("电子",)),
    ("original", ("原件", "纸质", "正本")),
    ("copy", ("复印", "副本", "影印")),
]


def material_form(value) -> str:
    """原件 / 复印件 / 电子; when a cell names several (原件和复印件), the first one named."""
    s = line(value)
    if not s:
        return "original"
    for code, label in MATERIAL_FORMS.items():
        if s in (label, code):
            return code
    hits = [(s.find(w), code) for code, words in _FORM_WORDS for w in words if w in s]
    if not hits:
        raise FieldError(f"材料形式须为原件、复印件或电子，收到“{s}”")
    return min(hits)[1]


_NECESSITY_WORDS = [
    ("optional", ("非必要", "非必须", "选填", "可选", "否")),
    ("conditional", ("视情况", "情形", "特定", "如有")),
    ("required", ("必要", "必须", "必需", "必填", "是")),
]
# 容缺后补 (accepted now, handed in later) is a flag beside the necessity.
_DEFERRAL = re.compile(r"[（(]?\s*(?:可)?容缺(?:后补|受理)?\s*[)）]?")


def deferred(value) -> bool:
    """Whether a necessity cell says 容缺 (``容缺后补``, ``必要（容缺后补）``)."""
    return bool(_DEFERRAL.search(line(value)))


def necessity(value) -> str:
    """必要 / 视情况 / 非必要; a cell that only says 容缺后补 is a required material."""
    s = _DEFERRAL.sub("", line(value)).strip()
    if not s:
        return "required"
    for code, label in MATERIAL_NECESSITY.items():
        if s in (label, code):
            return code
    for code, words in _NECESSITY_WORDS:
        if any(w in s for w in words):
            return code
    raise FieldError(f"必要性须为必要、视情况、非必要或容缺后补，收到“{s}”")


_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]*$")


def item_code(value) -> str:
    """事项编码 (GB/T 39554.1-2020: digits, letters and separators)."""
    if isinstance(value, float) and (not value.is_integer() or abs(value) >= 2**53):
        raise FieldError("事项编码被 Excel 存成了数字，可能已丢失位数：请把该列设为文本后重新导出")
    if isinstance(value, float):
        value = int(value)
    s = line(value).replace(" ", "")
    if not s:
        raise FieldError("事项编码为空")
    if len(s) > 60:
        raise FieldError(f"事项编码长 {len(s)} 位，超过上限 60 位")
    if not _CODE.match(s):
        raise FieldError(f"事项编码“{s}”只能由字母、数字和“-”“.”“_”组成")
    return s


def url(value) -> str:
    s = line(value).replace(" ", "")
    if s and not re.match(r"^https?://[^/\s]+", s, re.IGNORECASE):
        raise FieldError(f"网办地址须以 http:// 或 https:// 开头，收到“{s[:60]}”")
    return limited(s, 500)


# A list item's number: "1." "1、" "1）" "（1）", at the start of the cell or after
# a separator, and not the "1.5" of an amount.
_ITEM = re.compile(r"(?:^|(?<=[\n；;。，,\s]))(?:[（(](\d{1,2})[)）]|(\d{1,2})[.、．)）](?!\d))\s*")
_ITEM_END = "；;。，, \n"


def numbered(value: str) -> list[str]:
    """A cell that lists several things by number (``1.甲；2.乙；`` on one line, or
    ``1、甲`` one per line) → ``["甲", "乙"]``; any other cell → ``[value]``.
    Numbers must run 1, 2, 3 … from the start of the cell, so a number inside
    a name ("第3.条", "1、2楼") does not cut it."""
    starts = []
    for m in _ITEM.finditer(value):
        if int(m.group(1) or m.group(2)) == len(starts) + 1:
            starts.append(m)
    if len(starts) < 2 or starts[0].start() != 0:
        return [value]
    ends = [m.start() for m in starts[1:]] + [len(value)]
    pieces = [value[m.end() : end].strip(_ITEM_END) for m, end in zip(starts, ends, strict=True)]
    return [p for p in pieces if p]


_OPTIONAL = re.compile(r"[（(]\s*如有\s*[)）]")
_DEFERRAL_MARK = re.compile(r"[（(]\s*(?:可)?容缺(?:后补|受理)?\s*[)）]")
_AMOUNT = re.compile(
    r"(原件|复印件|副本|电子版|电子件)?\s*(\d{1,2}|[一二两三四五六七八九十])\s*份$"
)


def material_marks(name: str) -> tuple[str, dict]:
    """A material's name written with its marks → (the name, what they say):
    ``（如有）`` optional, ``（容缺后补）`` deferrable, a closing ``原件1份`` its
    form and copies."""
    found: dict = {}
    if _OPTIONAL.search(name):
        found["necessity"] = "optional"
        name = _OPTIONAL.sub("", name)
    if _DEFERRAL_MARK.search(name):
        found["deferrable"] = True
        name = _DEFERRAL_MARK.sub("", name)
    m = _AMOUNT.search(name.strip())
    if m and m.start() > 0:
        if m.group(1):
            found["form"] = material_form(m.group(1))
        found["copies"] = count(m.group(2), 0, 99)
        name = name.strip()[: m.start()]
    return name.strip(" ：:，,"), found
