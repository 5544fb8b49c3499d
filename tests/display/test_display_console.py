"""Heartbeat, urgent-notice confirmations, proof of play, and the operator's console."""

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from content_feed.db import db
from content_feed.models import PlayRecord, RotationSchedule, Terminal, UrgentNoticeAck
from content_feed.presence import flush_now
from tests.builders import make_urgent

TOKEN = {"X-Terminal-Token": "demo-wall-token"}


def wall():
    return db.session.execute(select(Terminal).where(Terminal.code == "wall-1")).scalar_one()


def test_heartbeat_marks_the_terminal_seen_without_moving_the_feed(demo_app, client, clock):
    etag = client.get("/display/wall-1/program.json", headers=TOKEN).headers["ETag"]
    r = client.post(
        "/display/wall-1/heartbeat",
        json={"version": "v1", "program": "大屏日常轮播"},
        headers=TOKEN,
    )
    assert r.status_code == 200
    # Noted in memory: no row write per poll, all written by the next flush.
    assert wall().last_seen_at is None
    assert flush_now(demo_app) == 1
    assert wall().last_seen_at == clock.now() and wall().last_program == "大屏日常轮播"
    again = client.get("/display/wall-1/program.json", headers={**TOKEN, "If-None-Match": etag})
    assert again.status_code == 304
    assert client.post("/display/wall-1/heartbeat?token=bad", json={}).status_code == 404


def test_ack_is_recorded_once_and_confirmed_again(demo_app, client, clock):
    notice = make_urgent(clock.now())
    r = client.post("/display/wall-1/ack", json={"notice_id": notice.id}, headers=TOKEN)
    assert r.status_code == 200
    clock.advance(seconds=5)
    client.post("/display/wall-1/ack", json={"notice_id": notice.id}, headers=TOKEN)
    assert db.session.execute(select(UrgentNoticeAck)).scalars().all() == []
    flush_now(demo_app)
    clock.advance(seconds=5)
    client.post("/display/wall-1/ack", json={"notice_id": notice.id}, headers=TOKEN)
    flush_now(demo_app)
    db.session.expire_all()
    acks = db.session.execute(select(UrgentNoticeAck)).scalars().all()
    assert len(acks) == 1
    assert acks[0].first_shown_at == clock.now() - timedelta(seconds=10)
    assert acks[0].last_confirmed_at == clock.now()


def test_ack_of_a_notice_not_showing_is_refused(demo_app, client, clock):
    later = make_urgent(clock.now() + timedelta(hours=1))
    r = client.post("/display/wall-1/ack", json={"notice_id": later.id}, headers=TOKEN)
    assert r.status_code == 409


def test_proof_of_play_batches_are_idempotent(demo_app, client, clock):
    batch = {
        "batch_key": "wall-1-0123456789",
        "plays": [
            {
                "key": "e1-0-item3",
                "ref": "item3",
                "kind": "item_headline",
                "title": "标题甲",
                "started_at": (clock.now() - timedelta(minutes=2)).isoformat(),
                "duration": 12,
            },
            {
                "key": "e1-1-item4",
                "title": "标题乙",
                "started_at": (clock.now() - timedelta(minutes=1)).isoformat(),
                "duration": 11.5,
            },
        ],
    }
    first = client.post("/display/wall-1/plays", json=batch, headers=TOKEN).get_json()
    again = client.post("/display/wall-1/plays", json=batch, headers=TOKEN).get_json()
    assert first == {"accepted": 2, "duplicate": False, "dropped": 0}
    assert again["duplicate"] is True and again["accepted"] == 0
    assert db.session.execute(select(func.count(PlayRecord.id))).scalar() == 2
    bad = client.post("/display/wall-1/plays", json={"batch_key": "x", "plays": []}, headers=TOKEN)
    assert bad.status_code == 400


@pytest.mark.parametrize(
    "path",
    [
        "/admin/display/terminals",
        "/admin/display/playlists",
        "/admin/display/schedules",
        "/admin/display/proof-of-play",
        "/admin/display/proof-of-play.csv",
        "/admin/display/terminals/1/timeline",
    ],
)
def test_console_needs_the_operator_role(demo_app, client, drafter, operator, path):
    assert client.get(path).status_code in (302, 401)
    assert drafter.get(path).status_code == 403
    assert operator.get(path).status_code == 200


def test_terminal_list_shows_online_and_offline(demo_app, operator, client, clock):
    client.post("/display/wall-1/heartbeat", json={"program": "大屏日常轮播"}, headers=TOKEN)
    html = operator.get("/admin/display/terminals").get_data(as_text=True)
    assert "在线" in html and "离线" in html and "wenquanyi" in html
    clock.advance(seconds=16)  # three 5-second polls missed
    html = operator.get("/admin/display/terminals").get_data(as_text=True)
    row = html.split('data-code="wall-1"')[1].split("</tr>")[0]
    assert "离线" in row


def test_register_an_led_terminal_shows_its_token_once(demo_app, operator, client):
    page = operator.get("/admin/display/terminals/new")
    assert page.status_code == 200
    r = operator.post(
        "/admin/display/terminals/new",
        data={
            "code": "led-2",
            "name": "二楼条屏",
            "kind": "led",
            "hall_id": "1",
            "width": "256",
            "height": "32",
            "color_mode": "mono",
            "led_color": "green",
            "font_size": "16",
            "scroll_speed": "40",
            "active": "1",
        },
    )
    assert r.status_code == 200
    assert r.headers["Cache-Control"] == "no-store"
    token = r.get_data(as_text=True).split('<code id="token">')[1].split("</code>")[0]
    png = client.get(f"/display/led/led-2.png?token={token}")
    assert png.status_code == 200
    from PIL import Image

    assert Image.open(io.BytesIO(png.data)).size == (256, 32)
    assert token not in operator.get("/admin/display/terminals").get_data(as_text=True)


def test_schedule_form_validates_the_daypart(demo_app, operator):
    data = {
        "name": "坏时段",
        "playlist_id": "1",
        "target": f"t:{wall().id}",
        "days": "chosen",
        "start_time": "08:00",
        "end_time": "25:00",
        "active": "1",
    }
    r = operator.post("/admin/display/schedules/new", data=data)
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and "请至少勾选一天" in page and "不是一天中的时间" in page
    data.update(end_time="09:00", weekdays=["5", "6"])
    r = operator.post("/admin/display/schedules/new", data=data)
    assert r.status_code == 302
    saved = db.session.execute(
        select(RotationSchedule).where(RotationSchedule.name == "坏时段")
    ).scalar_one()
    assert saved.day_of_week == "sat,sun"


def test_timeline_is_an_svg_picture(demo_app, operator):
    r = operator.get(f"/admin/display/terminals/{wall().id}/timeline.svg?date=2026-11-17")
    assert r.mimetype == "image/svg+xml"
    svg = r.get_data(as_text=True)
    assert "大屏日常轮播" in svg and "午间办事指南" in svg


def test_urgent_status_lists_who_confirmed(demo_app, operator, client, clock):
    notice = make_urgent(clock.now())
    client.post("/display/wall-1/ack", json={"notice_id": notice.id}, headers=TOKEN)
    # Shown at once from the pending confirmation, and the same after the flush.
    for _ in range(2):
        html = operator.get(f"/admin/display/urgent/{notice.id}").get_data(as_text=True)
        assert "1 / 3" in html
        wall_row = html.split('data-code="wall-1"')[1].split("</tr>")[0]
        led_row = html.split('data-code="led-1"')[1].split("</tr>")[0]
        kiosk_row = html.split('data-code="kiosk-1"')[1].split("</tr>")[0]
        assert "显示中" in wall_row and "未确认" in led_row and "未确认" in kiosk_row
        assert "触摸查询机" in kiosk_row
        flush_now(demo_app)


def test_proof_of_play_csv_has_a_bom_and_counts(demo_app, operator, client, clock):
    plays = [
        {"key": "e1", "title": "标题甲", "started_at": clock.now().isoformat(), "duration": 10}
    ] * 3
    client.post(
        "/display/wall-1/plays", json={"batch_key": "batch-000001", "plays": plays}, headers=TOKEN
    )
    r = operator.get("/admin/display/proof-of-play.csv?from=2026-11-17&to=2026-11-17")
    assert r.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))
    assert rows[0][0] == "日期" and rows[1] == ["2026-11-17", "wall-1", "标题甲", "3", "30.0"]
    html = operator.get("/admin/display/proof-of-play?from=2026-11-17&to=2026-11-17").get_data(
        as_text=True
    )
    assert "<svg" in html and "共 3 次播放" in html


def test_playlist_entry_with_an_id_out_of_range_is_a_form_error(demo_app, operator, client):
    """A typo in the content number must not break every screen playing the list."""
    response = operator.post(
        "/admin/display/playlists/1/entries", data={"kind": "item_headline", "ref_id": "9" * 30}
    )
    assert response.status_code == 422
    program = client.get("/display/wall-1/program.json", headers=TOKEN)
    assert program.status_code == 200


def test_proof_of_play_csv_defuses_formulas_sent_by_a_screen(demo_app, operator, client, clock):
    plays = [
        {"key": "e1", "title": '=HYPERLINK("http://x.test","点击")', "duration": 5},
        {"key": "e2", "title": "@SUM(A1)", "duration": 5},
    ]
    for play in plays:
        play["started_at"] = clock.now().isoformat()
    client.post(
        "/display/wall-1/plays", json={"batch_key": "batch-000009", "plays": plays}, headers=TOKEN
    )
    r = operator.get("/admin/display/proof-of-play.csv?from=2026-11-17&to=2026-11-17")
    rows = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))
    titles = sorted(row[2] for row in rows[1:])
    assert titles == ['\'=HYPERLINK("http://x.test","点击")', "'@SUM(A1)"]


@pytest.mark.parametrize(
    "url", ["/\\evil.example/x.png", "/\\/evil.example/x.png", "//evil.example/x.png"]
)
def test_image_entries_cannot_point_off_the_server(demo_app, operator, url):
    """Browsers read a backslash as a slash: "/\\host" is "//host", the internet."""
    response = operator.post(
        "/admin/display/playlists/1/entries", data={"kind": "image", "url": url}
    )
    assert response.status_code == 422


def test_a_strip_that_pulls_the_urgent_frame_confirms_it(demo_app, operator, client, clock):
    notice = make_urgent(clock.now())
    client.post("/display/wall-1/ack", json={"notice_id": notice.id}, headers=TOKEN)
    html = operator.get(f"/admin/display/urgent/{notice.id}").get_data(as_text=True)
    assert "未确认" in html.split('data-code="led-1"')[1].split("</tr>")[0]
    frame = client.get("/display/led/led-1.png", headers={"X-Terminal-Token": "demo-led-token"})
    assert frame.status_code == 200
    # And again through the fast path (the answer is built now).
    client.get("/display/led/led-1.png", headers={"X-Terminal-Token": "demo-led-token"})
    flush_now(demo_app)
    html = operator.get(f"/admin/display/urgent/{notice.id}").get_data(as_text=True)
    assert "2 / 3" in html
    assert "显示中" in html.split('data-code="led-1"')[1].split("</tr>")[0]
