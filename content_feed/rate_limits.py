"""Rate limits counted by who a request *is*, decided inside the view.

Flask-Limiter's decorators count before the view runs, by a key taken from the
request; a key made from what the client sends (a terminal code in the body)
lets anyone pin memory with a million made-up keys. Here the view first
establishes the key (an authenticated terminal's id, the client's address)
and only then counts, in the limiter's own storage. A refusal is a 429 with
``Retry-After``.
"""

from __future__ import annotations

from limits import parse

from content_feed.api.problems import Problem
from content_feed.extensions import limiter
from content_feed.limit_storage import seconds_until


def retry_after_seconds(item, *identifiers: str) -> int:
    reset_at, _remaining = limiter.limiter.get_window_stats(item, *identifiers)
    return seconds_until(reset_at)


def spend(rate: str, scope: str, key: str, message: str) -> None:
    """Count one request of ``key`` against ``rate`` ("30/minute"); 429 past it."""
    item = parse(rate)
    if not limiter.limiter.hit(item, scope, key):
        retry = retry_after_seconds(item, scope, key)
        raise Problem(429, message, headers={"Retry-After": str(retry)}, retry_after=retry)
