"""X11 PCF bitmap fonts with every glyph (Pillow's own reader keeps only 256).

WenQuanYi Bitmap Song (Debian's xfonts-wqy) is a 16 px dot-matrix CJK font in
PCF; its encoding table maps Unicode (ISO10646) rows and columns to glyphs.
"""

from __future__ import annotations

import gzip
from typing import BinaryIO

from PIL import FontFile, Image, PcfFontFile

PCF_BDF_ENCODINGS = PcfFontFile.PCF_BDF_ENCODINGS


class UnicodePcf(PcfFontFile.PcfFontFile):
    """Glyphs by code point: ``glyphs[cp] = (advance, left, ascent, bitmap)``."""

    def __init__(self, fp: BinaryIO):  # noqa: D401 - mirrors the parent but keeps all glyphs
        magic = PcfFontFile.l32(fp.read(4))
        if magic != PcfFontFile.PCF_MAGIC:
            raise SyntaxError("not a PCF file")
        FontFile.FontFile.__init__(self)
        count = PcfFontFile.l32(fp.read(4))
        self.toc = {}
        for _ in range(count):
            kind = PcfFontFile.l32(fp.read(4))
            self.toc[kind] = (
                PcfFontFile.l32(fp.read(4)),
                PcfFontFile.l32(fp.read(4)),
                PcfFontFile.l32(fp.read(4)),
            )
        self.fp = fp
        self.charset_encoding = "iso10646-1"
        self.info = self._load_properties()
        metrics = self._load_metrics()
        bitmaps = self._load_bitmaps(metrics)
        self.pixel_size = int(self.info.get(b"PIXEL_SIZE", 16))
        self.ascent = max((m[5] for m in metrics), default=self.pixel_size)
        self.descent = max((m[6] for m in metrics), default=0)
        self.glyphs: dict[int, tuple[int, int, int, Image.Image]] = {}
        for code, index in self._full_encoding().items():
            xsize, ysize, left, right, width, ascent, descent, _ = metrics[index]
            self.glyphs[code] = (width, left, ascent, bitmaps[index])

    def _full_encoding(self) -> dict[int, int]:
        fp, _format, i16, _i32 = self._getformat(PCF_BDF_ENCODINGS)
        first_col, last_col = i16(fp.read(2)), i16(fp.read(2))
        first_row, last_row = i16(fp.read(2)), i16(fp.read(2))
        i16(fp.read(2))  # default char
        cols = last_col - first_col + 1
        total = cols * (last_row - first_row + 1)
        offsets = [i16(fp.read(2)) for _ in range(total)]
        mapping = {}
        for n, offset in enumerate(offsets):
            if offset != 0xFFFF:
                row, col = divmod(n, cols)
                mapping[(row + first_row) * 256 + col + first_col] = offset
        return mapping


def load_pcf(path: str) -> UnicodePcf:
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as fp:
        return UnicodePcf(fp)
