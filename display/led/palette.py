"""Colour modes of LED panels: one colour, red/green two-colour (yellow = both), RGB."""

from __future__ import annotations

from PIL import Image

BLACK = (0, 0, 0)
COLOURS = {
    "red": (255, 0, 0),
    "green": (0, 255, 0),
    "yellow": (255, 255, 0),
    "blue": (0, 0, 255),
    "white": (255, 255, 255),
    "amber": (255, 191, 0),
    "cyan": (0, 255, 255),
}
# What staff call them.
COLOUR_NAMES = {
    "red": "红色",
    "green": "绿色",
    "yellow": "黄色",
    "blue": "蓝色",
    "white": "白色",
    "amber": "琥珀色",
    "cyan": "青色",
}
MODES = ("mono", "dual", "rgb")

# Which colour each tone of text takes in each mode.
TONES = {
    "dual": {"text": "red", "label": "yellow", "accent": "green", "alert": "red"},
    "rgb": {"text": "yellow", "label": "cyan", "accent": "green", "alert": "red"},
}


class Palette:
    """Maps tones to pixel values of the frame's image mode."""

    def __init__(self, mode: str, mono_colour: str = "red"):
        if mode not in MODES:
            raise ValueError(f"unknown LED colour mode {mode!r}")
        self.mode = mode
        if mode == "mono":
            self.colours = [BLACK, COLOURS.get(mono_colour, COLOURS["red"])]
        elif mode == "dual":
            self.colours = [BLACK, COLOURS["red"], COLOURS["green"], COLOURS["yellow"]]
        else:
            self.colours = []

    def new_image(self, size: tuple[int, int]) -> Image.Image:
        if self.mode == "rgb":
            return Image.new("RGB", size, BLACK)
        image = Image.new("P", size, 0)
        flat = [c for rgb in self.colours for c in rgb]
        image.putpalette(flat + [0] * (768 - len(flat)))
        return image

    def ink(self, tone: str):
        """The pixel value for a tone: a palette index, or an RGB tuple."""
        if self.mode == "mono":
            return 1
        name = TONES[self.mode].get(tone, TONES[self.mode]["text"])
        if self.mode == "dual":
            return self.colours.index(COLOURS[name])
        return COLOURS[name]
