"""Our rendered frames as the cards' page data (appendix 2 of both manuals).

Single and two colour (BX-5E, BX-6E): one bit per pixel, rows from the top left,
the first pixel of a row in the most significant bit, **0 = lit, 1 = dark**. A row
is padded with 1s on the left when the area does not start on a boundary and on
the right up to the next one: 8 pixels (bytes) on BX-5, 32 pixels (words) on BX-6.

- BX-5E two-colour interleaves: red byte, green byte, red byte, green byte …
- BX-6E two-colour separates: all red rows, then all green rows ("先红数据，后绿数据").
- Single colour sends the red data only.
- Panels wired green first take the two colours swapped (``Layout.green_first``).

Full colour: BX-5Q RGB565 (R bits 15–11, G 10–5, B 4–0), BX-6Q RGB888 (R bits
0–7, G 8–15, B 16–23), each pixel little-endian, rows from the top left.

A BX-6 word's bit 31 is its first pixel, and §1.5 of the manual sends every
multi-byte value low byte first: so the first pixel of a word is bit 7 of the word's
fourth byte on the wire (``Layout.word_order == "lsb"``, the default). ``"msb"`` sends a
word's bytes the other way round (how this driver used to send them): a per-card
compatibility setting (兼容设置) for a card that turned out to read them so.
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image

GENERATIONS = ("bx5", "bx6")
COLOURS = ("mono", "dual", "full")
WORD_ORDERS = ("lsb", "msb")  # a BX-6 word low byte first (§1.5), or high byte first
# BX-6 length fields: as the vendor's Java SDK writes them (``BxAreaDynamic``: PageDataLen
# = the page's 26 parameter bytes, AreaDataLen = the parameters only), or counting the
# bitmaps too (how this driver used to write them).
LENGTH_FORMS = ("sdk", "inclusive")
LIT = 128  # a channel at or above this lights its LED (frames are 1-bit anyway)


@dataclass(frozen=True)
class Layout:
    generation: str  # bx5 / bx6
    colour: str  # mono / dual / full
    # Two-colour panels wired the other way round take green first: the vendor's SDK
    # calls the manual's order "双基色2：R+G" and the swapped one "双基色1：G+R".
    green_first: bool = False
    word_order: str = "lsb"
    lengths: str = "sdk"

    def __post_init__(self):
        if self.generation not in GENERATIONS or self.colour not in COLOURS:
            raise ValueError(f"unknown Onbon layout {self.generation}/{self.colour}")
        if self.word_order not in WORD_ORDERS or self.lengths not in LENGTH_FORMS:
            raise ValueError(f"unknown Onbon compatibility {self.word_order}/{self.lengths}")

    @property
    def unit(self) -> int:
        """Pixels per padding unit: a byte on BX-5, a 32-bit word on BX-6."""
        return 8 if self.generation == "bx5" else 32

    def row_bits(self, x: int, width: int) -> tuple[int, int]:
        """(padding pixels on the left, bits per row including both paddings)."""
        lead = x % self.unit
        return lead, -(-(lead + width) // self.unit) * self.unit

    def page_size(self, x: int, width: int, height: int) -> int:
        if self.colour == "full":
            return width * height * (2 if self.generation == "bx5" else 3)
        planes = 2 if self.colour == "dual" else 1
        return self.row_bits(x, width)[1] // 8 * height * planes


def _lit_planes(image: Image.Image, colour: str) -> list[Image.Image]:
    """'L' images, 255 where the red (or, single colour, any) and green LEDs light."""
    rgb = image.convert("RGB")
    red, green, blue = rgb.split()
    threshold = [255 if v >= LIT else 0 for v in range(256)]
    if colour == "mono":
        from PIL import ImageChops

        return [ImageChops.lighter(ImageChops.lighter(red, green), blue).point(threshold)]
    return [red.point(threshold), green.point(threshold)]


def _pack_plane(lit: Image.Image, x: int, layout: Layout) -> bytes:
    width, height = lit.size
    lead, bits = layout.row_bits(x, width)
    canvas = Image.new("1", (bits, height), 1)  # 1 = dark, also the padding
    dark = lit.point(lambda v: 0 if v else 255).convert("1", dither=Image.Dither.NONE)
    canvas.paste(dark, (lead, 0))
    data = canvas.tobytes()  # mode "1" packs MSB first, rows on byte boundaries
    if layout.unit == 32 and layout.word_order == "lsb":
        # Pillow packed each word high byte first; §1.5 sends it low byte first.
        data = b"".join(data[i : i + 4][::-1] for i in range(0, len(data), 4))
    return data


def _interleave(a: bytes, b: bytes) -> bytes:
    out = bytearray(len(a) * 2)
    out[0::2], out[1::2] = a, b
    return bytes(out)


def pack(image: Image.Image, x: int, layout: Layout) -> bytes:
    """One page of data for an area whose left edge is at ``x`` on the screen."""
    if layout.colour == "full":
        raw = image.convert("RGB").tobytes()
        if layout.generation == "bx6":
            return raw  # R, G, B: bytes 0, 1, 2 of a little-endian 24-bit value
        out = bytearray(len(raw) // 3 * 2)
        for i in range(0, len(raw) // 3):
            r, g, b = raw[3 * i], raw[3 * i + 1], raw[3 * i + 2]
            value = (r >> 3) << 11 | (g >> 2) << 5 | b >> 3
            out[2 * i], out[2 * i + 1] = value & 0xFF, value >> 8
        return bytes(out)
    planes = [_pack_plane(p, x, layout) for p in _lit_planes(image, layout.colour)]
    if len(planes) == 1:
        return planes[0]
    if layout.green_first:
        planes.reverse()
    if layout.generation == "bx5":
        return _interleave(planes[0], planes[1])
    return planes[0] + planes[1]
