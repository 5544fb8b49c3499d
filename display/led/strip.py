"""One LED terminal's program as pages, frames and encodings, cached per content version."""

from __future__ import annotations

import hashlib
import io
import threading
from bisect import bisect_right
from collections import OrderedDict
from dataclasses import dataclass, field

from PIL import Image

from content_feed.models import Terminal
from display.led.fonts import configured_fonts, find_font
from display.led.gb2312 import outside_gb2312
from display.led.render import Frame, Page, Panel, Renderer


def pages_of(program: dict) -> list[Page]:
    """The program's entries as LED pages (urgent notices in the alert tone)."""
    pages = [
        Page(
            text=entry.get("text") or entry.get("title") or "",
            label=entry.get("label", ""),
            seconds=entry.get("duration", 10),
            tone="alert" if entry["kind"] == "urgent" else "text",
        )
        for entry in program["entries"]
        if (entry.get("text") or entry.get("title"))
    ]
    if not pages:
        pages = [Page(text=program["hall"]["name"], label="欢迎", seconds=10)]
    return pages


def panel_of(terminal: Terminal) -> Panel:
    return Panel(
        width=terminal.width,
        height=terminal.height,
        mode=terminal.color_mode if terminal.color_mode in ("mono", "dual", "rgb") else "mono",
        mono_colour=terminal.led_color or "red",
        scroll_speed=terminal.scroll_speed or 32,
    )


@dataclass
class Rendered:
    pages: list[Page]
    frames: list[Frame]
    cycle_ms: int = 0
    _gif: bytes | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    _starts: list[int] = field(default_factory=list, repr=False)
    _bmp: dict[int, bytes] = field(default_factory=dict, repr=False)

    def __post_init__(self):
        self._starts = []
        total = 0
        for frame in self.frames:
            self._starts.append(total)
            total += frame.ms
        self.cycle_ms = total

    def frame_at(self, epoch_ms: int) -> tuple[int, Frame]:
        """The frame showing at ``epoch_ms`` if the program loops from the Unix epoch."""
        n = bisect_right(self._starts, epoch_ms % self.cycle_ms) - 1
        return n, self.frames[n]

    def png(self, n: int) -> bytes:
        """Frame ``n`` as PNG, encoded once per rendered program."""
        frame = self.frames[n]
        if frame._png is None:
            out = io.BytesIO()
            frame.image.save(out, format="PNG", optimize=False)
            frame._png = out.getvalue()
        return frame._png

    def bmp(self, n: int) -> bytes:
        data = self._bmp.get(n)
        if data is None:
            out = io.BytesIO()
            self.frames[n].image.save(out, format="BMP")
            data = self._bmp[n] = out.getvalue()
        return data

    @property
    def size(self) -> int:
        """Roughly the bytes it holds: its images and their encodings."""
        return sum(f.image.width * f.image.height * len(f.image.getbands()) for f in self.frames)

    def gif(self) -> bytes:
        with self._lock:
            if self._gif is None:
                self._gif = encode_gif(self.frames)
        return self._gif

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.pages)

    @property
    def outside(self) -> list[str]:
        return outside_gb2312(self.text)


def encode_gif(frames: list[Frame]) -> bytes:
    out = io.BytesIO()
    images = [
        f.image if f.image.mode == "P" else f.image.convert("P", palette=Image.Palette.ADAPTIVE)
        for f in frames
    ]
    images[0].save(
        out,
        format="GIF",
        save_all=True,
        append_images=images[1:],
        duration=[f.ms for f in frames],
        loop=0,
        disposal=1,
        optimize=False,
    )
    return out.getvalue()


class FrameCache:
    """Rendered programs by what they show (pages, panel, font): a program
    rebuilt with the same pages, or the same pages on another strip of the
    same panel, renders once."""

    def __init__(self, size: int = 64):
        self.size = size
        self._data: OrderedDict[tuple, Rendered] = OrderedDict()
        self._lock = threading.Lock()
        self.renders = 0

    def get(self, key: tuple, make) -> Rendered:
        with self._lock:
            hit = self._data.get(key)
            if hit is not None:
                self._data.move_to_end(key)
                return hit
        rendered = make()
        with self._lock:
            self.renders += 1
            self._data[key] = rendered
            while len(self._data) > self.size:
                self._data.popitem(last=False)
        return rendered


def render_key(terminal: Terminal, program: dict, fonts: list[str] | None = None) -> str:
    """A digest of everything a rendering depends on."""
    parts = (
        panel_of(terminal),
        terminal.font_size or 16,
        tuple(fonts if fonts is not None else configured_fonts()),
        tuple((p.text, p.label, p.seconds, p.tone) for p in pages_of(program)),
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def render_program(terminal: Terminal, program: dict, fonts: list[str] | None = None) -> Rendered:
    font = find_font(fonts if fonts is not None else configured_fonts(), terminal.font_size or 16)
    pages = pages_of(program)
    return Rendered(pages, Renderer(panel_of(terminal), font).frames(pages))
