"""Rate-limit counters in memory, timed by the app's clock (``sunlight-memory://``).

limits' own memory storage reads ``time.time()``, so a sign-in limit of 30 a
minute ran on the wall clock while every other rule ran on the app's clock: a
test with a fixed clock saw the window reset whenever its 31 sign-ins took
longer than a minute. Here a window opens and closes on ``content_feed.clock``,
as everything else does; a fixed clock holds it still and a test may move it.
Only the fixed-window strategy (Flask-Limiter's default, the one we use) is
supported.
"""

from __future__ import annotations

import threading
import time

from flask import has_app_context
from limits.storage import Storage

# How often (in clock seconds) counters past their window are dropped, so that
# the addresses of a day do not stay in memory.
SWEEP_SECONDS = 60


def clock_seconds() -> float:
    """Now, in seconds, on the app's clock (the wall clock outside an app)."""
    if has_app_context():
        from content_feed import clock

        return clock.now().timestamp()
    return time.time()


def seconds_until(reset_at: float) -> int:
    """Whole seconds (at least one) until a window that ends at ``reset_at`` ends,
    on the clock its storage counts by."""
    from web.extensions import limiter

    now = clock_seconds() if isinstance(limiter.storage, ClockedMemoryStorage) else time.time()
    return max(1, int(-(-(reset_at - now) // 1)))


class ClockedMemoryStorage(Storage):
    STORAGE_SCHEME = ["sunlight-memory"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.storage: dict[str, list[float]] = {}  # key → [count, window ends at]
        self._lock = threading.Lock()
        self._swept_at = 0.0

    @property
    def base_exceptions(self):
        return ValueError

    def _live(self, key: str, now: float) -> list[float] | None:
        entry = self.storage.get(key)
        if entry is not None and entry[1] <= now:
            del self.storage[key]
            return None
        return entry

    def _sweep(self, now: float) -> None:
        if now - self._swept_at < SWEEP_SECONDS:
            return
        self._swept_at = now
        for key in [k for k, (_n, ends) in self.storage.items() if ends <= now]:
            del self.storage[key]

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = clock_seconds()
        with self._lock:
            self._sweep(now)
            entry = self._live(key, now)
            if entry is None:
                entry = self.storage[key] = [0, now + expiry]
            entry[0] += amount
            return int(entry[0])

    def get(self, key: str) -> int:
        with self._lock:
            entry = self._live(key, clock_seconds())
            return int(entry[0]) if entry else 0

    def get_expiry(self, key: str) -> float:
        now = clock_seconds()
        with self._lock:
            entry = self._live(key, now)
            return entry[1] if entry else now

    def check(self) -> bool:
        return True

    def reset(self) -> int | None:
        with self._lock:
            count = len(self.storage)
            self.storage.clear()
            return count

    def clear(self, key: str) -> None:
        with self._lock:
            self.storage.pop(key, None)
