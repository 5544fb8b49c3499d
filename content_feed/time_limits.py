"""A guide's time limit (法定/承诺办结时限) as the provincial lists write it.

A limit is a number with a unit (``20个工作日``, ``30个自然日``, ``2小时``), a word
(``即办``, ``当场办结``, ``无``, ``不适用``) or ``未填写`` when the list says nothing.
``parse`` reads a list's cell (and its unit column, if the list has one);
``str()`` writes it back in the list's words, so an export says what the import read.
Only a limit in working days gives a working-day count (``working_days``): a
deadline is never computed from natural days, hours or a word.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

WORKING_DAYS = "working_days"
CALENDAR_DAYS = "calendar_days"
HOURS = "hours"
SAME_DAY = "same_day"
IMMEDIATE = "immediate"
NONE = "none"
NOT_APPLICABLE = "not_applicable"
UNFILLED = "unfilled"

# unit → (the words of a number in it, or the word of the limit itself).
COUNTED = {WORKING_DAYS: "个工作日", CALENDAR_DAYS: "个自然日", HOURS: "小时"}
WORDS = {
    SAME_DAY: "当场办结",
    IMMEDIATE: "即办",
    NONE: "无",
    NOT_APPLICABLE: "不适用",
    UNFILLED: "未填写",
}
# What the console offers, in this order.
UNIT_CHOICES = [
    (WORKING_DAYS, "工作日"),
    (CALENDAR_DAYS, "自然日"),
    (HOURS, "小时"),
    (SAME_DAY, "当场办结"),
    (IMMEDIATE, "即办"),
    (NONE, "无"),
    (NOT_APPLICABLE, "不适用"),
    (UNFILLED, "未填写"),
]
MAXIMUM = {WORKING_DAYS: 3650, CALENDAR_DAYS: 3650, HOURS: 8760}

# Spellings seen in the lists, after spaces are removed.
_WORD_SPELLINGS = {
    SAME_DAY: ("当场办结", "当场", "当场办理", "即时办结", "立即办结", "当即办结", "当日办结"),
    IMMEDIATE: ("即办", "即办件", "即时", "立即"),
    NONE: ("无", "无时限", "没有"),
    NOT_APPLICABLE: ("不适用", "不涉及"),
    UNFILLED: ("未填写", "未填"),
}
_WORD_OF = {s: unit for unit, spellings in _WORD_SPELLINGS.items() for s in spellings}
_UNIT_SPELLINGS = {
    WORKING_DAYS: ("工作日", "个工作日", "工作天", "个工作天"),
    CALENDAR_DAYS: ("自然日", "个自然日", "日历日", "个日历日"),
    HOURS: ("小时", "个小时"),
}
_UNIT_OF = {s: unit for unit, spellings in _UNIT_SPELLINGS.items() for s in spellings}
# 天 and 日 are working or natural days by each list's habit: the list must say which.
_AMBIGUOUS = ("天", "日")
_NUMBER = re.compile(r"^(\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百]+)(.*)$")
_CN_DIGITS = dict(
    zip("零〇一二两三四五六七八九", (0, 0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9), strict=True)
)
ACCEPTED = "如“20个工作日”“30个自然日”“2小时”“即办”“当场办结”“无”“不适用”"


class TimeLimitError(ValueError):
    """A limit that cannot be read; ``str()`` is the Chinese reason."""


def _chinese_number(s: str) -> int | None:
    """一 … 九百九十九, as the lists write small numbers (二十, 十五, 六十)."""
    total, digit = 0, None
    for ch in s:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in "十百":
            total += (1 if digit is None else digit) * (10 if ch == "十" else 100)
            digit = None
        else:
            return None
    return total + (digit or 0)


def _plain(value) -> str:
    """A cell as compared: full-width forms folded, every space removed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value)))


@dataclass(frozen=True)
class TimeLimit:
    value: int | None
    unit: str

    def __post_init__(self):
        if self.unit in COUNTED:
            high = MAXIMUM[self.unit]
            if not isinstance(self.value, int) or not 1 <= self.value <= high:
                label = COUNTED[self.unit].removeprefix("个")
                raise TimeLimitError(f"时限须为 1 到 {high} 之间的整数个{label}")
        elif self.unit in WORDS:
            if self.value is not None:
                raise TimeLimitError(f"“{WORDS[self.unit]}”不带数字，请清空数字")
        else:
            raise TimeLimitError(f"无法识别的时限单位“{self.unit}”")

    @classmethod
    def unfilled(cls) -> TimeLimit:
        return cls(None, UNFILLED)

    @classmethod
    def of(cls, value: int | None, unit: str) -> TimeLimit:
        """From a form's number and unit: a 0 in days or hours is 当场办结."""
        if value == 0 and unit in COUNTED:
            return cls(None, SAME_DAY)
        return cls(value, unit)

    @classmethod
    def parse(cls, value, unit_value=None) -> TimeLimit | None:
        """A list's cell (``20个工作日``, ``即办``, ``20`` with a unit column
        ``工作日`` …) → a limit; None when both cells are empty. A bare number is
        in working days, the national list's unit."""
        if isinstance(value, bool):
            raise TimeLimitError(f"无法识别的时限，请写{ACCEPTED}")
        text, unit_text = _plain(value), _plain(unit_value)
        if not text:
            if not unit_text:
                return None
            if unit_text in _WORD_OF:
                return cls(None, _WORD_OF[unit_text])
            raise TimeLimitError(f"时限单位为“{unit_text}”，但没有填写时限数字")
        if text in _WORD_OF:
            return cls(None, _WORD_OF[text])
        m = _NUMBER.match(text)
        if not m:
            raise TimeLimitError(f"无法识别的时限“{text}”，请写{ACCEPTED}")
        digits, rest = m.groups()
        number = _chinese_number(digits) if not digits[0].isdigit() else float(digits)
        unit_text = rest or unit_text
        unit = _UNIT_OF.get(unit_text) if unit_text else WORKING_DAYS
        if unit is None:
            if unit_text in _AMBIGUOUS:
                raise TimeLimitError(f"时限单位“{unit_text}”不明确：请写明“工作日”“自然日”或“小时”")
            raise TimeLimitError(f"无法识别的时限单位“{unit_text}”，请写{ACCEPTED}")
        if number is None or not float(number).is_integer():
            raise TimeLimitError(f"时限须为整数，收到“{text}”")
        return cls.of(int(number), unit)

    def __str__(self) -> str:
        if self.unit in COUNTED:
            return f"{self.value}{COUNTED[self.unit]}"
        return WORDS[self.unit]

    @property
    def is_filled(self) -> bool:
        return self.unit != UNFILLED

    @property
    def is_deadline(self) -> bool:
        """A count of days or hours, or 即办/当场办结 (not 无, 不适用, 未填写)."""
        return self.unit in COUNTED or self.unit in (SAME_DAY, IMMEDIATE)

    @property
    def public_text(self) -> str:
        """What a public page shows: the list's words, nothing for 未填写."""
        return str(self) if self.is_filled else ""

    @property
    def working_days(self) -> int | None:
        """The count for a working-day deadline; None for any other unit."""
        return self.value if self.unit == WORKING_DAYS else None
