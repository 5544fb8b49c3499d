"""Pages of text to LED frames: static pages and left-scrolling lines.

A 16-px strip of four P10 modules (128 px) shows eight characters; a 32-px
strip shows two lines: the label (公告, 办事指南 …) above and the text below.
Text that does not fit scrolls from the right edge until it has left on the left.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PIL import Image

from display.led.fonts import LineFont
from display.led.palette import Palette

# GIF delays are counted in hundredths of a second, and browsers slow down
# anything under 20 ms: scroll frames aim at about 50 ms each.
TARGET_FRAME_MS = 50
MIN_FRAME_MS = 20


@dataclass(frozen=True)
class Page:
    text: str
    label: str = ""
    seconds: float = 10
    tone: str = "text"  # text / alert


@dataclass
class Frame:
    image: Image.Image
    ms: int
    page: int  # index of the page it belongs to
    _png: bytes | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Panel:
    width: int
    height: int
    mode: str = "mono"
    mono_colour: str = "red"
    scroll_speed: int = 32  # pixels per second


def scroll_step(speed: int) -> tuple[int, int]:
    """(pixels per frame, milliseconds per frame) near TARGET_FRAME_MS, in whole 10 ms."""
    speed = max(1, speed)
    step = max(1, round(speed * TARGET_FRAME_MS / 1000))
    ms = max(MIN_FRAME_MS, round(step * 1000 / speed / 10) * 10)
    return step, ms


def wrap(font: LineFont, text: str, width: int) -> list[str]:
    lines, current = [], ""
    for ch in text:
        if ch == "\n" or font.width(current + ch) > width:
            lines.append(current)
            current = "" if ch in "\n " else ch
        else:
            current += ch
    lines.append(current)
    return [line for line in lines if line.strip()]


class Renderer:
    def __init__(self, panel: Panel, font: LineFont):
        self.panel, self.font = panel, font
        self.palette = Palette(panel.mode, panel.mono_colour)
        self.rows = max(1, panel.height // font.size)
        self.top = max(0, (panel.height - self.rows * font.size) // 2)

    def blank(self) -> Image.Image:
        return self.palette.new_image((self.panel.width, self.panel.height))

    def _put(self, image, text: str, x: int, row_y: int, tone: str, centre: bool = False) -> None:
        if not text:
            return
        line = self.font.line(text)
        if centre:
            x = max(0, (self.panel.width - line.width) // 2)
        image.paste(self.palette.ink(tone), (x, row_y), line)

    def _row_y(self, row: int) -> int:
        return self.top + row * self.font.size

    def page_frames(self, page: Page, index: int = 0) -> list[Frame]:
        width = self.panel.width
        text = " ".join(page.text.split())
        label_rows = 1 if self.rows >= 2 and page.label else 0
        text_rows = self.rows - label_rows
        tone = "alert" if page.tone == "alert" else "text"
        lines = wrap(self.font, text, width)
        base = self.blank()
        if label_rows:
            self._put(
                base, page.label, 0, self._row_y(0), "label" if tone != "alert" else "alert", True
            )
        static_ms = max(1, round(page.seconds * 1000))
        if len(lines) <= text_rows:
            for n, line in enumerate(lines):
                first = label_rows + (text_rows - len(lines)) // 2
                self._put(base, line, 0, self._row_y(first + n), tone, True)
            return [Frame(base, static_ms, index)]
        # Too long: one row scrolls left, in the middle of the text rows.
        strip, at = self._scroll_row(base, text, label_rows, text_rows, tone)
        step, ms = scroll_step(self.panel.scroll_speed)
        return [Frame(at(x), ms, index) for x in range(width, -strip.width - 1, -step)]

    def _scroll_row(self, base, text: str, label_rows: int, text_rows: int, tone: str):
        """The long line, and a function drawing the frame with it at x."""
        strip = self.font.line(text)
        row_y = self._row_y(label_rows + (text_rows - 1) // 2)

        def at(x: int) -> Image.Image:
            image = base.copy()
            image.paste(self.palette.ink(tone), (x, row_y), strip)
            return image

        return strip, at

    def scroll_tiles(self, page: Page, index: int = 0) -> list[Frame]:
        """A page too long for the panel as panel-wide tiles: its scroll frames at
        x = 0, -width, -2·width … (what a card that moves whole pages needs);
        [] when the page fits and does not scroll."""
        frames = self.page_frames(page, index)
        if len(frames) == 1:
            return []
        width = self.panel.width
        text = " ".join(page.text.split())
        label_rows = 1 if self.rows >= 2 and page.label else 0
        tone = "alert" if page.tone == "alert" else "text"
        base = frames[0].image  # the first scroll frame: the text still off the right edge
        strip, at = self._scroll_row(base, text, label_rows, self.rows - label_rows, tone)
        count = -(-strip.width // width)
        return [Frame(at(-k * width), frames[0].ms, index) for k in range(count)]

    def frames(self, pages: list[Page]) -> list[Frame]:
        """Every frame of the pages in order; identical neighbours become one longer frame
        (as a GIF encoder would do), so frame counts and times mean the same everywhere."""
        frames: list[Frame] = []
        last = None
        for n, page in enumerate(pages):
            for frame in self.page_frames(page, n):
                data = frame.image.tobytes()
                if frames and data == last:
                    frames[-1].ms += frame.ms
                else:
                    frames.append(frame)
                    last = data
        return frames or [Frame(self.blank(), 10_000, 0)]
