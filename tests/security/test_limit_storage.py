"""The rate-limit counters run on the app's clock and forget windows that are over."""

from __future__ import annotations

from web.extensions import limiter
from web.limit_storage import ClockedMemoryStorage


def test_the_limiter_counts_in_the_clocked_storage(app):
    assert isinstance(limiter.storage, ClockedMemoryStorage)


def test_windows_open_and_close_on_the_clock_and_are_swept(app, clock):
    storage = ClockedMemoryStorage()
    assert [storage.incr("a", 60) for _ in range(3)] == [1, 2, 3]
    assert storage.get_expiry("a") == clock.now().timestamp() + 60
    clock.advance(seconds=59)
    assert storage.get("a") == 3
    clock.advance(seconds=1)
    assert storage.get("a") == 0
    storage.incr("b", 60)  # the first count after a minute sweeps what is over
    clock.advance(seconds=61)
    storage.incr("c", 60)
    assert set(storage.storage) == {"c"}
