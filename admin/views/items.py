"""Disclosure items: search, edit drafts, the steps of Article 15, history, preview."""

from __future__ import annotations

from pathlib import Path

from flask import current_app, flash, redirect, render_template, request, send_file, url_for
from sqlalchemy import or_, select
from wtforms.validators import DataRequired

from admin import bp, uploads
from admin.auth import role_required
from admin.forms import ActionForm, ItemForm, NoteForm, ProposeForm, ReasonForm, channels_for
from admin.helpers import actor, flash_form_errors, get_or_404, now, page_args, store_uploads
from content_feed import ledger, workflow
from content_feed.db import db
from content_feed.markup import plain_text, render_markdown
from content_feed.models import Attachment, Category, Hall, Item, ItemRevision
from content_feed.public_now import public_item
from content_feed.vocabulary import (
    DISCLOSURE_MODES,
    ITEM_STATES,
    REVISION_STATES,
    SCOPES,
    TIMELINESS,
    RevisionState,
)
from shared.ids import db_int
from web import hall_scope

READERS = ("drafter", "reviewer", "approver", "operator")
ACTION_LABELS = {
    "propose": "提出",
    "review": "审核通过",
    "open_comment": "预公开征求意见",
    "approve": "审批通过",
    "publish": "公开",
    "reject": "退回",
    "withdraw": "撤回",
}


def category_choices() -> list[tuple[int, str]]:
    """The catalogue as an indented list (children under their parent)."""
    cats = (
        db.session.execute(
            select(Category).where(Category.active.is_(True)).order_by(Category.sort_order)
        )
        .scalars()
        .all()
    )
    out: list[tuple[int, str]] = []

    def walk(parent_id, depth):
        for c in cats:
            if c.parent_id == parent_id:
                out.append((c.id, "　" * depth + f"{c.name}（{c.domain}）"))
                walk(c.id, depth + 1)

    walk(None, 0)
    return out


def hall_choices(blank: str | None = None) -> list[tuple[int, str]]:
    """The halls a form may name (a hall user's own), and ``blank`` (every hall)
    for city-level staff only."""
    halls = db.session.execute(select(Hall).order_by(Hall.id)).scalars()
    rows = [(h.id, h.name) for h in halls]
    return [(0, blank), *rows] if blank is not None and hall_scope.may_choose_all_halls() else rows


def item_form(obj=None) -> ItemForm:
    form = ItemForm(obj=obj)
    settings = current_app.config["SUNLIGHT"]["catalogue"]
    form.domain.choices = [(d, d) for d in settings["domains"]]
    form.subject.choices = [("", "（不选）")] + [(s, s) for s in settings["subjects"]]
    form.category_id.choices = category_choices()
    form.hall_ids.choices = hall_choices()
    if not hall_scope.may_choose_all_halls():
        # No hall means every hall: city-level staff only.
        form.hall_ids.validators = [DataRequired("请选择服务大厅")]
        form.hall_ids.label.text = "适用大厅"
        form.hall_ids.flags.required = True
    if obj is not None and not form.is_submitted():
        form.hall_ids.data = list(obj.hall_ids or [])
    return form


def form_content(form: ItemForm) -> dict:
    fields = {name: getattr(form, name).data for name in workflow.CONTENT_FIELDS}
    for name in ("summary", "body", "publishing_body", "document_number", "led_text"):
        fields[name] = (fields[name] or "").strip()
    fields["online_url"] = fields["online_url"] or ""
    fields["subject"] = fields["subject"] or ""
    return fields


def open_rev_or_flash(item: Item) -> ItemRevision:
    rev = workflow.open_revision(item)
    if rev is None:
        flash("该事项没有正在流转的修订", "error")
    return rev


def _done(item: Item, message: str):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("admin.item_detail", item_id=item.id))


def _refused(item: Item, exc: Exception):
    db.session.rollback()
    flash(str(exc), "error")
    return redirect(url_for("admin.item_detail", item_id=item.id))


@bp.get("/items")
@role_required(*READERS)
def items():
    page, size = page_args()
    q = (request.args.get("q") or "").strip()
    state = request.args.get("state") or ""
    scope = request.args.get("scope") or ""
    category_id = request.args.get("category_id", type=db_int)
    stmt = select(Item).order_by(Item.updated_at.desc(), Item.id.desc())
    if q:
        like = f"%{q}%"
        stmt = stmt.where(
            or_(
                Item.title.ilike(like),
                Item.index_number.ilike(like),
                Item.document_number.ilike(like),
                Item.summary.ilike(like),
                Item.id.in_(select(ItemRevision.item_id).where(ItemRevision.title.ilike(like))),
            )
        )
    if state in ITEM_STATES:
        stmt = stmt.where(Item.state == state)
    if scope in SCOPES:
        stmt = stmt.where(Item.scope == scope)
    if category_id:
        stmt = stmt.where(Item.category_id == category_id)
    rows = db.session.execute(stmt.offset((page - 1) * size).limit(size + 1)).scalars().all()
    return render_template(
        "admin/items.html",
        rows=rows[:size],
        has_next=len(rows) > size,
        page=page,
        q=q,
        state=state,
        scope=scope,
        category_id=category_id,
        categories=category_choices(),
        states=ITEM_STATES,
        scopes=SCOPES,
        open_revision=workflow.open_revision,
        revision_states=REVISION_STATES,
    )


@bp.route("/items/new", methods=["GET", "POST"])
@role_required("drafter")
def item_new():
    form = item_form()
    if form.validate_on_submit():
        rev = workflow.create_draft(
            db.session, actor(), now(), hall_ids=form.hall_ids.data, **form_content(form)
        )
        db.session.commit()
        flash("草稿已保存。确认无误后请“提出”送审。", "success")
        return redirect(url_for("admin.item_detail", item_id=rev.item_id))
    return render_template("admin/item_form.html", form=form, item=None, rev=None)


@bp.route("/items/<int:item_id>/edit", methods=["GET", "POST"])
@role_required("drafter")
def item_edit(item_id: int):
    item = get_or_404(Item, item_id)
    rev = workflow.open_revision(item)
    if rev is None or rev.state != RevisionState.DRAFT:
        flash("只有草稿可以修改；已公开的事项请先“修订”。", "error")
        return redirect(url_for("admin.item_detail", item_id=item.id))
    form = item_form(rev)
    if form.validate_on_submit():
        try:
            changed = workflow.update_draft(
                db.session, rev, actor(), now(), hall_ids=form.hall_ids.data, **form_content(form)
            )
        except workflow.WorkflowError as exc:
            return _refused(item, exc)
        return _done(item, "草稿已保存" if changed else "没有改动")
    return render_template("admin/item_form.html", form=form, item=item, rev=rev)


@bp.get("/items/<int:item_id>")
@role_required(*READERS)
def item_detail(item_id: int):
    item = get_or_404(Item, item_id)
    rev = workflow.open_revision(item)
    shown = rev or item.published_revision or item.revisions[-1]
    min_days = current_app.config["SUNLIGHT"]["workflow"]["min_comment_days"]
    propose_form = ProposeForm(channels=channels_for(rev or shown))
    return render_template(
        "admin/item_detail.html",
        item=item,
        rev=rev,
        shown=shown,
        body_html=render_markdown(shown.body),
        me=actor(),
        propose_form=propose_form,
        note_form=NoteForm(),
        reason_form=ReasonForm(),
        action_form=ActionForm(),
        min_comment_days=min_days,
        is_public=public_item(db.session, item.id, now()) is not None,
        labels={
            "scope": SCOPES,
            "timeliness": TIMELINESS,
            "mode": DISCLOSURE_MODES,
            "item_state": ITEM_STATES,
            "rev_state": REVISION_STATES,
            "action": ACTION_LABELS,
        },
        halls={h.id: h.name for h in db.session.execute(select(Hall)).scalars()},
        max_upload_mb=current_app.config.get("UPLOAD_MAX_BYTES", uploads.DEFAULT_MAX_BYTES)
        // (1024 * 1024),
    )


@bp.post("/items/<int:item_id>/revise")
@role_required("drafter")
def item_revise(item_id: int):
    item = get_or_404(Item, item_id)
    try:
        rev = workflow.new_revision(db.session, item, actor(), now())
    except workflow.WorkflowError as exc:
        return _refused(item, exc)
    db.session.commit()
    flash(f"已建立第 {rev.number} 版修订；已公开的版本在新版审批前继续显示。", "success")
    return redirect(url_for("admin.item_edit", item_id=item.id))


def _workflow_post(item_id: int, form_class, run, message, *, on_revision: bool = True):
    """Validate ``form_class``, run one workflow step on the open revision (or the
    item), commit and say so; a refused step rolls back and shows why."""
    item = get_or_404(Item, item_id)
    target = open_rev_or_flash(item) if on_revision else item
    form = form_class()
    if target is None or not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for("admin.item_detail", item_id=item.id))
    try:
        run(target, form)
    except workflow.WorkflowError as exc:
        return _refused(item, exc)
    return _done(item, message(item) if callable(message) else message)


@bp.post("/items/<int:item_id>/propose")
@role_required("drafter")
def item_propose(item_id: int):
    def run(rev, form):
        workflow.propose(
            db.session,
            rev,
            actor(),
            now(),
            note=form.note.data,
            channels=form.channels.data,
            confidentiality_checked=form.confidentiality_checked.data,
            comment_days=form.comment_days.data or None,
        )

    return _workflow_post(item_id, ProposeForm, run, "已提出，等待审核（保密审查）")


@bp.post("/items/<int:item_id>/review")
@role_required("reviewer")
def item_review(item_id: int):
    return _workflow_post(
        item_id,
        NoteForm,
        lambda rev, form: workflow.review(db.session, rev, actor(), now(), form.note.data or ""),
        "审核通过，等待审批",
    )


@bp.post("/items/<int:item_id>/comment")
@role_required("approver")
def item_open_comment(item_id: int):
    return _workflow_post(
        item_id,
        ActionForm,
        lambda rev, form: workflow.open_comment_period(db.session, rev, actor(), now()),
        "已预公开，征求意见期开始",
    )


@bp.post("/items/<int:item_id>/approve")
@role_required("approver")
def item_approve(item_id: int):
    return _workflow_post(
        item_id,
        NoteForm,
        lambda rev, form: workflow.approve(db.session, rev, actor(), now(), form.note.data or ""),
        lambda item: f"审批通过并公开，索引号 {item.index_number}",
    )


@bp.post("/items/<int:item_id>/reject")
@role_required("reviewer", "approver")
def item_reject(item_id: int):
    return _workflow_post(
        item_id,
        ReasonForm,
        lambda rev, form: workflow.reject(db.session, rev, actor(), now(), form.reason.data),
        "已退回拟稿人",
    )


@bp.post("/items/<int:item_id>/archive")
@role_required("approver", "operator")
def item_archive(item_id: int):
    return _workflow_post(
        item_id,
        ReasonForm,
        lambda item, form: workflow.archive(db.session, item, actor(), now(), form.reason.data),
        "已归档，事项已从各公开渠道撤下，索引号保留",
        on_revision=False,
    )


@bp.get("/items/<int:item_id>/preview")
@role_required(*READERS)
def item_preview(item_id: int):
    item = get_or_404(Item, item_id)
    number = request.args.get("rev", type=db_int)
    rev = next((r for r in item.revisions if r.number == number), None)
    rev = rev or workflow.open_revision(item) or item.published_revision or item.revisions[-1]
    led_text = rev.led_text or rev.title
    return render_template(
        "admin/item_preview.html",
        item=item,
        rev=rev,
        body_html=render_markdown(rev.body),
        summary=rev.summary or plain_text(rev.body)[:100],
        led_text=led_text,
        led_chars=len(led_text),
    )


# -- attachments -----------------------------------------------------------------


@bp.post("/items/<int:item_id>/attachments")
@role_required("drafter")
def item_attach(item_id: int):
    item = get_or_404(Item, item_id)
    rev = workflow.open_revision(item)
    if rev is None or rev.state != RevisionState.DRAFT or not ActionForm().validate_on_submit():
        flash("附件只能加在草稿上", "error")
        return redirect(url_for("admin.item_detail", item_id=item.id))
    if not workflow.may_change_draft(rev, actor()):
        flash("只有拟稿人本人可以给草稿加附件", "error")
        return redirect(url_for("admin.item_detail", item_id=item.id))
    workflow.note_editor(rev, actor())
    store_uploads(request.files.getlist("file"), item, f"第 {rev.number} 版", revision_id=rev.id)
    return redirect(url_for("admin.item_detail", item_id=item.id))


def _unlink_unused(names: list[str]) -> None:
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    for name in names:
        if not name:
            continue
        used = db.session.execute(
            select(Attachment.id).where(
                or_(Attachment.stored_name == name, Attachment.thumbnail_name == name)
            )
        ).first()
        if not used:
            (folder / name).unlink(missing_ok=True)


@bp.post("/items/<int:item_id>/attachments/<int:attachment_id>/delete")
@role_required("drafter")
def item_detach(item_id: int, attachment_id: int):
    item = get_or_404(Item, item_id)
    att = get_or_404(Attachment, attachment_id)
    rev = workflow.open_revision(item)
    if rev is None or rev.state != RevisionState.DRAFT or att.revision_id != rev.id:
        flash("只能删除草稿上的附件", "error")
        return redirect(url_for("admin.item_detail", item_id=item.id))
    if not workflow.may_change_draft(rev, actor()):
        flash("只有拟稿人本人可以删除草稿的附件", "error")
        return redirect(url_for("admin.item_detail", item_id=item.id))
    if not ActionForm().validate_on_submit():
        return redirect(url_for("admin.item_detail", item_id=item.id))
    names = [att.stored_name, att.thumbnail_name]
    workflow.note_editor(rev, actor())
    ledger.record(
        db.session,
        "attachment.remove",
        actor=actor(),
        obj=item,
        summary=f"第 {rev.number} 版删除附件 {att.filename}",
        before={"attachment_id": att.id, "filename": att.filename, "sha256": att.sha256},
        at=now(),
    )
    db.session.delete(att)
    db.session.commit()
    _unlink_unused(names)
    flash("附件已删除", "success")
    return redirect(url_for("admin.item_detail", item_id=item.id))


@bp.get("/attachments/<int:attachment_id>")
@role_required(*READERS)
def attachment_file(attachment_id: int):
    """Staff see attachments of drafts too (the public route serves published ones only)."""
    att = get_or_404(Attachment, attachment_id)
    thumb = request.args.get("thumb") == "1" and att.thumbnail_name
    name = att.thumbnail_name if thumb else att.stored_name
    path = Path(current_app.config["UPLOAD_FOLDER"]) / name
    if not path.is_file():
        return ("文件不存在", 404)
    return send_file(
        path,
        mimetype="image/jpeg" if thumb else att.content_type,
        download_name=att.filename,
        as_attachment=not att.is_image,
    )
