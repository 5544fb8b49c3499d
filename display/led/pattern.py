"""The calibration picture (校准图案) a technician pushes to see which settings draw right.

Made so that each way of getting a card's settings wrong looks different on the
strip: a frame round the edge (every row and column end), a diagonal from the top
left (a word's bytes in the wrong order cut it into steps of 8 pixels and turn it
backwards inside each), a tick on every 8th column along the top, and an "L" in the
top-left corner (the picture's orientation). Two-colour strips get the frame red,
the diagonal green and the corner yellow (red and green swapped: 先绿后红);
full-colour strips add a blue bar on the bottom row (a card that cannot show blue
leaves it dark).
"""

from __future__ import annotations

from PIL import Image, ImageDraw

from display.led.card_pages import CardPage
from display.led.palette import COLOURS

PATTERN_SECONDS = 120  # how long the pattern stays before the program returns


def calibration_picture(width: int, height: int, color_mode: str) -> Image.Image:
    red, green, yellow = COLOURS["red"], COLOURS["green"], COLOURS["yellow"]
    if color_mode == "mono":
        green = yellow = red
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width - 1, height - 1), outline=red)
    for x in range(0, width, 8):
        draw.point((x, 1), fill=red)
    draw.line((0, 0, min(width, height) - 1, min(width, height) - 1), fill=green)
    corner = max(3, height // 3)
    draw.line((2, 2, 2, 2 + corner), fill=yellow)
    draw.line((2, 2 + corner, 2 + corner // 2, 2 + corner), fill=yellow)
    if color_mode == "rgb":
        draw.line((width // 2, height - 1, width - 2, height - 1), fill=COLOURS["blue"])
    return image


def pattern_pages(width: int, height: int, color_mode: str) -> list[CardPage]:
    return [CardPage(calibration_picture(width, height, color_mode), PATTERN_SECONDS * 1000)]
