"""A program as the pages a controller card plays by itself (any vendor).

A card is given pictures and told how to show each: still for so long, or moving
left. Still pages are exactly the renderer's frames; a page too long for the
strip becomes panel-wide tiles of its scroll (``Renderer.scroll_tiles``) that the
card moves left one after the other, so the card needs a few pages, not the
hundreds of frames a pulled GIF has.
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image

from content_feed.models import Terminal
from display.led.fonts import configured_fonts, find_font
from display.led.render import Page, Panel, Renderer
from display.led.strip import pages_of, panel_of


@dataclass(frozen=True)
class CardPage:
    image: Image.Image
    stay_ms: int  # how long a still page stays
    moving: bool = False  # part of a long text moving left


def pages_for_panel(pages: list[Page], panel: Panel, font) -> list[CardPage]:
    renderer = Renderer(panel, font)
    out: list[CardPage] = []
    for n, page in enumerate(pages):
        tiles = renderer.scroll_tiles(page, n)
        if tiles:
            out += [CardPage(t.image, 0, True) for t in tiles]
        else:
            frame = renderer.page_frames(page, n)[0]
            out.append(CardPage(frame.image, frame.ms))
    return out


def inputs_for(terminal: Terminal, program: dict, fonts: list[str] | None = None):
    """(the LED pages of ``program``, the panel, the font) for ``terminal``: what
    ``pages_for_panel`` needs, and a key for reusing its result."""
    font = find_font(fonts if fonts is not None else configured_fonts(), terminal.font_size or 16)
    return pages_of(program), panel_of(terminal), font
