"""Conditional GET for feed answers.

The ETag is the feed state (version, next boundary), so a matching
If-None-Match is answered 304 before the view runs: no query, no JSON.
Built bodies are kept per URL until the state moves.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from datetime import datetime
from functools import wraps

from flask import Response, current_app, request

from content_feed.clock import now
from content_feed.versioning import feed_version


class BodyCache:
    """A small LRU of built bodies keyed by URL, tagged with the ETag they were built for."""

    def __init__(self, size: int = 1024):
        self.size = size
        self._data: OrderedDict[str, tuple[str, bytes, str]] = OrderedDict()
        self._lock = threading.Lock()

    def get_entry(self, key: str, etag: str) -> tuple[bytes, str] | None:
        """(body, mimetype) built for ``etag``, or None."""
        with self._lock:
            hit = self._data.get(key)
            if hit and hit[0] == etag:
                self._data.move_to_end(key)
                return hit[1], hit[2]
        return None

    def put(self, key: str, etag: str, body: bytes, mimetype: str = "application/json") -> None:
        with self._lock:
            self._data[key] = (etag, body, mimetype)
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)


def cache_control_header(feed: dict, boundary: datetime | None, at: datetime) -> str:
    """Reusable for ``max_age_seconds``, never past the next visibility boundary."""
    max_age = feed["max_age_seconds"]
    if boundary is not None:
        max_age = max(0, min(max_age, int((boundary - at).total_seconds())))
    return f"public, max-age={max_age}, stale-if-error={feed['stale_if_error_seconds']}"


def cache_control(boundary: datetime | None) -> str:
    return cache_control_header(current_app.config["SUNLIGHT"]["feed"], boundary, now())


def etag_matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    if header.strip() == "*":
        return True
    weak = "W/" + etag
    return any(tag.strip() in (etag, weak) for tag in header.split(","))


def conditional_answer(
    etag: str, cache_control_value: str, key: str, build, mimetype: str = "application/json"
) -> Response:
    """304 if If-None-Match names ``etag``; else the body cached under ``key`` for
    ``etag``, built by ``build()`` (a JSON-able object, bytes, or a Response) once."""
    headers = {"ETag": etag, "Cache-Control": cache_control_value}
    if etag_matches(request.headers.get("If-None-Match"), etag):
        return Response(status=304, headers=headers)
    cache = current_app.extensions["sunlight.body_cache"]
    hit = cache.get_entry(key, etag)
    if hit is None:
        result = build()
        if isinstance(result, Response):
            return result
        body = (
            result
            if isinstance(result, bytes)
            else json.dumps(result, ensure_ascii=False, separators=(",", ":")).encode()
        )
        cache.put(key, etag, body, mimetype)
    else:
        body = hit[0]
    return Response(body, mimetype=mimetype, headers=headers)


def conditional(mimetype: str = "application/json"):
    """Decorate a view whose answer depends only on its URL and the feed state."""

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            state = feed_version()
            return conditional_answer(
                state.etag(),
                cache_control(state.next_boundary()),
                # The same key the WSGI fast path computes from the environ.
                f"{request.path}?{request.query_string.decode('latin-1')}",
                lambda: view(*args, **kwargs),
                mimetype,
            )

        wrapper.feed_conditional = True
        return wrapper

    return decorate


def content_etag(response: Response, cache_control: str) -> Response:
    """For answers not tied to the feed version: the ETag is a hash of the body,
    and a matching If-None-Match gets a 304 (the body is still built)."""
    response.set_etag(hashlib.sha256(response.get_data()).hexdigest()[:32])
    response.headers["Cache-Control"] = cache_control
    return response.make_conditional(request)
