"""未受理的离线提交: submissions queued on a kiosk that the server refused on arrival
(inquiries.refusals), for a handler to follow up — call the person back if a
number was left, note what was done."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from admin.auth import role_required
from admin.helpers import flash_form_errors
from content_feed import clock
from content_feed.db import db
from content_feed.ledger import record
from content_feed.models import RefusedSubmission
from content_feed.vocabulary import INQUIRY_KINDS, RATING_LEVELS
from inquiries.console import bp
from inquiries.console.forms import NoteForm
from inquiries.privacy import mask_name, mask_phone, mask_text
from inquiries.refusals import KINDS, errors_of, payload_of


def _view(row: RefusedSubmission) -> dict:
    body = payload_of(row)
    kind = INQUIRY_KINDS.get(str(body.get("kind")), "") if row.kind == "inquiries" else "好差评"
    text = body.get("text") if row.kind == "inquiries" else body.get("comment")
    level = RATING_LEVELS.get(body.get("level")) if row.kind == "ratings" else ""
    return {
        "row": row,
        "kind": kind or KINDS.get(row.kind, row.kind),
        "text": mask_text(str(text or "")),
        "level": level or "",
        "name": mask_name(str(body.get("name") or "")),
        "phone": mask_phone(str(body.get("phone") or "")),
        "errors": errors_of(row),
    }


@bp.get("/refused")
@role_required("handler")
def refused():
    show = request.args.get("show", "open")
    stmt = select(RefusedSubmission).order_by(RefusedSubmission.reported_at.desc())
    if show != "all":
        stmt = stmt.where(RefusedSubmission.handled_at.is_(None))
    rows = [_view(r) for r in db.session.execute(stmt.limit(200)).scalars()]
    return render_template("feedback/refused.html", rows=rows, show=show, form=NoteForm())


@bp.post("/refused/<int:refused_id>")
@role_required("handler")
def handle_refused(refused_id: int):
    row = db.session.get(RefusedSubmission, refused_id)
    if row is None:
        abort(404)
    form = NoteForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for(".refused"))
    if row.handled_at is not None:
        flash("这条已跟进过", "error")
        return redirect(url_for(".refused"))
    row.handled_at, row.handled_by_id, row.note = clock.now(), current_user.id, form.note.data
    record(
        db.session,
        "refused_submission.follow_up",
        actor=current_user,
        obj=row,
        summary=f"跟进离线未受理的提交（{KINDS.get(row.kind, row.kind)}）",
        after={"note": form.note.data},
    )
    db.session.commit()
    flash("已记录跟进情况", "success")
    return redirect(url_for(".refused"))
