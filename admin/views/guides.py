"""Process guides (办事指南) with their materials, steps, fee items and FAQ."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import or_, select
from wtforms.fields.core import UnboundField

from admin import bp
from admin.forms import ActionForm, GuideForm
from admin.helpers import actor, get_or_404, now, record_change, snapshot, store_uploads
from admin.views.items import hall_choices
from content_feed import ledger
from content_feed.auth import role_required
from content_feed.db import db
from content_feed.guide_import.revisions import diff
from content_feed.guide_import.upsert import pending_revision
from content_feed.ids import as_id
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
from content_feed.vocabulary import GUIDE_STATES, MATERIAL_FORMS, MATERIAL_NECESSITY, GuideState

GUIDE_FIELDS = [n for n, f in vars(GuideForm).items() if isinstance(f, UnboundField)]

# Row editors: form prefix → (model, columns, the column that makes a row non-empty).
ROWS = {
    "materials": (
        GuideMaterial,
        ["name", "form", "copies", "necessity", "source", "notes", "blank_form_id", "sample_id"],
        "name",
    ),
    "steps": (GuideStep, ["title", "description"], "title"),
    "fees": (GuideFee, ["name", "standard", "basis"], "name"),
    "faqs": (GuideFaq, ["question", "answer"], "question"),
}
# 先审核、后公开: what the public sees of a guide changes only through an approver.
PUBLISHED_LOCKED = "已公开的办事指南不能直接修改；请审批人先“下线”，修改后再“上线”"
INT_COLUMNS = {"copies", "blank_form_id", "sample_id"}
TEXT_LIMITS = {"name": 200, "source": 200, "title": 100, "standard": 200}


# What the drafter is told after saving: nothing is public until an approver acts.
NEXT_STEP = (
    "办事指南已保存为草稿，尚未公开。填好申请材料和办理步骤后，"
    "审批人会在“我的待办 → 待上线的办事指南”中看到它，审批上线后才在触摸查询机和大屏展示。"
)


def guide_snapshot(guide: Guide) -> dict:
    data = snapshot(guide, [*GUIDE_FIELDS, "state"])
    for prefix, (_model, columns, _key) in ROWS.items():
        data[prefix] = [snapshot(row, columns) for row in getattr(guide, prefix)]
    return data


def parse_rows(prefix: str, attachment_ids: set[int]) -> list[dict]:
    """Rows posted as parallel lists ``<prefix>-<column>``; empty rows are dropped."""
    _model, columns, key = ROWS[prefix]
    lists = {c: request.form.getlist(f"{prefix}-{c}") for c in columns}
    count = max((len(v) for v in lists.values()), default=0)
    rows = []
    for i in range(count):
        row = {c: (lists[c][i] if i < len(lists[c]) else "").strip() for c in columns}
        if not row[key]:
            continue
        for c in columns:
            if c in TEXT_LIMITS:
                row[c] = row[c][: TEXT_LIMITS[c]]
            if c in INT_COLUMNS:
                value = 0 if row[c] == "0" else as_id(row[c])
                if c != "copies" and value not in attachment_ids:
                    value = None
                row[c] = value if value is not None else (1 if c == "copies" else None)
        if "form" in row and row["form"] not in MATERIAL_FORMS:
            row["form"] = "original"
        if "necessity" in row and row["necessity"] not in MATERIAL_NECESSITY:
            row["necessity"] = "required"
        rows.append(row)
    return rows


def guide_form(obj=None) -> GuideForm:
    form = GuideForm(obj=obj)
    form.hall_id.choices = hall_choices("（全部大厅）")
    windows = db.session.execute(select(HallWindow).order_by(HallWindow.sort_order)).scalars()
    form.window_id.choices = [(0, "（不指定）")] + [(w.id, w.label) for w in windows]
    if obj is not None and not form.is_submitted():
        form.hall_id.data = obj.hall_id or 0
        form.window_id.data = obj.window_id or 0
    return form


def _apply(guide: Guide, form: GuideForm) -> None:
    form.populate_obj(guide)
    guide.hall_id = form.hall_id.data or None
    guide.window_id = form.window_id.data or None
    guide.online_url = guide.online_url or ""
    attachment_ids = {a.id for a in guide_attachments(guide)} if guide.id else set()
    for prefix, (model, _columns, _key) in ROWS.items():
        rows = parse_rows(prefix, attachment_ids)
        setattr(guide, prefix, [model(sort_order=i, **row) for i, row in enumerate(rows)])


def guide_attachments(guide: Guide) -> list[Attachment]:
    return (
        db.session.execute(
            select(Attachment).where(Attachment.guide_id == guide.id).order_by(Attachment.id)
        )
        .scalars()
        .all()
    )


def _code_taken(code: str, guide_id: int | None) -> bool:
    stmt = select(Guide.id).where(Guide.code == code)
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
    return render_template(
        "admin/guide_form.html",
        form=form,
        guide=guide,
        rows={p: getattr(guide, p) if guide else [] for p in ROWS},
        attachments=attachments,
        attachment_options=[(a.id, a.filename) for a in attachments],
        forms=MATERIAL_FORMS,
        necessity=MATERIAL_NECESSITY,
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
            ledger.record(
                db.session,
                "guide.create",
                actor=actor(),
                obj=guide,
                summary=guide.name,
                after=guide_snapshot(guide),
                at=now(),
            )
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
            after = guide_snapshot(guide)
            changed = [k for k in after if after[k] != before.get(k)]
            if changed:
                ledger.record(
                    db.session,
                    "guide.update",
                    actor=actor(),
                    obj=guide,
                    summary=guide.name,
                    before={k: before.get(k) for k in changed},
                    after={k: after[k] for k in changed},
                    at=now(),
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
    target = request.form.get("state")
    if not ActionForm().validate_on_submit() or target not in (
        GuideState.PUBLISHED,
        GuideState.ARCHIVED,
    ):
        return redirect(url_for("admin.guide_edit", guide_id=guide.id))
    if target == GuideState.PUBLISHED and not (guide.materials and guide.steps):
        flash("公开前须至少填写一项申请材料和一个办理步骤", "error")
        return redirect(url_for("admin.guide_edit", guide_id=guide.id))
    before = snapshot(guide, ["state", "published_at", "archived_at"])
    guide.state = target
    if target == GuideState.PUBLISHED:
        guide.published_at, guide.archived_at = now(), None
    else:
        guide.archived_at = now()
    record_change(
        f"guide.{'publish' if target == GuideState.PUBLISHED else 'archive'}",
        guide,
        ["state", "published_at", "archived_at"],
        before,
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
