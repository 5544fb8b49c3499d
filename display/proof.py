"""Proof of play: what a screen showed, when, for how long; sent in idempotent batches."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from content_feed.models import PlayRecord, Terminal

MAX_BATCH = 500
# Plays older than this (a screen offline for long) are still taken; newer than
# now + skew are clock errors and dropped.
MAX_AGE = timedelta(days=30)
MAX_SKEW = timedelta(minutes=5)

_ingest_lock = threading.Lock()


class BadBatch(ValueError):
    pass


@dataclass
class Outcome:
    accepted: int
    duplicate: bool = False
    dropped: int = 0


def _parse_time(value) -> datetime:
    if not isinstance(value, str):
        raise BadBatch("started_at must be an ISO 8601 time")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise BadBatch(f"started_at {value!r} is not an ISO 8601 time") from None
    if parsed.tzinfo is None:
        raise BadBatch("started_at needs a time zone (Z)")
    return parsed.astimezone(UTC)


def ingest(session: Session, terminal: Terminal, batch: dict, now: datetime) -> Outcome:
    """Store one batch; the same ``batch_key`` again stores nothing and says so."""
    key = batch.get("batch_key")
    plays = batch.get("plays")
    if not isinstance(key, str) or not 8 <= len(key) <= 80:
        raise BadBatch("batch_key must be a string of 8 to 80 characters")
    if not isinstance(plays, list) or len(plays) > MAX_BATCH:
        raise BadBatch(f"plays must be a list of at most {MAX_BATCH}")
    with _ingest_lock:
        seen = session.execute(
            select(PlayRecord.id)
            .where(PlayRecord.terminal_id == terminal.id, PlayRecord.batch_key == key)
            .limit(1)
        ).first()
        if seen is not None:
            return Outcome(0, duplicate=True)
        accepted = dropped = 0
        for play in plays:
            if not isinstance(play, dict):
                raise BadBatch("each play must be an object")
            started = _parse_time(play.get("started_at"))
            if started > now + MAX_SKEW or started < now - MAX_AGE:
                dropped += 1
                continue
            try:
                duration = max(0.0, min(float(play.get("duration", 0)), 86400.0))
            except (TypeError, ValueError):
                raise BadBatch("duration must be a number of seconds") from None
            session.add(
                PlayRecord(
                    terminal_id=terminal.id,
                    entry_key=str(play.get("key", ""))[:80],
                    title=str(play.get("title", ""))[:200],
                    started_at=started,
                    duration_seconds=duration,
                    extra={
                        "kind": str(play.get("kind", ""))[:20],
                        "ref": str(play.get("ref", ""))[:40],
                    },
                    received_at=now,
                    batch_key=key,
                )
            )
            accepted += 1
        session.commit()
    return Outcome(accepted, dropped=dropped)
