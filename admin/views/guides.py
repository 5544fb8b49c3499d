"""Process guides (办事指南) with their materials, steps, fee items and FAQ."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import or_, select
from wtforms import FieldList
from wtforms.fields.core import UnboundField

from admin import bp, changes
from admin.auth import role_required
from admin.changes import snapshot
from admin.crud import form_fields
from admin.forms import (
    ActionForm,
    FaqRow,
    FeeRow,
    GuideForm,
    GuideStateForm,
    MaterialRow,
    StepRow,
)
from admin.helpers import actor, flash_form_errors, get_or_404, now, store_uploads
from admin.views.items import hall_choices
from content_feed.db import db
from content_feed.models import (
    Attachment,
    Guide,
    GuideFaq,
    GuideFee,
    GuideMaterial,
    GuideRevision,
    GuideStep,
)
from content_feed.models import Window as HallWindow
from content_feed.vocabulary import GUIDE_STATES, GuideState
from guide_import.revisions import diff
from guide_import.upsert import pending_revision

# The guide's own columns (its row tables are FieldLists, saved apart).
GUIDE_FIELDS = [
    n
    for n, f in vars(GuideForm).items()
    if isinstance(f, UnboundField) and not issubclass(f.field_class, FieldList)
]

# Row tables: form field → (model, the row form whose fields are its columns).
ROWS = {
    "materials": (GuideMaterial, MaterialRow),
    "steps": (GuideStep, StepRow),
    "fees": (GuideFee, FeeRow),
    "faqs": (GuideFaq, FaqRow),
}
# 先审核、后公开: what the public sees of a guide changes only through an approver.
PUBLISHED_LOCKED = "已公开的办事指南不能直接修改；请审批人先“下线”，修改后再“上线”"


# What the drafter is told after saving: nothing is public until an approver acts.
NEXT_STEP = (
    "办事指南已保存为草稿，尚未公开。填好申请材料和办理步骤后，"
    "审批人会在“我的待办 → 待上线的办事指南”中看到它，审批上线后才在触摸查询机和大屏展示。"
)


def guide_snapshot(guide: Guide) -> dict:
    data = snapshot(guide, [*GUIDE_FIELDS, "state"])
    for prefix, (_model, row_form) in ROWS.items():
        data[prefix] = [snapshot(row, form_fields(row_form)) for row in getattr(guide, prefix)]
    return data


def attachment_options(guide: Guide | None) -> list[tuple[int, str]]:
    """What a material may offer as its blank form or sample: the guide's own files."""
    files = guide_attachments(guide) if guide is not None and guide.id else []
    return [(0, "（无）")] + [(a.id, a.filename) for a in files]


def with_attachment_choices(row, options):
    if isinstance(row, MaterialRow):
        row.blank_form_id.choices = row.sample_id.choices = options
    return row


def guide_form(obj=None) -> GuideForm:
    form = GuideForm(obj=obj)
    form.hall_id.choices = hall_choices("（全部大厅）")
    windows = db.session.execute(select(HallWindow).order_by(HallWindow.sort_order)).scalars()
    form.window_id.choices = [(0, "（不指定）")] + [(w.id, w.label) for w in windows]
    if obj is not None and not form.is_submitted():
        form.hall_id.data = obj.hall_id or 0
        form.window_id.data = obj.window_id or 0
    options = attachment_options(obj)
    for prefix in ROWS:
        if not form.is_submitted():
            form[prefix].append_entry()  # one empty row to type into, script or not
        for entry in form[prefix]:
            with_attachment_choices(entry.form, options)
    return form


# Set together, as one TimeLimit each (see _apply).
LIMIT_FIELDS = {"statutory_value", "statutory_unit", "promised_value", "promised_unit"}


def _apply(guide: Guide, form: GuideForm) -> None:
    for name in GUIDE_FIELDS:
        if name not in LIMIT_FIELDS:
            form[name].populate_obj(guide, name)
    guide.statutory = form.time_limit("statutory")
    guide.promised = form.time_limit("promised")
    guide.hall_id = form.hall_id.data or None
    guide.window_id = form.window_id.data or None
    guide.online_url = guide.online_url or ""
    for prefix, (model, _row_form) in ROWS.items():
        rows = [entry.form for entry in form[prefix] if not entry.form.is_blank()]
        setattr(guide, prefix, [model(sort_order=i, **row.values()) for i, row in enumerate(rows)])


def guide_attachments(guide: Guide) -> list[Attachment]:
    return (
        db.session.execute(
            select(Attachment).where(Attachment.guide_id == guide.id).order_by(Attachment.id)
        )
        .scalars()
        .all()
    )


def _code_taken(code: str, guide_id: int | None) -> bool:
    # Codes are unique in the whole city, whichever halls the user sees.
    stmt = select(Guide.id).where(Guide.code == code).execution_options(all_halls=True)
    if guide_id:
        stmt = stmt.where(Guide.id != guide_id)
    return db.session.execute(stmt).first() is not None


@bp.get("/guides")
@role_required("drafter", "approver")
def guides():
    q = (request.args.get("q") or "").strip()
    stmt = select(Guide).order_by(Guide.sort_order, Guide.id)
    if q:
        like = f"%{q}%"
        stmt = stmt.where(
            or_(Guide.name.ilike(like), Guide.code.ilike(like), Guide.keywords.ilike(like))
        )
    rows = db.session.execute(stmt).scalars().all()
    pending = set(
        db.session.execute(
            select(GuideRevision.guide_id).where(GuideRevision.state == "pending")
        ).scalars()
    )
    return render_template(
        "admin/guides.html", rows=rows, q=q, states=GUIDE_STATES, pending=pending
    )


def _render_editor(form, guide):
    attachments = guide_attachments(guide) if guide else []
    revision = pending_revision(db.session, guide.id) if guide else None
    options = attachment_options(guide)
    # The row a script adds: "__index__" becomes the next free row number.
    new_rows = {
        prefix: with_attachment_choices(row_form(prefix=f"{prefix}-__index__-"), options)
        for prefix, (_model, row_form) in ROWS.items()
    }
    return render_template(
        "admin/guide_form.html",
        form=form,
        guide=guide,
        new_rows=new_rows,
        attachments=attachments,
        states=GUIDE_STATES,
        action_form=ActionForm(),
        revision=revision,
        revision_diff=diff(guide, revision.data) if revision else [],
    )


@bp.route("/guides/new", methods=["GET", "POST"])
@role_required("drafter")
def guide_new():
    form = guide_form()
    if form.validate_on_submit():
        if _code_taken(form.code.data, None):
            form.code.errors.append("事项编码已存在")
        else:
            guide = Guide(state=GuideState.DRAFT)
            _apply(guide, form)
            db.session.add(guide)
            db.session.flush()
            changes.record("guide.create", guide, None, guide_snapshot(guide), guide.name)
            db.session.commit()
            flash(NEXT_STEP, "success")
            return redirect(url_for("admin.guide_edit", guide_id=guide.id))
    return _render_editor(form, None)


@bp.route("/guides/<int:guide_id>", methods=["GET", "POST"])
@role_required("drafter", "approver")
def guide_edit(guide_id: int):
    guide = get_or_404(Guide, guide_id)
    form = guide_form(guide)
    if request.method == "POST" and not actor().has_role("drafter"):
        flash("只有拟稿人可以修改办事指南", "error")
        return redirect(url_for("admin.guide_edit", guide_id=guide.id))
    if request.method == "POST" and guide.state == GuideState.PUBLISHED:
        flash(PUBLISHED_LOCKED, "error")
        return redirect(url_for("admin.guide_edit", guide_id=guide.id))
    if form.validate_on_submit():
        if _code_taken(form.code.data, guide.id):
            form.code.errors.append("事项编码已存在")
        else:
            before = guide_snapshot(guide)
            _apply(guide, form)
            db.session.flush()
            changed = changes.record(
                "guide.update", guide, before, guide_snapshot(guide), guide.name
            )
            db.session.commit()
            saved = "已保存" if changed else "没有改动"
            flash(f"{saved}。{NEXT_STEP}" if guide.state == GuideState.DRAFT else saved, "success")
            return redirect(url_for("admin.guide_edit", guide_id=guide.id))
    return _render_editor(form, guide)


@bp.post("/guides/<int:guide_id>/state")
@role_required("approver")
def guide_state(guide_id: int):
    """Publish (上线) or take down (下线) a guide."""
    guide = get_or_404(Guide, guide_id)
    form = GuideStateForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for("admin.guide_edit", guide_id=guide.id))
    target = form.state.data
    if target == GuideState.PUBLISHED and not (guide.materials and guide.steps):
        flash("公开前须至少填写一项申请材料和一个办理步骤", "error")
        return redirect(url_for("admin.guide_edit", guide_id=guide.id))
    fields = ["state", "published_at", "archived_at"]
    before = snapshot(guide, fields)
    guide.state = target
    if target == GuideState.PUBLISHED:
        guide.published_at, guide.archived_at = now(), None
    else:
        guide.archived_at = now()
    changes.record(
        f"guide.{'publish' if target == GuideState.PUBLISHED else 'archive'}",
        guide,
        before,
        snapshot(guide, fields),
        guide.name,
    )
    db.session.commit()
    flash("办事指南已公开" if target == GuideState.PUBLISHED else "办事指南已下线", "success")
    return redirect(url_for("admin.guide_edit", guide_id=guide.id))


@bp.post("/guides/<int:guide_id>/attachments")
@role_required("drafter")
def guide_attach(guide_id: int):
    """Blank forms and samples (空白表格、示例样表) for the materials."""
    guide = get_or_404(Guide, guide_id)
    if guide.state == GuideState.PUBLISHED:
        flash(PUBLISHED_LOCKED, "error")
    elif ActionForm().validate_on_submit():
        store_uploads(request.files.getlist("file"), guide, guide.name, guide_id=guide.id)
    return redirect(url_for("admin.guide_edit", guide_id=guide.id))
