"""Schedules in words: days as 每天 / 工作日 / 周末 / chosen weekdays, the Chinese
calendar's holidays and make-up workdays, overlaps pointed out, a week view."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from content_feed.db import db
from content_feed.models import RotationSchedule, Terminal
from display.daypart import Daypart, day_choice, describe_weekdays

TZ = ZoneInfo("Asia/Shanghai")


def on_days(daypart: Daypart, first: date, last: date) -> list[date]:
    start = datetime.combine(first, datetime.min.time(), TZ)
    end = datetime.combine(last + timedelta(days=1), datetime.min.time(), TZ)
    return sorted({s.astimezone(TZ).date() for s, _e in daypart.occurrences(start, end, TZ)})


def test_workdays_follow_the_chinese_calendar():
    # 2024: National Day 10-01..10-07 off; Sunday 09-29 and Saturday 10-12 are make-up workdays.
    workdays = on_days(Daypart("workday", "08:00", "18:00"), date(2024, 9, 28), date(2024, 10, 13))
    assert date(2024, 9, 29) in workdays and date(2024, 10, 12) in workdays
    assert not any(date(2024, 10, d) in workdays for d in range(1, 8))
    restdays = on_days(Daypart("restday", "08:00", "18:00"), date(2024, 9, 28), date(2024, 10, 13))
    assert date(2024, 10, 3) in restdays and date(2024, 9, 29) not in restdays


def test_stored_days_read_as_words_and_old_rows_still_read():
    assert describe_weekdays("*") == "每天"
    assert describe_weekdays("mon-fri") == "周一至周五"
    assert describe_weekdays("workday").startswith("工作日")
    assert describe_weekdays("mon,wed") == "周一、三"
    assert day_choice("sat,sun") == ("weekend", [5, 6])
    assert day_choice("0,2") == ("chosen", [0, 2])  # an old row in the old form


def wall() -> Terminal:
    return db.session.execute(select(Terminal).where(Terminal.code == "wall-1")).scalar_one()


def test_a_hidden_schedule_is_pointed_out_and_the_week_shows_seven_days(demo_app, operator):
    base = {"playlist_id": "1", "target": f"t:{wall().id}", "active": "1"}
    low = {**base, "name": "工作日上午", "days": "workday", "start_time": "09:00",
           "end_time": "11:00", "priority": "1"}  # fmt: skip
    high = {**base, "name": "全天重点", "days": "every", "start_time": "00:00",
            "end_time": "24:00", "priority": "900"}  # fmt: skip
    for data in (low, high):
        assert operator.post("/admin/display/schedules/new", data=data).status_code == 302
    saved = db.session.execute(
        select(RotationSchedule).where(RotationSchedule.name == "工作日上午")
    ).scalar_one()
    assert saved.day_of_week == "workday"
    page = operator.get("/admin/display/schedules").get_data(as_text=True)
    assert "完全被 “全天重点” 遮住" in page
    edit = operator.get(f"/admin/display/schedules/{saved.id}").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*value="workday"', edit)
    assert "APScheduler" not in edit and "mon-fri" not in edit
    week = operator.get(f"/admin/display/terminals/{wall().id}/week").get_data(as_text=True)
    assert week.count("<svg") == 7 and "全天重点" not in week.split("<svg")[0]
