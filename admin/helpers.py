"""Small things every console view uses: the actor, the clock, redirects, uploads
(change records are in admin/changes.py)."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from flask import abort, current_app, flash, request
from flask_login import current_user

from admin import uploads
from content_feed import clock, ledger
from content_feed.db import db
from shared.ids import db_int


def now() -> datetime:
    return clock.now()


def actor():
    return current_user._get_current_object()


def get_or_404(model, object_id: int):
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    return obj


def flash_form_errors(form) -> None:
    for field, errors in form.errors.items():
        label = getattr(getattr(form, field, None), "label", None)
        for error in errors:
            flash(f"{label.text if label else field}：{error}", "error")


def safe_next(default: str) -> str:
    """A same-site path from ?next=, or ``default`` (no open redirects)."""
    target = request.args.get("next") or request.form.get("next") or ""
    # CR/LF or other controls would break the Location header; a backslash is
    # read by browsers as a slash ("/\\evil" = "//evil").
    if len(target) > 2000 or "\\" in target or any(ord(c) < 0x20 or c == "\x7f" for c in target):
        return default
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.netloc:
        return target.rstrip("?") or default
    return default


def page_args(default_size: int = 50) -> tuple[int, int]:
    page = max(1, request.args.get("page", 1, type=db_int) or 1)
    return page, default_size


def store_uploads(files, owner, label: str, **belongs_to) -> int:
    """Check and store each uploaded file for ``owner`` (an item or a guide), one
    ledger row and one message each; returns how many were stored."""
    limit = current_app.config.get("UPLOAD_MAX_BYTES", uploads.DEFAULT_MAX_BYTES)
    files = [f for f in files if f and f.filename]
    if not files:
        flash("请选择文件", "error")
    stored = 0
    for upload in files:
        try:
            # One byte over the limit is enough to refuse it.
            data = upload.stream.read(limit + 1)
            att = uploads.save_upload(db.session, upload.filename, data, **belongs_to)
        except uploads.UploadError as exc:
            flash(f"{upload.filename}：{exc}", "error")
            continue
        ledger.record(
            db.session,
            "attachment.add",
            actor=actor(),
            obj=owner,
            summary=f"{label}加附件 {att.filename}",
            after={"attachment_id": att.id, "filename": att.filename, "sha256": att.sha256},
            at=now(),
        )
        db.session.commit()
        flash(f"已上传 {att.filename}", "success")
        stored += 1
    return stored
