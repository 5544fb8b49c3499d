"""Imported revisions of a guide (导入修订): adopt as a draft, adopt and publish
(approver), or discard. The diff is shown on the guide's page."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for

from admin import bp
from admin.auth import role_required
from admin.forms import ActionForm, AdoptRevisionForm
from admin.helpers import actor, get_or_404, now
from content_feed.db import db
from content_feed.models import Guide, GuideRevision
from guide_import.revisions import RevisionError, adopt, discard


def _revision(guide_id: int, revision_id: int, form) -> tuple[Guide, GuideRevision]:
    guide = get_or_404(Guide, guide_id)
    revision = get_or_404(GuideRevision, revision_id)
    if revision.guide_id != guide.id:
        abort(404)
    if not form.validate_on_submit():
        abort(400)
    return guide, revision


@bp.post("/guides/<int:guide_id>/revisions/<int:revision_id>/adopt")
@role_required("drafter", "approver")
def guide_revision_adopt(guide_id: int, revision_id: int):
    form = AdoptRevisionForm()
    guide, revision = _revision(guide_id, revision_id, form)
    publish = form.publish.data
    if publish and not actor().has_role("approver"):
        flash("只有审批人可以公开办事指南", "error")
        return redirect(url_for("admin.guide_edit", guide_id=guide.id))
    try:
        changed = adopt(db.session, revision, actor=actor(), at=now(), publish=publish)
    except RevisionError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("admin.guide_edit", guide_id=guide.id))
    db.session.commit()
    what = "、".join(changed) or "无改动"
    flash(f"已采用导入修订（{what}）" + ("并公开" if publish else "，仍为草稿"), "success")
    return redirect(url_for("admin.guide_edit", guide_id=guide.id))


@bp.post("/guides/<int:guide_id>/revisions/<int:revision_id>/discard")
@role_required("drafter", "approver")
def guide_revision_discard(guide_id: int, revision_id: int):
    guide, revision = _revision(guide_id, revision_id, ActionForm())
    try:
        discard(db.session, revision, actor=actor(), at=now())
    except RevisionError as exc:
        flash(str(exc), "error")
        return redirect(url_for("admin.guide_edit", guide_id=guide.id))
    db.session.commit()
    flash("已放弃导入修订", "success")
    return redirect(url_for("admin.guide_edit", guide_id=guide.id))
