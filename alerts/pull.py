"""Polling feeds: each due feed's URL is fetched with a conditional request
(If-None-Match / If-Modified-Since), and the CAP documents an ATOM/RSS feed links
to are fetched once each. Runs in the scheduler's thread, never on a request."""

from __future__ import annotations

import logging
import urllib.error
import urllib.request
from datetime import datetime, timedelta

from sqlalchemy import select

from alerts import lifecycle
from alerts.cap import MAX_BYTES
from alerts.models import Alert, AlertFeed, RefusedAlertDocument
from content_feed.db import db
from web.outbound import opener

log = logging.getLogger(__name__)

TIMEOUT = 10
# Linked documents fetched per poll at most: a feed of thousands is read over several.
LINKS_PER_POLL = 50
ACCEPT = "application/cap+xml, application/atom+xml, application/rss+xml, application/xml;q=0.9"


class FetchError(Exception):
    pass


def fetch(url: str, etag: str = "", last_modified: str = "") -> tuple[int, bytes, dict]:
    """(status, body, headers); status 304 with an empty body when unchanged."""
    request = urllib.request.Request(
        url, headers={"Accept": ACCEPT, "User-Agent": "Sunlight-alerts/1"}
    )
    if etag:
        request.add_header("If-None-Match", etag)
    if last_modified:
        request.add_header("If-Modified-Since", last_modified)
    try:
        with opener().open(request, timeout=TIMEOUT) as answer:
            body = answer.read(MAX_BYTES + 1)
            return answer.status, body, dict(answer.headers)
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return 304, b"", dict(exc.headers)
        raise FetchError(f"接入源回答 HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise FetchError(f"无法连接接入源：{reason}") from None


def due(feed: AlertFeed, now: datetime) -> bool:
    if not feed.active or not feed.url:
        return False
    return feed.last_polled_at is None or now - feed.last_polled_at >= timedelta(
        minutes=feed.interval_minutes
    ) - timedelta(seconds=5)


def poll(session, feed: AlertFeed, now: datetime, links: int = LINKS_PER_POLL) -> lifecycle.Receipt:
    """Poll one feed now and take what it says, in the caller's transaction;
    at most ``links`` linked documents are fetched (the rest at the next poll)."""
    feed.last_polled_at = now
    try:
        status, body, headers = fetch(feed.url, feed.etag, feed.last_modified)
    except FetchError as exc:
        feed.poll_error = str(exc)
        return lifecycle.Receipt()
    feed.poll_error = ""
    if status == 304:
        return lifecycle.Receipt()
    receipt = lifecycle.receive(session, feed, body, via="pull", now=now, source_url=feed.url)
    # Remembered only once the answer was taken, so a failure is fetched again.
    feed.etag = headers.get("ETag", "")[:300]
    feed.last_modified = headers.get("Last-Modified", "")[:100]
    for link in _unseen(session, receipt.links)[:links]:
        try:
            _status, document, _headers = fetch(link)
        except FetchError as exc:
            feed.poll_error = f"{link}：{exc}"
            continue
        more = lifecycle.receive(session, feed, document, via="pull", now=now, source_url=link)
        receipt.shown += more.shown
        receipt.held += more.held
        receipt.duplicates += more.duplicates
        receipt.heartbeats += more.heartbeats
        receipt.refused += more.refused
    return receipt


def _unseen(session, links: list[str]) -> list[str]:
    """Links not fetched before (an alert or a refusal came from them)."""
    if not links:
        return []
    seen = set(
        session.execute(select(Alert.source_url).where(Alert.source_url.in_(links))).scalars()
    ) | set(
        session.execute(
            select(RefusedAlertDocument.source_url).where(
                RefusedAlertDocument.source_url.in_(links)
            )
        ).scalars()
    )
    return [link for link in dict.fromkeys(links) if link not in seen]


def poll_due_feeds(app, now: datetime) -> list[int]:
    """The scheduler's job: every feed whose interval has passed, one commit each."""
    polled = []
    with app.app_context():
        feeds = db.session.execute(select(AlertFeed.id)).scalars().all()
        for feed_id in feeds:
            feed = db.session.get(AlertFeed, feed_id)
            if not due(feed, now):
                continue
            try:
                poll(db.session, feed, now)
                db.session.commit()
                polled.append(feed_id)
            except Exception:  # one broken feed must not stop the others
                db.session.rollback()
                log.exception("polling alert feed %s failed", feed_id)
    return polled


def sweep(app, now: datetime) -> dict:
    """The scheduler's job: expired alerts and silent feeds recorded."""
    with app.app_context():
        result = lifecycle.sweep(db.session, now)
        db.session.commit()
        return result
