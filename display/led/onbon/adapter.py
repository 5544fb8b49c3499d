"""The sender's view of an Onbon card: card pages in, one dynamic area out."""

from __future__ import annotations

from dataclasses import dataclass

from content_feed.models import LedController, Terminal
from display.led.card_pages import CardPage
from display.led.errors import DeliveryError
from display.led.onbon import commands, driver


@dataclass(frozen=True)
class OnbonCard:
    card: driver.Card
    area_id: int
    x: int
    y: int
    width: int
    height: int
    speed: int


def colour_for(device_type: int, color_mode: str) -> str:
    """Q cards take full colour; E cards one or two colours, as the terminal says."""
    if commands.full_colour(device_type):
        return "full"
    if device_type == 0xFFFE and color_mode == "rgb":
        return "full"
    return "mono" if color_mode == "mono" else "dual"


def area_of(card: OnbonCard, pages: list[CardPage]) -> commands.Area:
    return commands.Area(
        card.area_id,
        card.x,
        card.y,
        card.width,
        card.height,
        [
            commands.Page(p.image, commands.SHOW_CONTINUOUS_LEFT, 0, card.speed)
            if p.moving
            else commands.Page(p.image, commands.SHOW_STATIC, p.stay_ms, card.speed)
            for p in pages
        ],
    )


class OnbonPush:
    def __init__(self, generation: str):
        self.generation = generation
        self.name = f"onbon-{generation}"

    def card_for(self, controller: LedController, terminal: Terminal) -> OnbonCard:
        return OnbonCard(
            driver.Card(
                controller.host,
                controller.port,
                self.generation,
                controller.device_type,
                colour_for(controller.device_type, terminal.color_mode),
                controller.screen_address,
                controller.green_first,
                controller.word_order,
                controller.length_form,
            ),
            controller.area_id,
            controller.area_x,
            controller.area_y,
            terminal.width,
            terminal.height,
            controller.speed_level,
        )

    def push(self, card: OnbonCard, pages: list[CardPage], timeout: float) -> None:
        try:
            area = area_of(card, pages)
            driver.push_area(card.card, area, timeout)
        except ValueError as exc:  # too much data for the area
            raise DeliveryError(str(exc), retryable=False) from None

    def ping(self, card: OnbonCard, timeout: float) -> bool:
        """True when the card had cut our connection: it may have restarted, its RAM
        (our area) emptied. Onbon's dynamic-area protocol has no area query."""
        return driver.ping(card.card, timeout).reconnected

    def place(self, card: OnbonCard) -> tuple:
        return (card.card.host, card.card.port, card.area_id)

    def clear(self, card: OnbonCard, timeout: float) -> None:
        """A7 01: our area off the card; the card's own programs play again."""
        driver.delete_areas(card.card, [card.area_id], timeout)

    def release(self, card: OnbonCard) -> None:
        driver.forget(card.card)

    def set_brightness(self, card: OnbonCard, level: int, timeout: float) -> bool:
        return driver.set_brightness(card.card, level, timeout).reconnected

    def switch(self, card: OnbonCard, on: bool, timeout: float) -> bool:
        return driver.switch(card.card, on, timeout).reconnected
