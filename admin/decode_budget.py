"""How many image pixels this process decodes at once (issue 20).

One upload's pixels are bounded by ``uploads.MAX_PIXELS``; this bounds their sum
over every upload being decoded at the same moment, to
``security.image_decode_megapixels``: a decode waits (a few seconds at most, then
a Chinese refusal) until the pixels it needs are free. After each decode Pillow's
block cache and the C allocator hand the memory back to the system, so rounds of
big images leave the server where it started.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import threading
from collections.abc import Iterator

from PIL import Image

WAIT_SECONDS = 20.0


class Busy(Exception):
    """No pixels free within the wait."""


def _malloc_trim():
    name = ctypes.util.find_library("c")
    libc = ctypes.CDLL(name) if name else None
    return getattr(libc, "malloc_trim", None)


_TRIM = _malloc_trim()


def give_memory_back() -> None:
    Image.core.clear_cache()
    if _TRIM is not None:
        _TRIM(0)


class PixelBudget:
    def __init__(self, pixels: int):
        self.limit = pixels
        self.used = 0
        self.peak = 0  # for tests and the operator: the most ever held at once
        self._cond = threading.Condition()

    @contextlib.contextmanager
    def hold(self, pixels: int, wait: float = WAIT_SECONDS) -> Iterator[None]:
        # An image larger than the whole budget decodes alone.
        pixels = min(max(pixels, 1), self.limit)
        with self._cond:
            if not self._cond.wait_for(lambda: self.used + pixels <= self.limit, wait):
                raise Busy
            self.used += pixels
            self.peak = max(self.peak, self.used)
        try:
            yield
        finally:
            with self._cond:
                self.used -= pixels
                idle = self.used == 0
                self._cond.notify_all()
            if idle:
                give_memory_back()


_budgets: dict[int, PixelBudget] = {}
_lock = threading.Lock()


def budget_for(megapixels: int) -> PixelBudget:
    """The process's one budget of that size (a new app with other settings, a new one)."""
    pixels = megapixels * 1_000_000
    with _lock:
        return _budgets.setdefault(pixels, PixelBudget(pixels))
