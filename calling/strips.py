"""Each window's LED strip: its call state as an Onbon dynamic area, pushed.

The strip says what the window does: calling (the ticket flashing for
FLASH_SECONDS, then steady), serving, 暂停服务, or the window's idle text. The
pages are drawn by the LED renderer (display/led/) and put on the card by the
same driver and the same per-card worker (mailbox of one, retries, pings) as the
screens' programs: one dynamic area per window, so one card may carry several
windows beside the area the screens' sender writes.

A trigger thread, woken by every commit of this process and ticking otherwise,
looks at every window with a strip; where its pages moved it hands them to the
card's worker. The flash is timed from the moment the trigger first saw the
call (not from the queue system's clock): two pushes, flashing then steady.
"""

from __future__ import annotations

import hashlib
import logging
import time

from sqlalchemy import select

from calling.models import CallingWindow
from calling.state import strip_text
from content_feed.db import db
from content_feed.models import LedController, Terminal, Window
from display.led.card_pages import pages_for_panel
from display.led.delivery import drivers
from display.led.fonts import configured_fonts, find_font
from display.led.render import Page, Panel
from display.led.sender import Job, Sender, Settings, Worker

log = logging.getLogger("sunlight.calling.strips")

FLASH_SECONDS = 3.0
FLASH_MS = 500  # on, then off, then on …


def strip_pages(row: CallingWindow, flashing: bool) -> list[Page]:
    label = f"{row.window.number}号窗口"
    text = strip_text(row)
    if flashing:
        half = FLASH_MS / 1000
        return [Page(text, label, half), Page("", label, half)]
    return [Page(text, label, 3600)]


def panel_of(row: CallingWindow) -> Panel:
    mode = row.led_color_mode if row.led_color_mode in ("mono", "dual", "rgb") else "mono"
    return Panel(width=row.led_width, height=row.led_height, mode=mode, mono_colour="red")


def card_of(driver, row: CallingWindow):
    """The driver's card for the window's area (a controller and a terminal as
    the driver reads them)."""
    controller = LedController.unsaved(
        host=row.led_host,
        port=row.led_port,
        area_id=row.led_area_id,
        area_x=row.led_x,
        area_y=row.led_y,
    )
    terminal = Terminal(
        kind="led", color_mode=row.led_color_mode, width=row.led_width, height=row.led_height
    )
    return driver.card_for(controller, terminal)


class WindowStrips(Sender):
    """The screens' sender with windows in place of LED terminals: the same
    trigger thread, leadership, wake-ups and per-card workers."""

    def __init__(self, app, settings: Settings | None = None, leads=None):
        super().__init__(app, settings, leads)
        self._calls: dict[int, tuple[tuple, float]] = {}  # window → (call, first seen)
        self._font = None  # looked up once: finding it reads the font files
        self.submitted = 0

    def flush(self) -> None:
        """A strip's push status stays in its worker (no LED terminal row to write)."""

    def _flashing(self, row: CallingWindow) -> bool:
        if row.state != "calling":
            self._calls.pop(row.window_id, None)
            return False
        call = (row.ticket, row.called_at)
        seen = self._calls.get(row.window_id)
        if seen is None or seen[0] != call:
            seen = self._calls[row.window_id] = (call, time.monotonic())
        return time.monotonic() - seen[1] < FLASH_SECONDS

    def poll_once(self) -> None:
        """Hand every strip whose pages moved its new pages. Needs an app context."""
        registry = drivers()
        rows = db.session.execute(
            select(CallingWindow)
            .join(Window, Window.id == CallingWindow.window_id)
            .where(CallingWindow.led_protocol.in_(list(registry)), CallingWindow.led_host != "")
        ).scalars()
        wanted = set()
        for row in rows:
            wanted.add(row.window_id)
            driver = registry[row.led_protocol]
            card = card_of(driver, row)
            worker = self.workers.get(row.window_id)
            if worker is None:
                worker = self.workers[row.window_id] = Worker(
                    row.window_id,
                    driver,
                    card,
                    self.settings,
                    self.app.extensions["sunlight"].clock,
                )
            elif worker.card != card or worker.driver.name != driver.name:
                worker.retarget(driver, card)
            pages = strip_pages(row, self._flashing(row))
            key = (tuple(pages), card)
            if self._seen.get(row.window_id) == key:
                continue
            try:
                if self._font is None:
                    self._font = find_font(configured_fonts(), 16)
                rendered = pages_for_panel(pages, panel_of(row), self._font)
            except Exception as exc:  # one strip that cannot render holds no other up
                log.warning("window strip %s cannot be rendered: %s", row.window_id, exc)
                continue
            version = hashlib.sha256(repr(key).encode()).hexdigest()[:16]
            worker.submit(Job(version, rendered))
            self._seen[row.window_id] = key
            self.submitted += 1
        for gone in set(self.workers) - wanted:
            self.workers.pop(gone).stop()
            self._seen.pop(gone, None)
        db.session.rollback()  # end the read transaction: the next tick sees new commits


def start_strips(app) -> WindowStrips | None:
    """Start with the screens' sender (``run.py serve``): pushes only while this
    node leads, woken by this process's commits."""
    if not app.config["SUNLIGHT"]["display"]["push_enabled"]:
        return None
    leadership = app.extensions.get("sunlight.leadership")
    leads = (lambda: leadership.leading) if leadership is not None else None
    strips = WindowStrips(app, leads=leads)
    strips.start()
    app.extensions["sunlight.calling_strips"] = strips
    app.extensions["sunlight"].versions.listeners.append(strips.wake)
    return strips
