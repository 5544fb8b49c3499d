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

A BX-6 word's bit 31 is its first pixel; the manual does not say in which byte
order a word travels. We send it most significant byte first (``WORD_BYTE_ORDER``),
so that a row's bytes read left to right exactly as on BX-5.
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image

GENERATIONS = ("bx5", "bx6")
COLOURS = ("mono", "dual", "full")
WORD_BYTE_ORDER = "big"
LIT = 128  # a channel at or above this lights its LED (frames are 1-bit anyway)


@dataclass(frozen=True)
class Layout:
    generation: str  # bx5 / bx6
    colour: str  # mono / dual / full
    # Two-colour panels wired the other way round take green first: the vendor's SDK
    # calls the manual's order "双基色2：R+G" and the swapped one "双基色1：G+R".
    green_first: bool = False

    def __post_init__(self):
        if self.generation not in GENERATIONS or self.colour not in COLOURS:
            raise ValueError(f"unknown Onbon layout {self.generation}/{self.colour}")

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
    if layout.unit == 32 and WORD_BYTE_ORDER == "little":
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


def _unpack_plane(data: bytes, x: int, width: int, height: int, layout: Layout) -> Image.Image:
    """'L' image, 255 where lit; checks that the padding bits are 1 as the manual says."""
    lead, bits = layout.row_bits(x, width)
    if layout.unit == 32 and WORD_BYTE_ORDER == "little":
        data = b"".join(data[i : i + 4][::-1] for i in range(0, len(data), 4))
    full = Image.frombytes("1", (bits, height), data).convert("L")
    pad_left = full.crop((0, 0, lead, height)) if lead else None
    pad_right = full.crop((lead + width, 0, bits, height)) if lead + width < bits else None
    for pad in (pad_left, pad_right):
        if pad is not None and pad.getextrema()[0] != 255:
            raise ValueError("row padding must be 1 (dark)")
    return full.crop((lead, 0, lead + width, height)).point(lambda v: 255 - v)


def unpack(data: bytes, x: int, width: int, height: int, layout: Layout) -> Image.Image:
    """The RGB picture a card shows for one page of data (the simulator's eyes)."""
    expected = layout.page_size(x, width, height)
    if len(data) != expected:
        raise ValueError(f"page data is {len(data)} bytes, {expected} expected")
    if layout.colour == "full":
        if layout.generation == "bx6":
            return Image.frombytes("RGB", (width, height), data)
        raw = bytearray(width * height * 3)
        for i in range(width * height):
            value = data[2 * i] | data[2 * i + 1] << 8
            r, g, b = value >> 11, (value >> 5) & 0x3F, value & 0x1F
            raw[3 * i : 3 * i + 3] = bytes((r << 3 | r >> 2, g << 2 | g >> 4, b << 3 | b >> 2))
        return Image.frombytes("RGB", (width, height), bytes(raw))
    if layout.colour == "mono":
        lit = _unpack_plane(data, x, width, height, layout)
        black = Image.new("L", (width, height), 0)
        return Image.merge("RGB", (lit, black, black))
    half = len(data) // 2
    if layout.generation == "bx5":
        red_data, green_data = data[0::2], data[1::2]
    else:
        red_data, green_data = data[:half], data[half:]
    if layout.green_first:
        red_data, green_data = green_data, red_data
    red = _unpack_plane(red_data, x, width, height, layout)
    green = _unpack_plane(green_data, x, width, height, layout)
    return Image.merge("RGB", (red, green, Image.new("L", (width, height), 0)))
