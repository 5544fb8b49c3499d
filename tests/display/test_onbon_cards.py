"""Onbon cards as the vendor defines them (issue #22): pictures pixel for pixel in both
compatibility settings, cards that lost their areas, areas taken off again, the test
pattern, addresses and colours in the console."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest
from PIL import Image

from content_feed.db import db
from display.led.pattern import calibration_picture
from tests.builders import make_terminal, make_urgent
from tests.display.test_onbon_push import (
    FAST,
    expected_images,
    led_1,
    push_to,
    same_as_renderer,
    stack,  # noqa: F401 (a fixture)
    status,
)


def eventually(predicate, seconds: float = 10) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.02)
    return False


COMPAT = [("lsb", "sdk"), ("msb", "inclusive")]


@pytest.mark.parametrize("word_order, lengths", COMPAT)
@pytest.mark.parametrize(
    "generation, colour, color_mode, device",
    [
        ("bx6", "mono", "mono", 0x0174),
        ("bx6", "dual", "dual", 0x0274),
        ("bx6", "full", "rgb", 0x0166),
        ("bx5", "dual", "dual", 0x0154),
        ("bx5", "full", "rgb", 0x1056),
    ],
)
def test_the_card_shows_the_strips_png_pixel_for_pixel(
    stack,  # noqa: F811
    generation,
    colour,
    color_mode,
    device,
    word_order,
    lengths,
):
    # 128×16: a full-colour 192×32 program of the demo's scroll tiles passes the 300K
    # a dynamic area may hold.
    terminal = make_terminal("led-px", "led", hall=led_1().hall, width=128, height=16)
    terminal.color_mode = color_mode
    db.session.commit()
    sim = stack.sim(generation=generation, colour=colour, word_order=word_order, lengths=lengths)
    push_to(terminal, sim, f"onbon-{generation}", device)
    controller = status(terminal)
    controller.word_order, controller.length_form = word_order, lengths
    db.session.commit()
    sender = stack.sender()
    sender.poll_once()
    sender.poll_once()
    assert sim.wait_for(lambda s: s.frames == 1, 10), sender.workers[terminal.id].status.last_error
    want = [w.convert("RGB").tobytes() for w in expected_images(terminal)]
    assert [g.tobytes() for g in sim.images()] == want


def delivered(stack, generation: str):  # noqa: F811
    """led-1 (two colours) on a simulated card, its program delivered once."""
    terminal = led_1()
    sim = stack.sim(generation=generation, colour="dual")
    push_to(terminal, sim, f"onbon-{generation}", 0x0274 if generation == "bx6" else 0x0154)
    sender = stack.sender()
    sender.poll_once()
    assert sim.wait_for(lambda s: s.frames == 1, 10)
    return terminal, sim, sender


def test_a_card_reading_the_other_length_form_refuses_and_says_so(stack):  # noqa: F811
    terminal = led_1()
    sim = stack.sim(generation="bx6", colour="dual", lengths="sdk")
    push_to(terminal, sim, "onbon-bx6", 0x0274)
    controller = status(terminal)
    controller.length_form = "inclusive"  # the driver's old form: the card refuses it
    db.session.commit()
    sender = stack.sender()
    sender.poll_once()
    assert sim.wait_for(lambda s: s.nacks >= 1, 10)
    worker = sender.workers[terminal.id]
    assert eventually(lambda: "ERR_SCREEN_PARA" in worker.status.last_error)
    assert sim.area(0) is None


def test_a_card_restarted_between_two_pings_gets_its_program_within_one_ping(stack):  # noqa: F811
    terminal = led_1()
    sim = stack.sim(colour="dual")
    push_to(terminal, sim)
    sender = stack.sender(replace(FAST, ping_seconds=0.5))
    sender.poll_once()
    assert sim.wait_for(lambda s: s.frames == 1, 10)
    # The push is over (the screen switched on after the area): nothing more is sent
    # but pings.
    assert sim.wait_for(lambda s: s.switches == [True], 10)
    pings = sim.state.pings
    sim.reboot(down_seconds=0.0)  # back at once: no ping ever finds it away
    assert sim.area(0) is None
    # The next ping finds its connection cut, answers on a new one: pushed again.
    # Counted in pings, not seconds (a loaded machine stretches the interval).
    between = []

    def pushed_again(state) -> bool:
        if state.frames == 2:
            between.append(state.pings - pings)
        return state.frames == 2

    assert sim.wait_for(pushed_again, 15)
    assert between[0] <= 1, between
    assert same_as_renderer(sim, terminal)
    sender.poll_once()
    assert status(terminal).online is True


def test_a_new_area_number_deletes_the_old_area(stack):  # noqa: F811
    terminal, sim, sender = delivered(stack, "bx6")
    controller = status(terminal)
    controller.area_id = 5
    db.session.commit()
    sender.poll_once()
    assert sim.wait_for(lambda s: 0 not in s.areas and 5 in s.areas, 10)
    assert [0] in sim.state.deletes


@pytest.mark.parametrize("how", ["pull", "inactive"])
def test_an_urgent_notice_leaves_a_card_nobody_feeds_any_more(stack, clock, how):  # noqa: F811
    terminal = led_1()
    sim = stack.sim(colour="dual")
    push_to(terminal, sim)
    sender = stack.sender()
    make_urgent(clock.now(), title="大厅临时停电，暂停办理")
    sender.poll_once()
    assert sim.wait_for(lambda s: s.frames == 1, 10)
    if how == "pull":
        status(terminal).protocol = "pull"
    else:
        terminal.active = False
    db.session.commit()
    sender.poll_once()
    assert sim.wait_for(lambda s: 0 not in s.areas, 10)  # A7 01: the notice is gone
    assert sim.state.deletes == [[0]]


def test_a_card_busy_when_it_stopped_being_fed_is_cleared_when_it_can(stack):  # noqa: F811
    terminal, sim, sender = delivered(stack, "bx5")
    sim.faults.busy = 3  # it cannot take the first tries (NACK busy): they are retried
    terminal.active = False
    db.session.commit()
    sender.poll_once()
    assert sim.wait_for(lambda s: s.deletes == [[0]], 10)
    assert sim.area(0) is None and sim.faults.busy == 0
    assert eventually(lambda: all(w.done for w in sender.retiring))  # its worker ended


def test_the_test_pattern_holds_the_program_back_for_a_while(stack, operator, clock):  # noqa: F811
    terminal, sim, sender = delivered(stack, "bx6")
    r = operator.post(f"/admin/display/terminals/{terminal.id}/delivery/pattern")
    assert r.status_code == 302
    page = operator.get(r.location).get_data(as_text=True)
    assert "校准图案已推送" in page
    want = calibration_picture(terminal.width, terminal.height, "dual")
    assert [i.tobytes() for i in sim.images()] == [want.tobytes()]
    sender.poll_once()
    assert sim.state.frames == 2  # the program waits
    clock.advance(minutes=3)
    sender.poll_once()
    assert sim.wait_for(lambda s: s.frames == 3, 10)
    assert same_as_renderer(sim, terminal)


def test_the_pattern_tells_when_the_card_refuses(stack, operator):  # noqa: F811
    terminal = led_1()
    sim = stack.sim(generation="bx6", colour="dual", lengths="inclusive")
    push_to(terminal, sim, "onbon-bx6", 0x0274)
    r = operator.post(f"/admin/display/terminals/{terminal.id}/delivery/pattern")
    page = operator.get(r.location).get_data(as_text=True)
    assert "校准图案推送失败" in page and "兼容设置" in page
    assert isinstance(calibration_picture(64, 16, "rgb"), Image.Image)


# -- the console's form ----------------------------------------------------------------

GOOD = {
    "protocol": "onbon-bx6",
    "host": "192.168.1.50",
    "port": "5005",
    "device_type": str(0x0274),
    "area_id": "0",
    "area_x": "0",
    "area_y": "0",
    "speed_level": "4",
    "brightness": "",
    "word_order": "lsb",
    "length_form": "sdk",
}


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"host": "999.1.1.1"}, "host", "IP 地址无效"),
        ({"host": "192.168.1.300"}, "host", "IP 地址无效"),
        ({"host": "10.1.1"}, "host", "IP 地址无效"),
        ({"host": "card.1"}, "host", "控制卡地址应为 IP 地址"),
        ({"word_order": "middle"}, "word_order", "字节顺序无效"),
        ({"length_form": "x"}, "length_form", "长度字段无效"),
        ({"protocol": "huidu", "screen_on": "8:00", "screen_off": "18:00"}, "screen_on", "时:分"),
        ({"protocol": "huidu", "screen_on": "08:00"}, "screen_off", "同时填写"),
        ({"protocol": "huidu", "screen_on": "25:00", "screen_off": "18:00"}, "screen_on", "时:分"),
        ({"protocol": "huidu", "screen_on": "08:00", "screen_off": "08:00"}, "screen_off", "相同"),
    ],
)
def test_refusals_stand_beside_their_field_and_keep_the_input(operator, changes, field, message):
    led = led_1()
    r = operator.post(f"/admin/display/terminals/{led.id}/delivery", data={**GOOD, **changes})
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    # The message follows its own field's input (errs() comes right after it).
    after = page.split(f'name="{field}"', 1)[1]
    assert message in after.split("<label", 1)[0]
    for name, value in changes.items():
        if name in ("host", "screen_on", "screen_off"):  # typed text comes back as typed
            assert f'value="{value}"' in page
    assert status_or_none(led) is None


def status_or_none(terminal):
    from sqlalchemy import select

    from content_feed.models import LedController

    db.session.expire_all()
    return db.session.execute(
        select(LedController).where(LedController.terminal_id == terminal.id)
    ).scalar_one_or_none()


@pytest.mark.parametrize("host", ["192.168.1.50", "fe80::1", "led-card-3.hall.local"])
def test_addresses_and_host_names_are_taken(operator, host):
    led = led_1()
    r = operator.post(f"/admin/display/terminals/{led.id}/delivery", data={**GOOD, "host": host})
    assert r.status_code == 302
    assert status_or_none(led).host == host


def test_a_colour_the_card_cannot_show_is_warned_about(operator):
    led = led_1()
    led.color_mode = "rgb"
    db.session.commit()
    operator.post(f"/admin/display/terminals/{led.id}/delivery", data=GOOD)  # BX-6E2
    page = operator.get(f"/admin/display/terminals/{led.id}/delivery").get_data(as_text=True)
    assert 'id="colour-warning"' in page and "蓝色将不显示" in page and "BX-6E2" in page
    listing = operator.get("/admin/display/led-controllers").get_data(as_text=True)
    assert "蓝色将不显示" in listing
    # A full-colour card (BX-6Q2) shows them all.
    operator.post(
        f"/admin/display/terminals/{led.id}/delivery", data={**GOOD, "device_type": str(0x0266)}
    )
    page = operator.get(f"/admin/display/terminals/{led.id}/delivery").get_data(as_text=True)
    assert "蓝色将不显示" not in page


def test_a_card_restarted_between_the_area_and_the_switch_gets_its_program_again(stack):  # noqa: F811
    """A power dip after the card acknowledged the area and before the next command
    of the same push: the command after finds the connection cut, and the area
    (gone with the card's RAM) goes again at once, not at the next ping."""
    terminal = led_1()
    sim = stack.sim(colour="dual")
    sim.faults.reboot_after_areas = 1
    push_to(terminal, sim)
    sender = stack.sender(replace(FAST, ping_seconds=60))  # no ping would find it
    sender.poll_once()
    assert sim.wait_for(lambda s: s.frames == 2 and s.areas.get(0) is not None, 10)
    assert sim.state.boots == 2
    assert same_as_renderer(sim, terminal)
    assert sender.wait_idle(10)
    sender.poll_once()
    assert status(terminal).online is True
