"""Find a CJK font that is crisp at the strip's pixel size, and draw 1-bit text lines.

Config ``display.led_fonts`` lists candidates, first found wins: PCF bitmap fonts
(``.pcf`` or ``.pcf.gz``, used only at their native pixel size) and TrueType
collections with embedded bitmaps (``path.ttc#2`` picks face 2, WenQuanYi Zen
Hei Sharp). Text is always drawn 1-bit: no anti-aliased grey.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from PIL import Image, ImageDraw, ImageFont

from display.led.pcf import load_pcf

log = logging.getLogger("sunlight.display.led")

_cache: dict[tuple[str, int], LineFont | None] = {}
_lock = threading.Lock()


class NoLedFont(RuntimeError):
    """No configured LED font exists on this machine."""


def split_spec(spec: str) -> tuple[str, int]:
    path, _, index = spec.partition("#")
    return path, int(index) if index.isdigit() else 0


@dataclass
class LineFont:
    """Draws one line of text as a 1-bit image exactly ``size`` pixels high."""

    spec: str
    size: int
    _pcf: object | None = None
    _ttf: ImageFont.FreeTypeFont | None = None

    def width(self, text: str) -> int:
        if self._pcf is not None:
            return sum(self._pcf_glyph(ch)[0] for ch in text)
        return int(self._ttf.getlength(text))

    def _pcf_glyph(self, ch: str):
        glyphs = self._pcf.glyphs
        return glyphs.get(ord(ch)) or glyphs.get(0x25A1) or glyphs.get(ord("?"))

    def has(self, ch: str) -> bool:
        if self._pcf is not None:
            return ord(ch) in self._pcf.glyphs
        return True

    def line(self, text: str) -> Image.Image:
        image = Image.new("1", (max(1, self.width(text)), self.size), 0)
        if self._pcf is not None:
            baseline = self._pcf.ascent + (self.size - self._pcf.ascent - self._pcf.descent) // 2
            x = 0
            for ch in text:
                advance, left, ascent, bitmap = self._pcf_glyph(ch)
                image.paste(255, (x + left, baseline - ascent), bitmap)
                x += advance
            return image
        draw = ImageDraw.Draw(image)
        draw.fontmode = "1"
        # Centre a full-height CJK glyph in the line.
        _, top, _, bottom = self._ttf.getbbox("国", anchor="ls", mode="1")
        baseline = -top + (self.size - (bottom - top)) // 2
        draw.text((0, baseline), text, font=self._ttf, fill=255, anchor="ls")
        return image


def _open(spec: str, size: int) -> LineFont | None:
    path, index = split_spec(spec)
    if not path or not Path(path).is_file():
        return None
    try:
        if path.endswith((".pcf", ".pcf.gz")):
            pcf = load_pcf(path)
            if pcf.pixel_size != size:
                return None
            return LineFont(spec, size, _pcf=pcf)
        return LineFont(spec, size, _ttf=ImageFont.truetype(path, size, index=index))
    except (OSError, SyntaxError, ValueError) as exc:
        log.warning("LED font %s cannot be read: %s", spec, exc)
        return None


def find_font(candidates: list[str], size: int) -> LineFont:
    """The first candidate that renders ``size`` px; NoLedFont if none does."""
    for spec in candidates:
        key = (spec, size)
        with _lock:
            if key not in _cache:
                _cache[key] = _open(spec, size)
            font = _cache[key]
        if font is not None:
            return font
    raise NoLedFont(
        f"未找到可用的 LED 点阵字体（{size} 像素）：请安装 xfonts-wqy 或 fonts-wqy-zenhei，"
        f"或在配置 display.led_fonts 中指定字体路径。已查找：{', '.join(c for c in candidates if c)}"
    )


def configured_fonts(app=None) -> list[str]:
    return [f for f in (app or current_app).config["SUNLIGHT"]["display"]["led_fonts"] if f]


def font_status(size: int = 16, app=None) -> tuple[str | None, str]:
    """(the font used at ``size``, a message for the console)."""
    try:
        font = find_font(configured_fonts(app), size)
    except NoLedFont as exc:
        return None, str(exc)
    return font.spec, f"LED 字体：{font.spec}（{size} 像素点阵）"


def check_fonts(app) -> None:
    """Say clearly at start when no LED font is there (the strips would show nothing)."""
    found = [s for s in configured_fonts(app) if Path(split_spec(s)[0]).is_file()]
    if found:
        log.info("LED fonts available: %s", ", ".join(found))
    else:
        log.warning(
            "no LED font found (display.led_fonts: %s); LED strips cannot be rendered. "
            "Install xfonts-wqy or fonts-wqy-zenhei (scripts/system-deps.sh).",
            ", ".join(configured_fonts(app)) or "empty",
        )
