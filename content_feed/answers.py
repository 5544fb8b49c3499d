"""Built answers, kept per key while none of the topics they read has moved.

An answer is built once per state of what it reads: the view names its
topics (content_feed/topics.py), the build records the sequence value it
started from, and the answer stays good while every one of those topics is at
or below it and the next visibility boundary has not passed. Its ETag is a
digest of the body, so an answer rebuilt with nothing visible changed keeps
its ETag (a rebuild is never news to a terminal), and every node of a city
deployment gives the same answer the same ETag.

One build per key at a time: while one request builds, others of the same
key get the previous answer if they may (a plain poll: it is only one poll
late), or wait for the build: a request told of a newer version by push
(``at_least``) never gets an answer built before that version, so neither it
nor a cache in front (nginx) ever holds the state it was told is gone. Memory
is bounded by entry count and bytes; the least recently used go first (a hit
moves its key to the back).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import parse_qsl, urlencode

# Fields of a JSON answer that say when or for which ETag it was built, not
# what it shows: left out of the digest.
VOLATILE = ("generated_at", "version")
# Query parameters that authenticate, never part of what an answer is.
CREDENTIALS = ("token",)
BUILD_WAIT_SECONDS = 30


@dataclass
class Shown:
    """What a screen shows once it holds an answer, kept with the answer: the
    urgent notices in it. A wall's program confirms them when the wall says so;
    an LED strip's pull confirms them (fast_path.note_seen): it has no other way.
    Surfaces keep more (display.led_views.LedShow: the strip's rendered frames)."""

    urgent: frozenset[int] = frozenset()


@dataclass
class Answer:
    body: bytes
    mimetype: str
    etag: str
    seq: int
    depends: tuple[str, ...]
    valid_until: datetime | None
    shared: bool = True
    # What a screen's answer shows (None for the feed's answers).
    extra: Shown | None = None
    size: int = 0

    def current(self, versions, now: datetime) -> bool:
        if self.valid_until is not None and now >= self.valid_until:
            return False
        return versions.stamp(self.depends) <= self.seq


def digest(data: bytes) -> str:
    return '"' + hashlib.sha256(data).hexdigest()[:24] + '"'


def dumps(payload) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


class Serialized(list):
    """A list that many answers show, encoded once: the entries and ticker that
    every wall of a hall playing one playlist shares (about 100 KB). An answer
    holding it at its top level splices these bytes in instead of encoding them
    again for each screen. Never changed once made."""

    __slots__ = ("json",)

    def __init__(self, items=()):
        super().__init__(items)
        self.json = dumps(self)


class PartsCache:
    """Parts that many answers show (what a hall's kiosks share, the entries of the
    walls playing one playlist), made once per key and kept for all of them. The
    key names the content state they were read in (sequence and next boundary), so
    nothing here outlives what it was read from. Used first, evicted last."""

    def __init__(self, size: int = 512):
        self.size = size
        self._data: OrderedDict[tuple, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple, make):
        with self._lock:
            hit = self._data.get(key)
            if hit is not None:
                self._data.move_to_end(key)
                return hit
        # Two builds may make it at once at a new state: harmless, the last is kept.
        made = make()
        with self._lock:
            self._data[key] = made
            while len(self._data) > self.size:
                self._data.popitem(last=False)
        return made

    def values(self) -> list:
        with self._lock:
            return list(self._data.values())


def _encode(payload) -> bytes:
    """``dumps(payload)``, byte for byte, with top-level Serialized values spliced in."""
    if not isinstance(payload, dict) or not any(
        isinstance(v, Serialized) for v in payload.values()
    ):
        return dumps(payload)
    parts = (
        dumps(str(key)) + b":" + (value.json if isinstance(value, Serialized) else dumps(value))
        for key, value in payload.items()
    )
    return b"{" + b",".join(parts) + b"}"


def json_answer(
    payload: dict | list,
    depends: Iterable[str],
    seq: int,
    valid_until: datetime | None,
    *,
    shared: bool = True,
    mimetype: str = "application/json",
) -> Answer:
    """A JSON answer whose ETag is the digest of what it shows."""
    if isinstance(payload, dict) and any(k in payload for k in VOLATILE):
        stable = {k: v for k, v in payload.items() if k not in VOLATILE}
        etag = digest(_encode(stable))
        if "version" in payload:
            payload = {**payload, "version": etag.strip('"')}
        body = _encode(payload)
    else:
        body = _encode(payload)
        etag = digest(body)
    return Answer(body, mimetype, etag, seq, tuple(depends), valid_until, shared, size=len(body))


def bytes_answer(
    body: bytes,
    mimetype: str,
    depends: Iterable[str],
    seq: int,
    valid_until: datetime | None,
    *,
    shared: bool = True,
    extra: object = None,
    size: int | None = None,
) -> Answer:
    return Answer(
        body,
        mimetype,
        digest(body),
        seq,
        tuple(depends),
        valid_until,
        shared,
        extra,
        size=len(body) if size is None else size,
    )


def cache_key(path: str, query_string: str) -> str:
    """The key of an answer: its path and its parameters in a fixed order.

    Credentials are left out, so a token never becomes a second copy.
    """
    if not query_string:
        return path
    pairs = sorted(
        (k, v) for k, v in parse_qsl(query_string, keep_blank_values=True) if k not in CREDENTIALS
    )
    return f"{path}?{urlencode(pairs)}" if pairs else path


@dataclass
class _Flight:
    done: threading.Event = field(default_factory=threading.Event)
    answer: Answer | None = None


class AnswerCache:
    def __init__(self, max_entries: int = 8192, max_bytes: int = 256 * 1024 * 1024):
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._data: OrderedDict[str, Answer] = OrderedDict()
        self._bytes = 0
        self._flights: dict[str, _Flight] = {}
        self._lock = threading.Lock()
        self.builds = 0

    def __len__(self) -> int:
        return len(self._data)

    @property
    def bytes(self) -> int:
        return self._bytes

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self._bytes = 0

    def forget(self, key: str) -> None:
        with self._lock:
            old = self._data.pop(key, None)
            if old is not None:
                self._bytes -= old.size

    def peek(self, key: str) -> Answer | None:
        return self._data.get(key)

    def current(self, key: str, versions, now: datetime) -> Answer | None:
        answer = self._data.get(key)
        if answer is not None and answer.current(versions, now):
            # Used: evicted last. (GIL-atomic; a key dropped meanwhile is fine.)
            with contextlib.suppress(KeyError):
                self._data.move_to_end(key)
            return answer
        return None

    def obtain(
        self,
        key: str,
        versions,
        now: datetime,
        build: Callable[[int, datetime | None], Answer],
        at_least: int | None = 0,
    ) -> Answer:
        """The current answer for ``key``; ``build(seq, boundary)`` makes a new one.

        ``at_least``: while another request builds, the previous answer is given
        only if it was built at this sequence or later; None: never (the client
        holds an answer this one may be older than)."""
        for _ in range(3):
            hit = self.current(key, versions, now)
            if hit is not None:
                return hit
            with self._lock:
                flight = self._flights.get(key)
                leader = flight is None
                if leader:
                    flight = self._flights[key] = _Flight()
            if leader:
                return self._build(key, flight, versions, build)
            previous = self._data.get(key)
            if previous is not None and at_least is not None and previous.seq >= at_least:
                return previous
            flight.done.wait(BUILD_WAIT_SECONDS)
            answer = flight.answer
            if answer is not None and (at_least is None or answer.seq >= at_least):
                return answer
            # The build failed (bad input, say), or began before the version this
            # request was told of: look again (a new build reads that far).
        return build(versions.sync(), versions.next_boundary())

    def _build(self, key: str, flight: _Flight, versions, build) -> Answer:
        try:
            seq = versions.sync()
            answer = build(seq, versions.next_boundary())
            flight.answer = answer
            self._store(key, answer)
            return answer
        finally:
            with self._lock:
                self._flights.pop(key, None)
            flight.done.set()

    def _store(self, key: str, answer: Answer) -> None:
        with self._lock:
            self.builds += 1
            old = self._data.pop(key, None)
            if old is not None:
                self._bytes -= old.size
            self._data[key] = answer
            self._bytes += answer.size
            while self._data and (
                len(self._data) > self.max_entries or self._bytes > self.max_bytes
            ):
                _, dropped = self._data.popitem(last=False)
                self._bytes -= dropped.size


def etag_matches(header: str | None, etag: str) -> bool:
    """If-None-Match names this ETag (weak or strong). ``*`` matches any
    existing answer, which every caller here is."""
    if not header:
        return False
    if header.strip() == "*":
        return True
    weak = "W/" + etag
    return any(tag.strip() in (etag, weak) for tag in header.split(","))


def doubt_held(held: Answer | None, if_none_match: str | None, versions) -> bool:
    """A client revalidates an ETag other than the one this process holds for
    its answer: it had it from another node, which may have read a commit this
    one has not yet (within the versions' TTL). Re-read before answering, so
    that a cache in front of several nodes never steps back to an older answer.
    True when in doubt: the answer held here may be older than the client's."""
    if if_none_match and held is not None and not etag_matches(if_none_match, held.etag):
        versions.doubt()
        return True
    return False


def required_seq(versions, headers) -> int:
    """The sequence a request was told of by push (``X-Sunlight-Version``), 0 if
    none: the process reads that far first, and the answer given is built from
    at least that far (AnswerCache.obtain's ``at_least``)."""
    raw = headers.get("X-Sunlight-Version")
    if not (raw and raw.isdigit() and len(raw) < 19):
        return 0
    versions.wanted(raw)
    # No more than exists: a made-up version cannot make every request rebuild.
    return min(int(raw), versions.sync())


# One terminal's answer: a cache in front (nginx, deploy/) keeps the answer per
# token (it stores a digest of the header, never the token), so another
# terminal, or a request without the token, never gets it.
TERMINAL_VARY = ("Vary", "X-Terminal-Token")


def cache_control(feed: dict, answer: Answer, at: datetime) -> str:
    """Reusable for ``max_age_seconds``, never past the next visibility boundary."""
    max_age = feed["max_age_seconds"]
    if answer.valid_until is not None:
        max_age = max(0, min(max_age, int((answer.valid_until - at).total_seconds())))
    scope = "public" if answer.shared else "private"
    return f"{scope}, max-age={max_age}, stale-if-error={feed['stale_if_error_seconds']}"


def respond(
    answer: Answer, if_none_match: str | None, feed: dict, at: datetime
) -> tuple[int, list[tuple[str, str]], bytes]:
    """Status, headers and body for one request of ``answer``: the one place
    both the WSGI fast path and the Flask views answer from."""
    headers = [("ETag", answer.etag), ("Cache-Control", cache_control(feed, answer, at))]
    if not answer.shared:
        headers.append(TERMINAL_VARY)
    if etag_matches(if_none_match, answer.etag):
        return 304, headers, b""
    headers += [("Content-Type", answer.mimetype), ("Content-Length", str(len(answer.body)))]
    return 200, headers, answer.body
