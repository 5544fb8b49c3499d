"""Calls in: the queue system's endpoint (token, idempotency, order, errors), the
topic a call moves, the OpenAPI document."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from calling.models import Announcement, CallCase, CallEvent, CallingWindow
from content_feed.db import db
from tests.calling.conftest import QUEUE, WALL


def window_row(number: str) -> CallingWindow:
    db.session.expire_all()
    return db.session.execute(
        select(CallingWindow)
        .join(CallingWindow.window)
        .where(CallingWindow.window.has(number=number))
    ).scalar_one()


def test_a_call_changes_the_window_and_is_taken_once(events):
    first = events.send("call", "3", ticket="a001", service="不动产登记", event_id="qs-1")
    assert first.status_code == 200, first.json
    assert first.json["status"] == "applied"
    assert first.json["window"] == {
        "number": "3",
        "name": "“烦心事”窗口",
        "state": "calling",
        "state_label": "叫号中",
        "ticket": "A001",
        "text": "请A001号",
    }
    again = events.send("call", "3", ticket="A001", event_id="qs-1")
    assert again.status_code == 200 and again.json["status"] == "duplicate"
    assert db.session.execute(select(func.count()).select_from(CallEvent)).scalar() == 1
    assert db.session.execute(select(func.count()).select_from(Announcement)).scalar() == 1


def test_the_verbs_move_the_window_through_its_states(events):
    events.send("call", "2", ticket="B007")
    assert events.send("start", "2", ticket="B007").json["window"]["text"] == "正在办理B007号"
    assert events.send("end", "2", ticket="B007").json["window"]["text"] == "热情为您服务"
    paused = events.send("pause", "2", reason="午休").json["window"]
    assert paused["state"] == "paused" and paused["text"] == "暂停服务"
    assert events.send("resume", "2").json["window"]["state"] == "idle"
    events.send("call", "2", ticket="B008")
    assert events.send("no_show", "2", ticket="B008").json["window"]["state"] == "idle"
    events.send("call", "2", ticket="B009")
    moved = events.send("transfer", "2", ticket="B009", to_window="5")
    assert moved.json["window"]["state"] == "idle"
    cases = {c.ticket: c for c in db.session.execute(select(CallCase)).scalars()}
    assert cases["B007"].started_at and cases["B007"].ended_at and not cases["B007"].no_show
    assert cases["B008"].no_show


def test_an_older_event_arriving_late_is_history_only(events, clock):
    t0 = clock.now()
    assert (
        events.send("call", "1", ticket="A002", at=t0 + timedelta(seconds=20)).json["status"]
        == "applied"
    )
    late = events.send("call", "1", ticket="A001", at=t0 + timedelta(seconds=10))
    assert late.json["status"] == "stale"
    assert late.json["window"]["ticket"] == "A002"
    # A start that arrives after its end still fills the case's times.
    events.send("end", "1", ticket="A002", at=t0 + timedelta(seconds=90))
    assert (
        events.send("start", "1", ticket="A002", at=t0 + timedelta(seconds=30)).json["status"]
        == "stale"
    )
    case = db.session.execute(select(CallCase).where(CallCase.ticket == "A002")).scalar_one()
    assert case.started_at < case.ended_at
    assert window_row("1").state == "idle"
    # The late call is not spoken: old news.
    spoken = db.session.execute(select(Announcement.text)).scalars().all()
    assert spoken == ["请A002号到1号窗口办理"]


def test_a_window_the_hall_does_not_have_is_a_clear_error(events):
    response = events.send("call", "99", ticket="A001")
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert "没有编号为“99”的窗口" in response.json["detail"]
    assert "已登记的窗口：1、2、3、4、5、12" in response.json["detail"]
    assert response.json["errors"] == {"window": "没有编号为“99”的窗口"}
    assert db.session.execute(select(func.count()).select_from(CallEvent)).scalar() == 0


def test_bad_input_and_wrong_tokens_are_refused_in_chinese(events, client):
    missing = events.send("call", "1")
    assert missing.status_code == 422 and missing.json["errors"] == {"ticket": "请填写票号"}
    wrong = events.send("shout", "1", ticket="A1")
    assert wrong.status_code == 422 and "type" in wrong.json["errors"]
    naive = client.post(
        "/api/v1/calling/hall-1/events",
        json={
            "event_id": "x",
            "type": "call",
            "window": "1",
            "ticket": "A1",
            "occurred_at": "2026-11-17T10:00:00",
        },
        headers=QUEUE,
    )
    assert naive.status_code == 422 and "occurred_at" in naive.json["errors"]
    for headers in ({}, {"X-Queue-Token": "guess"}):
        refused = events.send("call", "1", ticket="A1", headers=headers)
        assert refused.status_code == 401 and "X-Queue-Token" in refused.json["detail"]
    other_hall = client.post("/api/v1/calling/hall-2/events", json={}, headers=QUEUE)
    assert other_hall.status_code == 401
    assert client.post("/api/v1/calling/hall-1/events", data="x", headers=QUEUE).status_code == 415


def test_a_call_moves_the_halls_calls_and_nothing_else(events, client):
    program = client.get("/display/wall-1/program.json", headers=WALL)
    elsewhere = {"X-Terminal-Token": "wall-2-token"}
    other_hall = client.get("/calling/screens/wall-2/calls.json", headers=elsewhere)
    calls = client.get("/calling/screens/wall-1/calls.json", headers=WALL)
    assert calls.status_code == 200 and calls.json["calls"] == []
    same = client.get(
        "/calling/screens/wall-1/calls.json",
        headers={**WALL, "If-None-Match": calls.headers["ETag"]},
    )
    assert same.status_code == 304
    events.send("call", "4", ticket="C010")
    after = client.get("/calling/screens/wall-1/calls.json", headers=WALL)
    assert after.headers["ETag"] != calls.headers["ETag"]
    assert after.json["calls"][0] == {
        "ticket": "C010",
        "window": "4",
        "window_name": "一次办专区",
        "at": after.json["calls"][0]["at"],
        "newest": True,
    }
    assert after.json["announcements"][0]["text"] == "请C010号到4号窗口办理"
    still = client.get(
        "/display/wall-1/program.json",
        headers={**WALL, "If-None-Match": program.headers["ETag"]},
    )
    assert still.status_code == 304
    unmoved = client.get(
        "/calling/screens/wall-2/calls.json",
        headers={**elsewhere, "If-None-Match": other_hall.headers["ETag"]},
    )
    assert unmoved.status_code == 304  # another hall's calls did not move
    assert client.get("/calling/screens/wall-1/calls.json").status_code == 404


def test_the_endpoint_is_in_the_openapi_document_with_examples(client):
    doc = client.get("/api/v1/openapi.json").json
    post = doc["paths"]["/api/v1/calling/{hall}/events"]["post"]
    assert "X-Queue-Token" in post["description"]
    schema = doc["components"]["schemas"]["CallEventIn"]
    assert schema["examples"][0]["type"] == "call"
    assert set(post["responses"]) >= {"200", "401", "422"}
    assert "/calling/screens/{code}/calls.json" in doc["paths"]


def test_when_the_queue_system_goes_silent_screens_keep_the_last_calls_and_staff_are_told(
    events, client, clock, operator
):
    events.send("call", "2", ticket="A005")
    shown = client.get("/calling/screens/wall-1/calls.json", headers=WALL)
    assert "queue-silent" not in operator.get("/admin/calling/").get_data(as_text=True)
    clock.advance(minutes=11)
    page = operator.get("/admin/calling/").get_data(as_text=True)
    assert "叫号系统已超过 10 分钟没有消息" in page
    later = client.get(
        "/calling/screens/wall-1/calls.json",
        headers={**WALL, "If-None-Match": shown.headers["ETag"]},
    )
    assert later.status_code == 200  # the announcement is over: the answer moved with time
    assert later.json["calls"][0]["ticket"] == "A005" and later.json["announcements"] == []
    assert later.json["windows"][0]["text"] == "请A005号"
    # It comes back: the warning goes.
    events.send("end", "2", ticket="A005", at=clock.now())
    assert "叫号系统已超过" not in operator.get("/admin/calling/").get_data(as_text=True)


def test_with_push_a_wall_hears_of_its_halls_calls_at_once():
    from content_feed import topics
    from operations import push

    assert push.channel_of(topics.calls(3)) == "calls-3"
    settings = {
        "push": {"publish_url": "http://127.0.0.1:9/_push/pub", "subscribe_path": "/_push/sub"}
    }
    deps = [topics.terminal(7), topics.calls(3)]
    assert push.subscription(settings, deps) == "/_push/sub/calls-3,terminal-7"
