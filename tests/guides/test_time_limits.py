"""A guide's time limit: read as the lists write it, written back in their words,
counted in working days only when it is in working days, and shown so on every
public surface (API, phone page, wall)."""

from __future__ import annotations

import pytest

from content_feed.db import db
from content_feed.time_limits import TimeLimit, TimeLimitError
from tests.builders import make_guide, make_hall

# (cell, unit column) → (unit, value, the list's words, working days)
READ = [
    ((20, "工作日"), ("working_days", 20, "20个工作日", 20)),
    (("20个工作日", None), ("working_days", 20, "20个工作日", 20)),
    (("二十个工作日", None), ("working_days", 20, "20个工作日", 20)),
    (("１５ 个工作日", None), ("working_days", 15, "15个工作日", 15)),
    ((5.0, None), ("working_days", 5, "5个工作日", 5)),  # a bare number: the list's unit
    ((30, "自然日"), ("calendar_days", 30, "30个自然日", None)),
    (("30个自然日", None), ("calendar_days", 30, "30个自然日", None)),
    (("60日历日", None), ("calendar_days", 60, "60个自然日", None)),
    (("2小时", None), ("hours", 2, "2小时", None)),
    (("24个小时", None), ("hours", 24, "24小时", None)),
    (("即办", None), ("immediate", None, "即办", None)),
    (("", "即办"), ("immediate", None, "即办", None)),
    (("当场办结", None), ("same_day", None, "当场办结", None)),
    ((0, "工作日"), ("same_day", None, "当场办结", None)),
    (("无", None), ("none", None, "无", None)),
    (("不适用", None), ("not_applicable", None, "不适用", None)),
    (("未填写", None), ("unfilled", None, "未填写", None)),
]


@pytest.mark.parametrize(("cells", "expected"), READ)
def test_every_form_the_lists_write_is_read_and_written_back(cells, expected):
    limit = TimeLimit.parse(*cells)
    unit, value, words, working_days = expected
    assert (limit.unit, limit.value, str(limit), limit.working_days) == expected
    assert TimeLimit.parse(words) == limit  # the words read back as the same limit
    assert limit.public_text == ("" if unit == "unfilled" else words)


def test_empty_cells_say_nothing():
    assert TimeLimit.parse(None) is None and TimeLimit.parse(" ", "") is None


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        (("20天",), "不明确"),
        (("20", "日"), "不明确"),
        (("3个月",), "无法识别的时限单位"),
        (("2.5个工作日",), "整数"),
        (("很快",), "无法识别的时限"),
        (("", "工作日"), "没有填写时限数字"),
        (("4000个工作日",), "1 到 3650"),
    ],
)
def test_what_cannot_be_read_is_refused_in_chinese(cells, message):
    with pytest.raises(TimeLimitError, match=message):
        TimeLimit.parse(*cells)


def test_a_limit_is_checked_when_made():
    with pytest.raises(TimeLimitError, match="不带数字"):
        TimeLimit(3, "none")
    with pytest.raises(TimeLimitError):
        TimeLimit(None, "working_days")
    assert TimeLimit.of(0, "hours") == TimeLimit(None, "same_day")


def test_a_guide_shows_its_limits_in_the_list_s_words_on_every_surface(app, client, clock):
    guide = make_guide(clock.now(), hall=make_hall())
    guide.statutory, guide.promised = "30个自然日", "即办"
    other = make_guide(clock.now(), name="无时限事项", code="T-NONE")
    other.statutory, other.promised = TimeLimit(None, "none"), TimeLimit.unfilled()
    db.session.commit()

    detail = client.get(f"/api/v1/guides/{guide.id}").get_json()
    assert detail["statutory_limit"] == "30个自然日" and detail["promised_limit"] == "即办"
    assert detail["statutory"] == {"value": 30, "unit": "calendar_days", "text": "30个自然日"}
    # No working-day count for a deadline in natural days or for 即办.
    assert detail["statutory_days"] is None and detail["promised_days"] is None
    unfilled = client.get(f"/api/v1/guides/{other.id}").get_json()
    assert unfilled["statutory_limit"] == "无" and unfilled["promised_limit"] == ""
    assert unfilled["promised"]["text"] == "未填写"

    page = client.get(f"/p/guides/{guide.id}").get_data(as_text=True)
    assert "<dd>30个自然日</dd>" in page and "<dd>即办</dd>" in page
    page = client.get(f"/p/guides/{other.id}").get_data(as_text=True)
    assert "<dd>无</dd>" in page and "承诺办结时限" not in page and "未填写" not in page


def test_the_wall_names_a_deadline_and_never_promises_nothing(app, clock):
    from display.playlist import Resolver

    guide = make_guide(clock.now())
    guide.promised = "30个自然日"
    shown = Resolver.guide(None, guide)
    assert ["承诺时限", "30个自然日"] in shown["facts"]
    assert shown["text"].startswith(f"{guide.name}：承诺30个自然日")
    guide.promised = "无"
    shown = Resolver.guide(None, guide)
    assert ["承诺时限", "无"] in shown["facts"] and shown["text"] == guide.name
    guide.promised = "未填写"
    assert not any(k == "承诺时限" for k, _v in Resolver.guide(None, guide)["facts"])
