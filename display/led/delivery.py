"""Ways to feed an LED terminal, by its ``LedController.protocol``.

``pull``: the terminal (or a bridge) fetches PNG/BMP/GIF/text from us; nothing to do.
A push protocol has a ``PushDriver``: it knows how to reach a card, put pages on it,
ping it and set its brightness. The sender (``display.led.sender``) uses only this
interface, so a second vendor is one more module and one more line in ``DRIVERS``.
"""

from __future__ import annotations

from typing import Protocol

from content_feed.models import LedController, Terminal
from display.led.card_pages import CardPage


class PushDriver(Protocol):
    name: str

    def card_for(self, controller: LedController, terminal: Terminal):
        """A hashable description of the card (address, model, colour, area)."""

    def push(self, card, pages: list[CardPage], timeout: float) -> None:
        """Put the pages on the card (RAM only); raises DeliveryError."""

    def ping(self, card, timeout: float) -> bool:
        """Raises DeliveryError unless the card answers; True when the card may have
        lost what it was given (it restarted): the sender pushes it again."""

    def set_brightness(self, card, level: int, timeout: float) -> bool:
        """True, as for ``ping``, when the card may have lost what it was given."""

    def switch(self, card, on: bool, timeout: float) -> bool:
        """The screen off (a power schedule) or on again; the card keeps answering.
        True, as for ``ping``, when the card may have lost what it was given."""

    def place(self, card) -> tuple:
        """Where on which card our program lives: a change of place leaves the old one
        to be cleared."""

    def clear(self, card, timeout: float) -> None:
        """Remove our program from the card (it is no longer fed by push)."""

    def release(self, card) -> None:
        """Close whatever connection is kept to the card."""


def drivers() -> dict[str, PushDriver]:
    from display.led.huidu.adapter import HuiduPush
    from display.led.onbon.adapter import OnbonPush

    return {"onbon-bx5": OnbonPush("bx5"), "onbon-bx6": OnbonPush("bx6"), "huidu": HuiduPush()}
