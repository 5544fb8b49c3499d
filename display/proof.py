"""Proof of play: what a screen showed, when, for how long; sent in idempotent batches.

A screen's token cannot fill the table with invented plays (issue 20): no more
are stored for one screen and one hour of playing time than a screen can show
(``display.max_plays_per_hour``; the rest are dropped and counted as dropped),
and the plays a screen sends are rate-limited per hour (player.py).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from content_feed.models import PlayRecord, Terminal
from content_feed.schemas.terminals import PlayBatch

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


def _parse_time(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise BadBatch(f"播放时间 started_at {value[:40]!r} 不是 ISO 8601 时间") from None
    if parsed.tzinfo is None:
        raise BadBatch("播放时间 started_at 须带时区（如 Z）")
    return parsed.astimezone(UTC)


def _hour(at: datetime) -> datetime:
    return at.replace(minute=0, second=0, microsecond=0)


def _stored_in_hour(session: Session, terminal: Terminal, hour: datetime) -> int:
    return session.execute(
        select(func.count(PlayRecord.id)).where(
            PlayRecord.terminal_id == terminal.id,
            PlayRecord.started_at >= hour,
            PlayRecord.started_at < hour + timedelta(hours=1),
        )
    ).scalar()


def ingest(
    session: Session, terminal: Terminal, batch: PlayBatch, now: datetime, per_hour: int = 720
) -> Outcome:
    """Store one batch (its shape checked by its schema); the same ``batch_key``
    again stores nothing and says so. At most ``per_hour`` plays per hour of
    playing time are kept for a screen."""
    with _ingest_lock:
        seen = session.execute(
            select(PlayRecord.id)
            .where(PlayRecord.terminal_id == terminal.id, PlayRecord.batch_key == batch.batch_key)
            .limit(1)
        ).first()
        if seen is not None:
            return Outcome(0, duplicate=True)
        accepted = dropped = 0
        room: dict[datetime, int] = {}
        for play in batch.plays:
            started = _parse_time(play.started_at)
            if started > now + MAX_SKEW or started < now - MAX_AGE:
                dropped += 1
                continue
            hour = _hour(started)
            if hour not in room:
                room[hour] = per_hour - _stored_in_hour(session, terminal, hour)
            if room[hour] <= 0:
                dropped += 1
                continue
            room[hour] -= 1
            session.add(
                PlayRecord(
                    terminal_id=terminal.id,
                    entry_key=play.key[:80],
                    title=play.title[:200],
                    started_at=started,
                    duration_seconds=max(0.0, min(play.duration, 86400.0)),
                    extra={"kind": play.kind[:20], "ref": play.ref[:40]},
                    received_at=now,
                    batch_key=batch.batch_key,
                )
            )
            accepted += 1
        session.commit()
    return Outcome(accepted, dropped=dropped)
