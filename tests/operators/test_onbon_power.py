"""An Onbon card under a power schedule (关屏时段): switched off by the vendor's
强制开关机 (A2 05) while the schedule says dark, on again after, shown as 按计划关屏
and never as a fault. The simulated card reads A2 05 from the vendor's texts (SDK
manual §1.1.9 and the vendor's DLL), not from the driver."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from content_feed.db import db
from display.led import onbon_sim_reader as reader
from display.led.onbon import commands, frame
from monitoring.alerts import watch_screens
from monitoring.models import MonitorAlert, PowerSchedule
from tests.builders import post_power_schedule
from tests.display.test_onbon_push import (
    led_1,
    push_to,
    same_as_renderer,
    stack,  # noqa: F401 (a fixture)
    status,
)


def test_the_switch_is_the_vendors_a2_05_with_one_byte():
    # bxDual_cmd_coerceOnOff: CmdGroup 0xA2, Cmd 0x05, DataLen 1, onOff (0x00 关机 / 0x01 开机).
    assert commands.switch(False) == bytes.fromhex("01 A2 05 0100 00")
    assert commands.switch(True) == bytes.fromhex("01 A2 05 0100 01")
    wire = frame.encode(frame.Packet(commands.switch(False)))
    (body,) = reader.Splitter().feed(wire)
    _header, data = reader.read_frame(body)
    assert (data[1], data[2]) == (0xA2, 0x05) and reader.read_switch(data[3:]) is False
    for wrong in ("0200 00 00", "0100 02", "0000"):
        with pytest.raises(reader.Refused):
            reader.read_switch(bytes.fromhex(wrong))


def test_a_card_is_switched_off_by_its_schedule_and_on_after(
    stack,  # noqa: F811
    operator,
    demo_app,
    clock,
):
    terminal = led_1()
    sim = stack.sim(generation="bx6", colour="dual")
    push_to(terminal, sim, "onbon-bx6", 0x0274)
    sender = stack.sender()
    sender.poll_once()
    assert sim.wait_for(lambda s: s.frames == 1 and s.switches == [True], 10)

    post_power_schedule(
        operator, terminal.id, "09:00", "18:00", name="条屏夜间"
    )  # 10:00 in the hall: dark now
    sender.poll_once()
    assert sim.wait_for(lambda s: not s.screen_on, 10)
    assert sim.state.frames == 1  # a dark screen is sent no pages
    assert sender.wait_idle()
    sender.poll_once()  # the status is stored
    db.session.expire_all()
    assert status(terminal).screen_dark is True

    page = operator.get("/admin/monitoring").get_data(as_text=True)
    row = page[page.index(terminal.name) :][:1500]
    assert "按计划关屏" in row and "控制卡已关屏" in row
    clock.advance(minutes=30)  # silent for half an hour: dark on purpose, no alert
    assert watch_screens(demo_app, clock.now()) == ([], [])
    assert not db.session.execute(select(MonitorAlert)).scalars().all()

    schedule = db.session.execute(select(PowerSchedule)).scalar_one()
    r = operator.post("/admin/monitoring/power/delete", data={"id": str(schedule.id)})
    assert r.status_code == 302
    sender.poll_once()
    assert sim.wait_for(lambda s: s.screen_on and s.frames == 2, 10)
    assert sim.state.switches == [True, False, True]
    assert same_as_renderer(sim, terminal)
