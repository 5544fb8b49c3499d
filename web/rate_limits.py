"""Rate limits counted by who a request *is*, decided inside the view.

Flask-Limiter's decorators count before the view runs, by a key taken from the
request; a key made from what the client sends (a terminal code in the body)
lets anyone pin memory with a million made-up keys. Here the view first
establishes the key (an authenticated terminal's id, the client's address)
and only then counts, in the limiter's own storage. A refusal is a 429 with
``Retry-After``.

The counters live where ``[rate_limits] storage_url`` says: this process's
memory, or one Redis that every node shares. While Redis cannot be reached each
node counts in its own memory (so a limit holds per node, at most N times over
with N nodes) and tries Redis again after ``RETRY_SECONDS``: a citizen's
submission is never refused, nor a request failed, because a counter store is down.
"""

from __future__ import annotations

import logging
import threading
import time

from flask import Flask
from limits import parse
from limits.errors import StorageError
from limits.storage import MemoryStorage
from limits.strategies import FixedWindowRateLimiter, RateLimiter

from content_feed.api.problems import Problem
from web.extensions import limiter
from web.limit_storage import seconds_until

log = logging.getLogger(__name__)

RETRY_SECONDS = 5.0


def configure(app: Flask) -> None:
    """Point Flask-Limiter at ``[rate_limits] storage_url`` (before ``init_app``)."""
    url = app.config["SUNLIGHT"]["rate_limits"]["storage_url"]
    options: dict = {"wrap_exceptions": True}  # any storage failure is a StorageError
    if url.startswith("memory://"):
        # This process's memory, counted on the app's clock (web/limit_storage.py).
        url = "sunlight-memory://"
    else:
        # A Redis that stops answering costs a request one second, not a thread.
        options.update(socket_connect_timeout=1, socket_timeout=1)
    app.config.update(
        RATELIMIT_STORAGE_URI=url,
        RATELIMIT_STORAGE_OPTIONS=options,
        # The sign-in limit (the decorator's) falls back to memory the same way.
        RATELIMIT_IN_MEMORY_FALLBACK_ENABLED=True,
    )


class _Counters:
    """The shared counters and the memory they fall back to (one per process)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._storage = None
        self._shared: RateLimiter | None = None
        self._fallback: RateLimiter | None = None
        self._down_until = 0.0

    def _current(self) -> tuple[RateLimiter, RateLimiter, float]:
        storage = limiter.storage
        with self._lock:
            if storage is not self._storage:  # a new app bound the limiter: start afresh
                self._storage, self._shared = storage, FixedWindowRateLimiter(storage)
                self._fallback = FixedWindowRateLimiter(MemoryStorage())
                self._down_until = 0.0
            return self._shared, self._fallback, self._down_until

    def count(self, call):
        """``call(rate_limiter)`` on the shared counters, or on memory while they are down."""
        shared, fallback, down_until = self._current()
        if time.monotonic() >= down_until:
            try:
                return call(shared)
            except StorageError as exc:
                log.warning(
                    "rate-limit storage unreachable (%s): counting in this process's memory",
                    exc.storage_error.__class__.__name__,
                )
                with self._lock:
                    self._down_until = time.monotonic() + RETRY_SECONDS
        return call(fallback)


_counters = _Counters()


def retry_after_seconds(item, *identifiers: str) -> int:
    reset_at, _remaining = _counters.count(lambda rl: rl.get_window_stats(item, *identifiers))
    return seconds_until(reset_at)


def spend(rate: str, scope: str, key: str, message: str, cost: int = 1) -> None:
    """Count ``cost`` (one request, or the records it brings) of ``key`` against
    ``rate`` ("30/minute"); 429 past it."""
    item = parse(rate)
    if not _counters.count(lambda rl: rl.hit(item, scope, key, cost=cost)):
        retry = retry_after_seconds(item, scope, key)
        raise Problem(429, message, headers={"Retry-After": str(retry)}, retry_after=retry)
