"""An alert's life on the hall's screens: shown by level, de-duplicated, updated,
cancelled, expired, held for other areas, drills and drafts; each step on the ledger."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from alerts import lifecycle
from alerts.models import Alert, AlertHallArea
from content_feed.db import db
from content_feed.models import LedgerEntry, Slogan, UrgentNotice
from tests.alerts import documents as doc
from tests.alerts.conftest import urgent_titles


def alert_of(identifier: str) -> Alert:
    return db.session.execute(select(Alert).where(Alert.identifier == identifier)).scalar_one()


def actions() -> list[str]:
    return [
        e.action for e in db.session.execute(select(LedgerEntry).order_by(LedgerEntry.id)).scalars()
    ]


def test_a_red_alert_takes_over_wall_led_and_kiosk_and_is_on_the_ledger(receive, screens, clock):
    receipt = receive(doc.alert(clock.now()))
    assert len(receipt.shown) == 1
    seen = urgent_titles(screens())
    assert seen["wall"] == ["【红色预警】西城区气象台发布暴雨红色预警信号"]
    assert seen["kiosk"] == seen["wall"] and seen["led"]
    assert screens("wall")["wall"]["mode"] == "urgent"
    assert {"alert.receive", "alert.show"} <= set(actions())


def test_the_same_message_twice_is_taken_once(receive, clock):
    text = doc.alert(clock.now())
    receive(text)
    again = receive(text)
    assert again.duplicates == 1 and again.shown == []
    assert len(db.session.execute(select(UrgentNotice)).scalars().all()) == 1


def test_an_update_replaces_the_alert_it_references(receive, screens, clock):
    first = clock.now()
    receive(doc.alert(first, level="orange"))
    clock.advance(minutes=20)
    receive(
        doc.alert(clock.now(), level="red", msg_type="Update", references=[doc.reference(first)])
    )
    assert alert_of(doc.identifier(first)).state == "updated"
    assert urgent_titles(screens("wall"))["wall"] == [
        "【红色预警】西城区气象台发布暴雨红色预警信号"
    ]


def test_a_cancel_ends_it_everywhere_and_is_not_shown_itself(receive, screens, clock):
    first = clock.now()
    receive(doc.alert(first))
    clock.advance(minutes=5)
    receive(doc.alert(clock.now(), msg_type="Cancel", references=[doc.reference(first)]))
    assert alert_of(doc.identifier(first)).state == "cancelled"
    assert alert_of(doc.identifier(clock.now())).state == "notice"
    seen = screens()
    assert urgent_titles(seen) == {"wall": [], "led": [], "kiosk": []}
    assert seen["wall"]["mode"] != "urgent"
    assert "alert.cancelled" in actions()


def test_expiry_reverts_the_screens_by_itself_and_the_sweep_records_it(receive, screens, clock):
    receive(doc.alert(clock.now(), expires=clock.now() + timedelta(minutes=30)))
    assert urgent_titles(screens("wall"))["wall"]
    clock.advance(minutes=31)
    # No job has run: the notice's end time alone takes it off.
    assert urgent_titles(screens()) == {"wall": [], "led": [], "kiosk": []}
    result = lifecycle.sweep(db.session, clock.now())
    db.session.commit()
    assert len(result["expired"]) == 1 and "alert.expired" in actions()


def test_an_alert_already_expired_is_not_shown(receive, clock):
    sent = clock.now() - timedelta(hours=8)
    receipt = receive(doc.alert(sent, expires=sent + timedelta(hours=1)))
    assert receipt.shown == [] and alert_of(doc.identifier(sent)).state == "expired"


def test_another_area_is_held(receive, clock):
    receive(doc.alert(clock.now(), division=doc.ELSEWHERE))
    held = alert_of(doc.identifier(clock.now(), doc.ELSEWHERE))
    assert held.state == "held" and "不包含" in held.note


def test_an_alert_without_area_goes_by_its_identifier(receive, clock):
    receipt = receive(doc.alert(clock.now(), area=False))
    assert len(receipt.shown) == 1


def test_shapes_decide_where_the_hall_has_coordinates(receive, clock, alert_app):
    area = db.session.execute(select(AlertHallArea)).scalar_one()
    area.latitude, area.longitude = 39.91, 116.36
    db.session.commit()
    far = "40.5,117.0 40.5,117.5 41.0,117.5 41.0,117.0 40.5,117.0"
    assert receive(doc.alert(clock.now(), serial=1, polygon=far)).shown == []
    assert len(receive(doc.alert(clock.now(), serial=2, circle="39.9,116.4 10")).shown) == 1


def test_exercises_wait_for_drill_mode_and_are_marked(receive, screens, clock):
    receive(doc.alert(clock.now(), serial=1, status="Exercise"))
    assert urgent_titles(screens("wall"))["wall"] == []
    lifecycle.policy(db.session).drill_mode = True
    db.session.commit()
    receive(doc.alert(clock.now(), serial=2, status="Test"))
    assert urgent_titles(screens("wall"))["wall"][0].startswith("【演练】【红色预警】")
    ended = lifecycle.end_drills(db.session, clock.now())
    db.session.commit()
    assert ended == 1 and urgent_titles(screens("wall"))["wall"] == []


def test_yellow_and_blue_run_in_the_ticker_band(receive, screens, clock):
    receive(doc.alert(clock.now(), level="yellow"))
    seen = screens("wall", "kiosk")
    assert seen["wall"]["mode"] != "urgent"
    assert seen["wall"]["ticker"][0].startswith("【黄色预警】")
    assert seen["kiosk"]["slogans"][0].startswith("【黄色预警】")
    slogan = db.session.execute(select(Slogan).where(Slogan.text.like("【黄色%"))).scalar_one()
    assert slogan.valid_until is not None


def test_a_level_set_to_none_is_recorded_only(receive, clock):
    lifecycle.policy(db.session).blue_action = "none"
    db.session.commit()
    receipt = receive(doc.alert(clock.now(), level="blue"))
    assert (
        receipt.shown == [] and alert_of(doc.identifier(clock.now())).note == "该级别设置为不上屏"
    )


def test_heartbeats_keep_a_feed_from_going_silent(receive, feed, clock, operator):
    feed.silence_minutes = 10
    receive(doc.heartbeat(clock.now()))
    assert feed.last_heartbeat_at == clock.now()
    assert db.session.execute(select(Alert)).first() is None  # a heartbeat is no alert
    clock.advance(minutes=11)
    assert lifecycle.sweep(db.session, clock.now())["silent"] == [feed.id]
    db.session.commit()
    # Said on every console page of those who tend feeds, the dashboard too.
    for page in ("/admin/alerts/", "/admin/"):
        assert "已超过 10 分钟没有任何消息" in operator.get(page).get_data(as_text=True)
    receive(doc.heartbeat(clock.now()))
    assert feed.silent_since is None
    assert {"alert.feed_silent", "alert.feed_back"} <= set(actions())


def test_a_refused_document_is_kept_and_never_shown(receive, screens, operator):
    receipt = receive(doc.MALFORMED["no severity"])
    assert receipt.refused and urgent_titles(screens("wall"))["wall"] == []
    page = operator.get("/admin/alerts/refused").get_data(as_text=True)
    assert "不符合 CAP 1.2 XML 模式" in page
