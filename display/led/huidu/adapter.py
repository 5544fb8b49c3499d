"""The sender's view of a Huidu card: card pages in, one image program out."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from content_feed.models import LedController, Terminal
from display.led.card_pages import CardPage
from display.led.huidu import driver, messages

PROGRAM_GUID = "sunlight-strip"  # our one program on the card, replaced by every push


@dataclass(frozen=True)
class HuiduCard:
    card: driver.Card
    width: int
    height: int
    screen_on: str = ""
    screen_off: str = ""


def png(page: CardPage) -> bytes:
    out = io.BytesIO()
    page.image.convert("RGB").save(out, "PNG", optimize=False)
    return out.getvalue()


def file_name(data: bytes) -> str:
    """Named by content: a frame the card already holds is not uploaded again."""
    return f"sl-{hashlib.md5(data).hexdigest()}.png"


class HuiduPush:
    name = "huidu"

    def card_for(self, controller: LedController, terminal: Terminal) -> HuiduCard:
        return HuiduCard(
            driver.Card(controller.host, controller.port),
            terminal.width,
            terminal.height,
            controller.screen_on or "",
            controller.screen_off or "",
        )

    def push(self, card: HuiduCard, pages: list[CardPage], timeout: float) -> None:
        files = [png(p) for p in pages]
        pictures = [
            messages.Picture(file_name(data), max(1, p.stay_ms // 100), p.moving)
            for p, data in zip(pages, files, strict=True)
        ]
        # Uploads take their time: a few seconds per request, as for an Onbon area.
        with driver.Session(card.card, timeout * (1 + len(files))) as session:
            for picture, data in zip(pictures, files, strict=True):
                session.upload(picture.file_name, data)
            session.method(
                "AddProgram",
                messages.screen(PROGRAM_GUID, "阳光公开", card.width, card.height, pictures),
            )
            session.method("SetSwitchTime", *messages.switch_time(card.screen_on, card.screen_off))

    def ping(self, card: HuiduCard, timeout: float) -> bool:
        # Huidu programs are kept in the card's storage: a restart does not lose them.
        driver.ping(card.card, timeout)
        return False

    def set_brightness(self, card: HuiduCard, level: int, timeout: float) -> bool:
        """Our 0–15 as the card's 1–100 %."""
        percent = max(1, round(level * 100 / 15))
        with driver.Session(card.card, timeout) as session:
            session.method("SetLuminancePloy", *messages.luminance(percent))
        return False  # kept in storage, as the program is

    def place(self, card: HuiduCard) -> tuple:
        return (card.card.host, card.card.port)

    def clear(self, card: HuiduCard, timeout: float) -> None:
        """An empty screen: our program off the card."""
        with driver.Session(card.card, timeout) as session:
            session.method("AddProgram", messages.screen(PROGRAM_GUID, "", 0, 0, []))

    def switch(self, card: HuiduCard, on: bool, timeout: float) -> bool:
        """Off: the empty screen (black); on: nothing, the program pushed with it lights it."""
        if not on:
            self.clear(card, timeout)
        return False

    def release(self, card: HuiduCard) -> None:
        """Nothing kept open between sessions."""
