"""The console: the built-in caller on a window's tablet, settings, the queue
system's token, the rating after each case, the statistics."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from calling.models import CallCase, CallEvent, CallingHall, CallingWindow
from content_feed.db import db
from content_feed.models import Rating, Window
from content_feed.terminals import hash_token
from tests.builders import PASSWORD


def window_id(number: str, hall_code: str = "hall-1") -> int:
    return db.session.execute(
        select(Window.id).where(Window.number == number, Window.hall.has(code=hall_code))
    ).scalar_one()


def press(client, window: int, action: str, **fields):
    page = client.get(f"/admin/calling/caller?window={window}").get_data(as_text=True)
    event_id = re.search(r'name="event_id" value="([^"]+)"', page).group(1)
    data = {"window": window, "action": action, "event_id": event_id, **fields}
    return client.post("/admin/calling/caller", data=data), data


def test_the_caller_calls_recalls_pauses_and_ends_from_a_tablet(operator, hall):
    w = window_id("2")
    page = operator.get(f"/admin/calling/caller?window={w}").get_data(as_text=True)
    assert "2号窗口" in page and 'value="A001"' in page and "下一位" in page
    response, sent = press(operator, w, "call", ticket="A001")
    assert response.status_code == 302
    page = operator.get(response.headers["Location"]).get_data(as_text=True)
    assert "请A001号" in page and "下一位：请A001号" in page
    # The same form sent twice (a double tap): one event.
    assert operator.post("/admin/calling/caller", data=sent).status_code == 302
    assert db.session.execute(select(func.count()).select_from(CallEvent)).scalar() == 1
    press(operator, w, "start")
    press(operator, w, "end")
    press(operator, w, "pause", reason="午休")
    db.session.expire_all()
    row = db.session.execute(select(CallingWindow).where(CallingWindow.window_id == w)).scalar_one()
    assert (row.state, row.pause_reason) == ("paused", "午休")
    page = operator.get(f"/admin/calling/caller?window={w}").get_data(as_text=True)
    assert "暂停服务" in page and "恢复服务" in page and 'value="A002"' in page
    press(operator, w, "resume")
    press(operator, w, "call", ticket="A002")
    press(operator, w, "no_show")
    case = db.session.execute(select(CallCase).where(CallCase.ticket == "A002")).scalar_one()
    assert case.no_show
    kinds = db.session.execute(select(CallEvent.kind).order_by(CallEvent.id)).scalars().all()
    assert kinds == ["call", "start", "end", "pause", "resume", "call", "no_show"]


def test_the_caller_refuses_what_cannot_be_done(operator, hall):
    w = window_id("1")
    response, _ = press(operator, w, "recall")
    page = operator.get(response.headers["Location"]).get_data(as_text=True)
    assert "当前没有正在叫号或办理的票号" in page
    response, _ = press(operator, w, "call", ticket="有趣的票号超过二十个字符的票号票号票号票号")
    assert "票号或原因格式不对" in operator.get(response.headers["Location"]).get_data(as_text=True)
    assert operator.get("/admin/calling/caller?window=99999").status_code == 404
    assert operator.post("/admin/calling/caller", data={"action": "call"}).status_code == 302
    assert db.session.execute(select(func.count()).select_from(CallEvent)).scalar() == 0


def test_the_console_is_in_the_navigation_and_needs_the_operator_role(operator, app):
    page = operator.get("/admin/calling/").get_data(as_text=True)
    assert "叫号器与窗口屏" in page and "测试大厅" in page and "东区分厅" in page
    anonymous = app.test_client().get("/admin/calling/caller?window=1")
    assert anonymous.status_code == 302 and "/admin/login" in anonymous.headers["Location"]


def test_an_end_opens_the_windows_rating_once(operator, events, app):
    w = window_id("3")
    assert "办结后请在此评价" in operator.get(f"/admin/calling/rate?window={w}").get_data(True)
    events.send("call", "3", ticket="A009", service="不动产登记")
    events.send("start", "3", ticket="A009")
    events.send("end", "3", ticket="A009")
    page = operator.get(f"/admin/calling/rate?window={w}").get_data(as_text=True)
    assert "A009" in page and "非常不满意" in page
    case = db.session.execute(select(CallCase)).scalar_one()
    form = {"window": w, "case": case.id, "level": 2}
    assert operator.post("/admin/calling/rate", data=form).status_code == 302
    again = operator.post("/admin/calling/rate", data=form)
    assert "已经评价过了" in operator.get(again.headers["Location"]).get_data(as_text=True)
    rating = db.session.execute(select(Rating)).scalar_one()
    assert (rating.level, rating.target, rating.window_id) == (2, "window", w)
    assert rating.follow_up_state == "open" and rating.contact_due_on  # 差评: followed up
    db.session.expire_all()
    assert db.session.get(CallCase, case.id).rating_id == rating.id
    # The 好差评 follow-up list has it, for the window.
    handler = app.test_client()
    handler.post("/admin/login", data={"username": "handler", "password": PASSWORD})
    listed = handler.get("/admin/feedback/ratings").get_data(as_text=True)
    assert rating.receipt_no in listed and "3号窗口" in listed


def test_window_settings_are_checked_and_saved(operator, hall):
    w = window_id("1")
    bad = operator.post(
        "/admin/calling/window",
        data={
            "window": w,
            "idle_text": "",
            "led_protocol": "onbon-bx5",
            "led_host": "",
            "led_port": "99999",
            "led_area_id": "0",
            "led_x": "0",
            "led_y": "0",
            "led_width": "128",
            "led_height": "32",
            "led_color_mode": "mono",
        },
    )
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert "请填写空闲时显示的文字" in text and "请填写控制卡的 IP 地址" in text
    good = operator.post(
        "/admin/calling/window",
        data={
            "window": w,
            "idle_text": "欢迎光临",
            "area": "一楼",
            "led_protocol": "onbon-bx5",
            "led_host": "192.0.2.10",
            "led_port": "5005",
            "led_area_id": "1",
            "led_x": "0",
            "led_y": "0",
            "led_width": "128",
            "led_height": "32",
            "led_color_mode": "dual",
        },
    )
    assert good.status_code == 302
    row = db.session.execute(select(CallingWindow).where(CallingWindow.window_id == w)).scalar_one()
    assert (row.idle_text, row.area, row.led_area_id, row.led_color_mode) == (
        "欢迎光临",
        "一楼",
        1,
        "dual",
    )


def test_the_queue_token_is_shown_once_and_voice_settings_are_checked(operator, hall):
    page = operator.post("/admin/calling/hall/token", data={"hall": hall.id}).get_data(True)
    token = re.search(r'<code id="queue-token">([^<]+)</code>', page).group(1)
    settings = db.session.execute(select(CallingHall)).scalar_one()
    db.session.refresh(settings)
    assert settings.token_hash == hash_token(token)
    assert token not in operator.get(f"/admin/calling/hall?hall={hall.id}").get_data(True)
    bad = operator.post(
        "/admin/calling/hall",
        data={
            "hall": hall.id,
            "repeats": "4",
            "volume": "80",
            "band_size": "5",
            "volume_plan": "中午=40",
        },
        follow_redirects=True,
    ).get_data(True)
    assert "请填写 1–3 之间的整数" in bad and "应写作 时:分-时:分=音量" in bad
    operator.post(
        "/admin/calling/hall",
        data={
            "hall": hall.id,
            "repeats": "3",
            "volume": "70",
            "band_size": "4",
            "volume_plan": "12:00-14:00=30",
        },
    )
    db.session.refresh(settings)
    assert (settings.repeats, settings.volume, settings.volume_plan) == (3, 70, "12:00-14:00=30")


def test_statistics_show_wait_and_handling_per_window_and_service(operator, events, clock):
    from datetime import timedelta

    t = clock.now()
    events.send(
        "call",
        "5",
        ticket="A001",
        service="不动产登记",
        at=t + timedelta(minutes=10),
        issued_at=t.isoformat(),
    )
    events.send("start", "5", ticket="A001", at=t + timedelta(minutes=11))
    events.send("end", "5", ticket="A001", at=t + timedelta(minutes=31))
    page = operator.get("/admin/calling/stats").get_data(as_text=True)
    assert "<svg" in page and "5号窗口" in page and "不动产登记" in page
    row = re.search(r"<td>5号窗口 不动产登记</td>(.*?)</tr>", page).group(1)
    assert "<td>10.0</td><td>20.0</td>" in row


def test_a_hall_user_calls_at_their_own_windows_only(app, hall):
    from content_feed.models import Hall, User
    from tests.builders import make_hall_user

    east = db.session.execute(select(Hall).where(Hall.code == "hall-2")).scalar_one()
    if db.session.execute(select(User).where(User.username == "east-operator")).scalar() is None:
        make_hall_user("east-operator", {east: "operator"})  # (the module's world keeps it)
    client = app.test_client()
    client.post("/admin/login", data={"username": "east-operator", "password": PASSWORD})
    page = client.get("/admin/calling/").get_data(as_text=True)
    assert "东区分厅" in page and "测试大厅" not in page
    theirs, other = window_id("1", "hall-2"), window_id("1")
    assert client.get(f"/admin/calling/caller?window={theirs}").status_code == 200
    assert client.get(f"/admin/calling/caller?window={other}").status_code == 404
    refused = client.post(
        "/admin/calling/caller", data={"window": other, "action": "call", "ticket": "A1"}
    )
    assert refused.status_code == 404
    assert client.post("/admin/calling/hall/token", data={"hall": hall.id}).status_code == 404
    assert db.session.execute(select(func.count()).select_from(CallEvent)).scalar() == 0
