"""Push: tell screens at once that what they show has moved (nginx + Nchan).

A screen subscribes (EventSource) to one Nchan channel per topic its answer
reads — the same topic list the answer declares (``program_topics``,
``bundle_topics``), so what wakes a screen is exactly what can change its
answer. After every commit that moves topics, each serving process POSTs a
small message ``{"v": <sequence>, "c": <channel>}`` to nginx's publisher
location on loopback, from its own thread: no request thread ever waits for
nginx or a subscriber. The screen then fetches through the normal cached GET,
sending ``X-Sunlight-Version`` so that nginx passes it to a node and a node
whose versions are older than the message re-reads them first.

Channels of urgent notices go out first. A time boundary (an urgent notice
starting, an item expiring, a daypart edge) moves answers without a commit:
the publisher wakes at the next boundary and publishes what moves then.

Without ``[push] publish_url`` (the embedded default, no nginx) nothing is
published, pages carry no subscription and screens poll as before. Polling
stays on with push too: it is the fallback when a subscription drops.
"""

from __future__ import annotations

import atexit
import http.client
import json
import logging
import threading
import time
from collections.abc import Iterable
from datetime import datetime
from urllib.parse import urlsplit

from content_feed import topics
from content_feed.services import services

log = logging.getLogger("sunlight.push")

# Families a screen's answer reads one topic of; whole families (``x:**``)
# and the all-terminals table have no channel (nothing subscribes to them).
_CHANNEL_FAMILIES = frozenset(
    {
        topics.CONTENT,
        topics.URGENT,
        topics.ANSWERS,
        topics.CATALOGUE,
        topics.CALLS,
        "hall",
        "terminal",
        "group",
        "playlist",
    }
)
_RETRY_MAX_SECONDS = 10.0
_TIMEOUT_SECONDS = 3.0


def channel_of(topic: str) -> str | None:
    """The Nchan channel of a topic (``urgent:3`` → ``urgent-3``), or None."""
    family, _, rest = topic.partition(":")
    if family not in _CHANNEL_FAMILIES or rest == "**":
        return None
    if not rest:
        return family
    return f"{family}-{'all' if rest == topics.ALL else rest}"


def channels_of(names: Iterable[str]) -> list[str]:
    return sorted({c for c in map(channel_of, names) if c is not None})


def is_urgent(channel: str) -> bool:
    return channel.startswith(topics.URGENT + "-")


def enabled(settings: dict) -> bool:
    return bool(settings["push"]["publish_url"])


def subscription(settings: dict, names: Iterable[str]) -> str:
    """The path a screen subscribes to for an answer reading ``names``; "" without push.

    Relative to the site (nginx serves it beside the app), multiplexed with ``,``.
    """
    if not enabled(settings):
        return ""
    chans = channels_of(names)
    if not chans:
        return ""
    return settings["push"]["subscribe_path"].rstrip("/") + "/" + ",".join(chans)


class Publisher:
    """One per process: collects moved channels, publishes them from its own thread."""

    def __init__(self, app):
        push = app.config["SUNLIGHT"]["push"]
        url = urlsplit(push["publish_url"].rstrip("/"))
        self._host = url.hostname or "127.0.0.1"
        self._port = url.port or 80
        self._base = url.path
        self._app = app
        self._versions = services(app).versions
        self._clock = services(app).clock
        self._watch_boundaries = push["boundaries"]
        self._cond = threading.Condition()
        self._pending: set[str] = set()
        self._thread: threading.Thread | None = None
        self._stopped = False
        self._conn: http.client.HTTPConnection | None = None
        self._sending = False
        self._boundary: datetime | None = None
        self.published = 0
        self.failures = 0

    # -- called after a commit, in the committing thread: never blocks ---------

    def note(self, moved: Iterable[str]) -> None:
        chans = channels_of(moved)
        if not chans:
            return
        with self._cond:
            self._pending.update(chans)
            self._cond.notify()
        self._ensure_started()

    def _ensure_started(self) -> None:
        if self._thread is None:
            with self._cond:
                if self._thread is None and not self._stopped:
                    self._thread = threading.Thread(
                        target=self._run, name="sunlight-push", daemon=True
                    )
                    self._thread.start()

    def watch_boundaries(self, on: bool) -> Publisher:
        self._watch_boundaries = on and self._watch_boundaries
        return self

    def start(self) -> Publisher:
        """Start now (serving processes): the boundary watch needs no commit first."""
        self._ensure_started()
        return self

    def stop(self, timeout: float = 2.0) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify()
        if self._thread is not None:
            self._thread.join(timeout)

    def drain(self, timeout: float = 2.0) -> bool:
        """Wait until nothing is pending (a command-line process before it exits)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._cond:
                if not self._pending and not self._sending:
                    return True
            time.sleep(0.02)
        return False

    # -- the thread ------------------------------------------------------------

    def _run(self) -> None:
        delay = 0.2
        while True:
            timeout = self._until_boundary()  # reads the database: outside the lock
            with self._cond:
                if not self._pending and not self._stopped:
                    self._cond.wait(timeout)
                if self._stopped:
                    return
                batch, self._pending = self._pending, set()
                self._sending = True
            try:
                if self._boundary_due():
                    with self._app.app_context():
                        batch |= self._boundary_channels()
                if batch:
                    seq = self._versions.sync()
                    # Urgent notices first: they must be on every screen at once.
                    for chan in sorted(batch, key=lambda c: (not is_urgent(c), c)):
                        self._publish(chan, seq)
                        batch.discard(chan)
                delay = 0.2
            except Exception as exc:  # nginx down or restarting: keep and retry
                self.failures += 1
                log.warning("push: publishing %d channels failed (%s); retrying", len(batch), exc)
                self._close()
                with self._cond:
                    self._pending |= batch
                time.sleep(delay)
                delay = min(delay * 2, _RETRY_MAX_SECONDS)
            finally:
                self._sending = False

    def _publish(self, chan: str, seq: int) -> None:
        body = json.dumps({"v": seq, "c": chan}, separators=(",", ":")).encode()
        for attempt in (1, 2):
            conn = self._connection()
            try:
                conn.request(
                    "POST",
                    f"{self._base}/{chan}",
                    body=body,
                    headers={"Content-Type": "application/json", "Accept": "application/json"},
                )
                response = conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                # A kept-alive connection nginx closed meanwhile: once more, fresh.
                self._close()
                if attempt == 2:
                    raise
                continue
            if response.status >= 300:
                raise RuntimeError(f"publisher answered {response.status}")
            self.published += 1
            return

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            self._conn = http.client.HTTPConnection(
                self._host, self._port, timeout=_TIMEOUT_SECONDS
            )
        return self._conn

    def _close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    # -- time boundaries -------------------------------------------------------

    def _until_boundary(self) -> float | None:
        if not self._watch_boundaries:
            return None
        try:
            with self._app.app_context():
                self._boundary = self._versions.next_boundary()
        except Exception:  # the database is away: look again shortly
            log.warning("push: cannot read the next boundary", exc_info=True)
            return 5.0
        if self._boundary is None:
            return 60.0  # re-read now and then: another node may add one
        seconds = (self._boundary - self._clock.now()).total_seconds()
        return max(0.0, min(seconds, 60.0))

    def _boundary_due(self) -> bool:
        return self._boundary is not None and self._boundary <= self._clock.now()

    def _boundary_channels(self) -> set[str]:
        boundary = self._boundary
        if boundary is None or boundary > self._clock.now():
            return set()
        self._boundary = None
        from content_feed.db import db

        moved: set[str] = set()
        for source in self._versions.boundary_topics:
            moved |= source(db.session, boundary)
        return set(channels_of(moved))


def install(app) -> Publisher | None:
    """Publish every commit's moved topics when ``[push] publish_url`` is set."""
    if not enabled(app.config["SUNLIGHT"]):
        return None
    publisher = Publisher(app)
    app.extensions["sunlight.push"] = publisher
    services(app).versions.listeners.append(publisher.note)
    # A command-line write (an import, the demo) is published before the process exits.
    atexit.register(publisher.drain)
    return publisher
