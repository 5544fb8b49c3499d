"""Small things every console view uses: the actor, the clock, change records."""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import urlsplit

from flask import abort, flash, request
from flask_login import current_user

from content_feed import clock, ledger
from content_feed.db import db


def now() -> datetime:
    return clock.now()


def actor():
    return current_user._get_current_object()


def get_or_404(model, object_id: int):
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    return obj


def jsonable(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def snapshot(obj, fields) -> dict:
    return {name: jsonable(getattr(obj, name)) for name in fields}


def record_change(action: str, obj, fields, before: dict | None, summary: str = "") -> bool:
    """Ledger row with only the fields that changed (all of them for a new object).

    Returns False (and records nothing) when nothing changed.
    """
    after = snapshot(obj, fields)
    if before is not None:
        changed = [k for k in fields if before.get(k) != after.get(k)]
        if not changed:
            return False
        before = {k: before.get(k) for k in changed}
        after = {k: after[k] for k in changed}
    db.session.flush()
    ledger.record(
        db.session,
        action,
        actor=actor(),
        obj=obj,
        summary=summary,
        before=before,
        after=after,
        at=now(),
    )
    return True


def flash_form_errors(form) -> None:
    for field, errors in form.errors.items():
        label = getattr(getattr(form, field, None), "label", None)
        for error in errors:
            flash(f"{label.text if label else field}：{error}", "error")


def safe_next(default: str) -> str:
    """A same-site path from ?next=, or ``default`` (no open redirects)."""
    target = request.args.get("next") or request.form.get("next") or ""
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.netloc:
        return target.rstrip("?") or default
    return default


def page_args(default_size: int = 50) -> tuple[int, int]:
    page = max(1, request.args.get("page", 1, type=int) or 1)
    return page, default_size
