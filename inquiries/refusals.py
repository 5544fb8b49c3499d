"""Submissions a kiosk queued offline that the server refused when they arrived.

The kiosk checks the same rules before it queues (inquiries.submission_rules),
so this is rare: a comment period that closed during the outage, a rule or a
blocked word changed meanwhile. The kiosk reports the refusal here and only then
drops the entry from its outbox; staff follow the list up in the console
(问询办理 → 未受理的离线提交). One row per idempotency key: a repeated report
changes nothing.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from content_feed.models import RefusedSubmission, Terminal
from inquiries.schemas import KEY_PATTERN, RefusalReport
from inquiries.submissions import Refused

KINDS = {"inquiries": "问询/意见建议", "ratings": "好差评"}
MAX_PAYLOAD = 20_000
_KEY = re.compile(KEY_PATTERN)


def record_refusal(
    session: Session, report: RefusalReport, terminal: Terminal, at: datetime
) -> tuple[RefusedSubmission, bool]:
    """Store a refusal report (its shape checked by its schema); (row, created).
    :class:`Refused` when what it reports is bad."""
    errors: dict[str, str] = {}
    body, kind, problem = report.body, report.kind, report.errors
    key = body.get("idempotency_key")
    if not isinstance(key, str) or not _KEY.match(key):
        errors["body"] = "原提交缺少提交编号"
    payload = json.dumps(body, ensure_ascii=False)
    if len(payload) > MAX_PAYLOAD:
        errors["body"] = "原提交内容过长"
    queued_at = None
    if report.queued_at is not None:
        try:
            queued_at = _parse_time(report.queued_at)
        except ValueError:
            errors["queued_at"] = "时间格式不对"
    if errors:
        raise Refused(errors)
    existing = session.execute(
        select(RefusedSubmission).where(RefusedSubmission.idempotency_key == key)
    ).scalar_one_or_none()
    if existing is not None:
        return existing, False
    row = RefusedSubmission(
        idempotency_key=key,
        kind=kind,
        terminal_id=terminal.id,
        hall_id=terminal.hall_id,
        payload=payload,
        errors=json.dumps(
            {str(k)[:40]: str(v)[:300] for k, v in (problem or {}).items()}, ensure_ascii=False
        ),
        queued_at=queued_at,
        reported_at=at,
    )
    session.add(row)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        existing = session.execute(
            select(RefusedSubmission).where(RefusedSubmission.idempotency_key == key)
        ).scalar_one()
        return existing, False
    return row, True


def _parse_time(text: str) -> datetime:
    """An ISO time from the kiosk's clock, as aware UTC."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


def payload_of(row: RefusedSubmission) -> dict:
    try:
        found = json.loads(row.payload)
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def errors_of(row: RefusedSubmission) -> dict:
    try:
        found = json.loads(row.errors or "{}")
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}
