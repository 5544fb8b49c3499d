"""Calls out to the windows' strips: an event (endpoint or built-in caller) reaches
a simulated Onbon card, in the window's own dynamic area, as the renderer drew it."""

from __future__ import annotations

import time

import pytest
from PIL import Image
from sqlalchemy import select

from calling import strips
from calling.models import CallingWindow
from calling.strips import WindowStrips, strip_pages
from content_feed.db import db
from content_feed.models import Window
from display.led.card_pages import pages_for_panel
from display.led.fonts import configured_fonts, find_font
from display.led.onbon_sim import OnbonSimulator
from display.led.sender import Settings
from tests.calling.test_console import press

FAST = Settings(tick=0.05, timeout=1.0, ping_seconds=5, retry_first=0.05, retry_max=0.4)


@pytest.fixture
def card(app, screenshot_dir):
    sim = OnbonSimulator(colour="mono", out_dir=screenshot_dir).start()
    yield sim
    sim.stop()


@pytest.fixture
def sender(app, monkeypatch):
    monkeypatch.setattr(strips, "FLASH_SECONDS", 0.6)
    sender = WindowStrips(app, FAST)
    sender.start()
    app.extensions["sunlight"].versions.listeners.append(sender.wake)
    yield sender
    app.extensions["sunlight"].versions.listeners.remove(sender.wake)
    sender.stop()


def wire(number: str, sim: OnbonSimulator, area: int) -> CallingWindow:
    """Window ``number``'s strip: area ``area`` of the card, 128×32 one colour."""
    window = db.session.execute(
        select(Window).where(Window.number == number, Window.hall.has(code="hall-1"))
    ).scalar_one()
    row = CallingWindow(
        window_id=window.id,
        hall_id=window.hall_id,
        led_protocol="onbon-bx5",
        led_host=sim.host,
        led_port=sim.port,
        led_area_id=area,
        led_x=128 * (area - 1),
        led_width=128,
        led_height=32,
    )
    db.session.add(row)
    db.session.commit()
    return row


def lit(image: Image.Image) -> bytes:
    return image.convert("L").point(lambda v: 255 if v >= 64 else 0).tobytes()


def drawn(row: CallingWindow, flashing: bool) -> list[bytes]:
    db.session.refresh(row)
    pages = pages_for_panel(
        strip_pages(row, flashing), strips.panel_of(row), find_font(configured_fonts(), 16)
    )
    return [lit(p.image) for p in pages]


def shows(sim, area: int, want: list[bytes], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if [lit(i) for i in sim.images(area)] == want:
            return True
        time.sleep(0.02)
    return False


def test_a_call_flashes_then_holds_on_its_windows_area(card, sender, events):
    three, five = wire("3", card, 1), wire("5", card, 2)
    assert shows(card, 1, drawn(three, False)) and shows(card, 2, drawn(five, False))
    idle = drawn(three, False)
    assert events.send("call", "3", ticket="A001").json["status"] == "applied"
    flashing = drawn(three, True)
    assert len(flashing) == 2 and flashing[0] != idle
    # Off-phase: the window's number stays on the upper row, the ticket's row is dark.
    top = 128 * 16
    assert flashing[1][:top] == flashing[0][:top] and not any(flashing[1][top:])
    assert shows(card, 1, flashing)
    steady = drawn(three, False)
    assert shows(card, 1, steady) and steady[0] == flashing[0]
    area = card.area(1)
    assert (area.x, area.y, area.width, area.height) == (0, 0, 128, 32)
    assert card.area(2) is not None and [lit(i) for i in card.images(2)] == drawn(five, False)
    # Serving, then the idle text the window was given.
    events.send("start", "3", ticket="A001")
    assert shows(card, 1, drawn(three, False))
    three.idle_text = "欢迎您"
    db.session.commit()
    events.send("end", "3", ticket="A001")
    assert shows(card, 1, drawn(three, False))


def test_the_built_in_caller_reaches_the_strip(card, sender, operator, hall):
    row = wire("12", card, 1)
    press(operator, row.window_id, "pause", reason="午休")
    db.session.refresh(row)
    assert row.state == "paused"
    assert shows(card, 1, drawn(row, False))
    # Nothing moved: no new push for a recheck.
    frames = card.state.frames
    time.sleep(0.3)
    assert card.state.frames == frames


def test_a_strip_that_was_away_gets_the_state_again(card, sender, events):
    row = wire("4", card, 3)
    assert shows(card, 3, drawn(row, False))
    card.faults.down_until = time.monotonic() + 0.5
    events.send("pause", "4", reason="系统故障")
    assert shows(card, 3, drawn(row, False), timeout=8)
