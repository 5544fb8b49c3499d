"""设备监控 without a browser: a wall that goes silent opens one alert (sent to
the webhooks in their formats) and one 恢复 when it is back; commands reach the
wall in its heartbeat's reply and come back acknowledged; a power schedule
darkens the wall and keeps it from alerting."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from content_feed.db import db
from content_feed.models import LedgerEntry, Terminal
from monitoring.alerts import watch_screens
from monitoring.models import MonitorAlert, PowerSchedule, TerminalCommand
from tests.builders import post_power_schedule
from tests.conftest import reconfigure

TOKEN = {"X-Terminal-Token": "demo-wall-token"}


def wall() -> Terminal:
    return db.session.execute(select(Terminal).where(Terminal.code == "wall-1")).scalar_one()


def beat(client, **body):
    r = client.post("/display/wall-1/heartbeat", json={"entry": "x", **body}, headers=TOKEN)
    assert r.status_code == 200, r.data
    return r.json


def actions(name: str) -> list[str]:
    return list(
        db.session.execute(select(LedgerEntry.summary).where(LedgerEntry.action == name)).scalars()
    )


def test_silence_opens_one_alert_and_recovery_closes_it(demo_app, client, clock, receiver):
    webhooks = [
        f"json:{receiver.url}/json",
        f"wecom:{receiver.url}/wecom",
        f"dingtalk:{receiver.url}/dingtalk",
    ]
    reconfigure(demo_app, monitoring={"webhooks": webhooks})
    beat(client)
    assert watch_screens(demo_app, clock.now()) == ([], [])
    clock.advance(minutes=10)
    opened, _ = watch_screens(demo_app, clock.now())
    assert len(opened) == 1 and "离线" in opened[0]
    clock.advance(minutes=5)
    assert watch_screens(demo_app, clock.now()) == ([], [])  # one alert per outage
    beat(client)
    _, closed = watch_screens(demo_app, clock.now())
    assert len(closed) == 1
    paths = [p for p, _ in receiver.posts]
    assert sorted(paths) == sorted(["/json", "/wecom", "/dingtalk"] * 2)
    generic = [b for p, b in receiver.posts if p == "/json"]
    assert [b["event"] for b in generic] == ["alert", "recovery"]
    assert generic[0]["terminals"] == ["wall-1"]
    robot = next(b for p, b in receiver.posts if p == "/wecom")
    assert robot["msgtype"] == "text" and "设备离线告警" in robot["text"]["content"]
    assert len(actions("monitor.alert")) == 1 and len(actions("monitor.recover")) == 1


def reload_handed_out(operator, client) -> TerminalCommand:
    """The operator sends wall-1 a reload from the console; its next heartbeat gets it."""
    r = operator.post(
        "/admin/monitoring/commands", data={"action": "reload", "terminal_ids": [wall().id]}
    )
    assert r.status_code == 302
    command = db.session.execute(select(TerminalCommand)).scalar_one()
    assert beat(client)["commands"] == [{"id": command.id, "action": "reload"}]
    return command


def test_a_command_rides_the_heartbeat_and_comes_back_acknowledged(
    demo_app, client, clock, operator
):
    command = reload_handed_out(operator, client)
    assert "commands" not in beat(client, done=[command.id])
    db.session.expire_all()  # written at once, by the heartbeat's own session
    assert command.acknowledged_at is not None
    page = operator.get("/admin/monitoring").get_data(as_text=True)
    assert "已执行" in page and "重新加载" in page
    assert actions("monitor.command")


def test_an_acknowledgement_the_database_refused_is_kept_and_written_next_time(
    demo_app, client, operator, monkeypatch
):
    import monitoring.state

    command = reload_handed_out(operator, client)
    written = monitoring.state.move_topics

    def database_away(*args, **kwargs):
        raise OperationalError("UPDATE", {}, Exception("database is locked"))

    monkeypatch.setattr(monitoring.state, "move_topics", database_away)
    assert "commands" not in beat(client, done=[command.id])  # not handed out again
    db.session.expire_all()
    assert command.acknowledged_at is None
    monkeypatch.setattr(monitoring.state, "move_topics", written)
    assert "commands" not in beat(client)  # the kept acknowledgement is written now
    db.session.expire_all()
    assert command.acknowledged_at is not None


def test_a_power_schedule_darkens_the_wall_and_silence_then_is_no_fault(
    demo_app, client, clock, operator
):
    beat(client)
    post_power_schedule(operator, wall().id, "09:00", "18:00")  # 10:00 in the hall now: inside
    assert beat(client)["power"] == "off"
    clock.advance(minutes=30)
    assert watch_screens(demo_app, clock.now()) == ([], [])
    page = operator.get("/admin/monitoring").get_data(as_text=True)
    assert "按计划关屏" in page
    assert not db.session.execute(select(MonitorAlert)).scalars().all()
    schedule = db.session.execute(select(PowerSchedule)).scalar_one()
    r = operator.post("/admin/monitoring/power/delete", data={"id": str(schedule.id)})
    assert r.status_code == 302 and beat(client)["power"] == "on"
    assert actions("power_schedule.create") and actions("power_schedule.delete")


def test_refused_power_schedule_keeps_what_was_typed(operator):
    r = operator.post(
        "/admin/monitoring/power",
        data={"name": "错误", "target": "t:1", "days": "chosen", "start_time": "25:00"},
    )
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and "请至少勾选一天" in page and "不是一天中的时间" in page
    assert 'value="错误"' in page and 'value="25:00"' in page
