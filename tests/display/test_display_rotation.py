"""The one pure schedule function, with fixed clocks (hall time is Asia/Shanghai, UTC+8)."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from display.daypart import Daypart, describe_weekdays, weekdays
from display.rotation import (
    ScheduleRule,
    Screen,
    UrgentRule,
    day_timeline,
    next_edge,
    what_plays,
)

TZ = ZoneInfo("Asia/Shanghai")
WALL = Screen(terminal_id=1, kind="wall", hall_id=1, group_ids=frozenset({7}))


def local(y, mo, d, h, mi=0):
    return datetime(y, mo, d, h, mi, tzinfo=TZ).astimezone(UTC)


def rule(id, playlist, priority=0, default=False, terminal=1, group=None, **daypart):
    return ScheduleRule(
        id=id,
        playlist_id=playlist,
        daypart=Daypart(**daypart),
        priority=priority,
        is_default=default,
        terminal_id=None if group else terminal,
        group_id=group,
    )


DEFAULT = rule(1, 100, default=True)
NIGHT = rule(2, 200, start="22:00", end="06:00")  # crosses midnight
MORNING = rule(3, 300, day_of_week="mon-fri", start="08:30", end="12:00")


def test_weekday_expressions_come_from_apscheduler():
    assert weekdays("mon-fri") == frozenset(range(5))
    assert weekdays("sat,sun") == frozenset({5, 6})
    assert weekdays("*") == frozenset(range(7))
    assert describe_weekdays("mon-fri") == "周一至周五"
    with pytest.raises(ValueError):
        weekdays("someday")


def test_default_plays_when_nothing_else_is_in_force():
    d = what_plays(WALL, [DEFAULT, MORNING], [], local(2026, 11, 17, 14), TZ)
    assert (d.mode, d.playlist_id) == ("default", 100)


def test_daypart_is_read_in_the_hall_time_zone():
    # 09:00 in Shanghai is 01:00 UTC: the morning part is in force.
    d = what_plays(WALL, [DEFAULT, MORNING], [], local(2026, 11, 17, 9), TZ)
    assert (d.mode, d.playlist_id) == ("scheduled", 300)
    assert d.until == local(2026, 11, 17, 12)
    assert d.since == local(2026, 11, 17, 8, 30)


def test_weekend_skips_a_weekday_daypart():
    saturday = local(2026, 11, 21, 9)
    assert what_plays(WALL, [DEFAULT, MORNING], [], saturday, TZ).playlist_id == 100


@pytest.mark.parametrize(
    "at, expected",
    [
        (local(2026, 11, 17, 21, 59), 100),
        (local(2026, 11, 17, 22, 0), 200),
        (local(2026, 11, 17, 23, 59), 200),
        (local(2026, 11, 18, 0, 0), 200),
        (local(2026, 11, 18, 5, 59), 200),
        (local(2026, 11, 18, 6, 0), 100),
    ],
)
def test_a_daypart_crosses_midnight(at, expected):
    assert what_plays(WALL, [DEFAULT, NIGHT], [], at, TZ).playlist_id == expected


def test_across_midnight_the_part_belongs_to_the_day_it_starts():
    friday_night = rule(4, 400, day_of_week="fri", start="22:00", end="02:00")
    assert what_plays(WALL, [friday_night], [], local(2026, 11, 21, 1), TZ).playlist_id == 400
    assert what_plays(WALL, [friday_night], [], local(2026, 11, 22, 1), TZ).mode == "idle"


def test_overlaps_go_to_the_higher_priority():
    low = rule(5, 500, priority=1, start="08:00", end="18:00")
    high = rule(6, 600, priority=5, start="10:00", end="11:00")
    at = local(2026, 11, 17, 10, 30)
    assert what_plays(WALL, [low, high], [], at, TZ).playlist_id == 600
    after = what_plays(WALL, [low, high], [], local(2026, 11, 17, 11), TZ)
    assert after.playlist_id == 500


def test_on_a_tie_the_terminal_beats_its_group_then_the_newest_wins():
    group = rule(7, 700, group=7)
    own = rule(8, 800)
    newer_group = rule(9, 900, group=7)
    at = local(2026, 11, 17, 10)
    assert what_plays(WALL, [group, own], [], at, TZ).playlist_id == 800
    assert what_plays(WALL, [group, newer_group], [], at, TZ).playlist_id == 900


def test_schedules_of_other_terminals_and_groups_do_not_apply():
    other = rule(10, 1000, terminal=2)
    other_group = rule(11, 1100, group=8)
    d = what_plays(WALL, [other, other_group], [], local(2026, 11, 17, 10), TZ)
    assert d.mode == "idle" and d.until is None


def test_date_range_bounds_a_schedule():
    campaign = rule(12, 1200, date_from=date(2026, 11, 20), date_to=date(2026, 11, 22))
    assert what_plays(WALL, [DEFAULT, campaign], [], local(2026, 11, 19, 23), TZ).playlist_id == 100
    d = what_plays(WALL, [DEFAULT, campaign], [], local(2026, 11, 20, 0), TZ)
    assert d.playlist_id == 1200 and d.until == local(2026, 11, 23, 0)


def test_an_urgent_notice_takes_over_and_the_schedule_resumes():
    start, end = local(2026, 11, 17, 10), local(2026, 11, 17, 10, 30)
    notice = UrgentRule(id=1, starts_at=start, ends_at=end, hall_id=1)
    schedules = [DEFAULT, MORNING]
    before = what_plays(WALL, schedules, [notice], start - timedelta(seconds=1), TZ)
    assert before.playlist_id == 300 and before.until == start
    during = what_plays(WALL, schedules, [notice], start, TZ)
    assert during.mode == "urgent" and during.urgent_ids == (1,) and during.until == end
    after = what_plays(WALL, schedules, [notice], end, TZ)
    assert (after.mode, after.playlist_id) == ("scheduled", 300)


def test_urgent_targets_hall_surface_and_group():
    at = local(2026, 11, 17, 10)
    span = {"starts_at": at - timedelta(minutes=1), "ends_at": at + timedelta(hours=1)}
    assert what_plays(WALL, [], [UrgentRule(1, hall_id=2, **span)], at, TZ).mode == "idle"
    led_only = UrgentRule(2, surfaces=frozenset({"led"}), **span)
    assert what_plays(WALL, [], [led_only], at, TZ).mode == "idle"
    assert what_plays(WALL, [], [UrgentRule(3, group_id=8, **span)], at, TZ).mode == "idle"
    assert what_plays(WALL, [], [UrgentRule(4, group_id=7, **span)], at, TZ).mode == "urgent"
    both = [UrgentRule(5, **span), UrgentRule(6, starts_at=at, ends_at=span["ends_at"])]
    assert what_plays(WALL, [], both, at, TZ).urgent_ids == (6, 5)


def test_timeline_of_a_day_covers_it_in_segments():
    day = local(2026, 11, 17, 0), local(2026, 11, 18, 0)
    segments = day_timeline(WALL, [DEFAULT, MORNING, NIGHT], [], *day, TZ)
    assert [(s.astimezone(TZ).strftime("%H:%M"), d.playlist_id) for s, _, d in segments] == [
        ("00:00", 200),
        ("06:00", 100),
        ("08:30", 300),
        ("12:00", 100),
        ("22:00", 200),
    ]
    assert segments[-1][1] == day[1]


def test_next_edge_for_the_feed_boundary():
    at = local(2026, 11, 17, 7)
    assert next_edge([DEFAULT, MORNING, NIGHT], at, TZ) == local(2026, 11, 17, 8, 30)
    assert next_edge([DEFAULT], at, TZ) is None
