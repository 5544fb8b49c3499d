"""Bulk import of process guides (办事指南导入): upload, the dry-run report, the
import itself off the request thread with a progress bar, bulk publication
after review, and export in the same format."""

from __future__ import annotations

from urllib.parse import quote

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from admin import bp
from admin.auth import role_required
from admin.forms import ActionForm, BulkPublishForm, GuideImportForm
from admin.helpers import actor, flash_form_errors, get_or_404, now, page_args
from admin.views.items import hall_choices
from content_feed.db import db
from content_feed.models import Guide, GuideImport, GuideRevision, Hall
from content_feed.timefmt import local
from content_feed.vocabulary import GuideState
from guide_import import ImportRefused, export, jobs
from guide_import.mapping import load_mapping, mapping_names
from guide_import.revisions import publish_many
from guide_import.upsert import OUTCOMES, REPORT_HEADER, report_cells
from shared.spreadsheet import csv_response

REPORT_PAGE = 100
LAYOUTS = {
    "child_sheets": "子表（材料、流程等各占一个工作表）",
    "repeated_rows": "重复行（一个事项占多行）",
    "guides_only": "仅事项信息",
}


def mapping_choices() -> list[tuple[str, str]]:
    return [("", "内置列名（自动识别）")] + [(n, n) for n in mapping_names(jobs.mapping_folder())]


def import_form() -> GuideImportForm:
    form = GuideImportForm()
    form.mapping.choices = mapping_choices()
    form.hall_id.choices = hall_choices("（全部大厅）")
    return form


@bp.get("/guides/imports")
@role_required("approver")
def guide_imports():
    jobs.mark_stalled(db.session)
    page, size = page_args(20)
    rows = (
        db.session.execute(
            select(GuideImport)
            .order_by(GuideImport.id.desc())
            .offset((page - 1) * size)
            .limit(size + 1)
        )
        .scalars()
        .all()
    )
    return render_template(
        "admin/guide_imports.html",
        form=import_form(),
        rows=rows[:size],
        page=page,
        has_next=len(rows) > size,
        limits=jobs.settings(),
    )


@bp.post("/guides/imports")
@role_required("approver")
def guide_import_upload():
    form = import_form()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(error, "error")
        return redirect(url_for("admin.guide_imports"))
    upload = form.file.data
    limit = jobs.limits().max_file_bytes
    data = upload.stream.read(limit + 1)
    filename = (upload.filename or "未命名")[:200]
    if len(data) > limit:
        flash(f"{filename}：文件超过 {limit // (1024 * 1024)} MB，请分批导入", "error")
        return redirect(url_for("admin.guide_imports"))
    hall_id = form.hall_id.data or None
    if hall_id and db.session.get(Hall, hall_id) is None:
        hall_id = None
    job = GuideImport(
        filename=filename,
        mapping=form.mapping.data or "",
        hall_id=hall_id,
        created_by_id=actor().id,
        state="queued",
    )
    db.session.add(job)
    db.session.commit()
    jobs.worker().submit_check(job.id, data)
    return redirect(url_for("admin.guide_import", import_id=job.id))


def _job(import_id: int) -> GuideImport:
    jobs.mark_stalled(db.session)
    return get_or_404(GuideImport, import_id)


def _publishable(job: GuideImport) -> tuple[list[Guide], list[GuideRevision]]:
    written = (job.counts or {}).get("written") or {}
    ids = written.get("created_ids") or []
    drafts = []
    for i in range(0, len(ids), 500):
        drafts += (
            db.session.execute(
                select(Guide)
                .where(Guide.id.in_(ids[i : i + 500]), Guide.state != GuideState.PUBLISHED)
                .options(selectinload(Guide.materials), selectinload(Guide.steps))
                .order_by(Guide.id)
            )
            .scalars()
            .all()
        )
    revisions = (
        db.session.execute(
            select(GuideRevision)
            .where(GuideRevision.import_id == job.id, GuideRevision.state == "pending")
            .options(selectinload(GuideRevision.guide))
            .order_by(GuideRevision.id)
        )
        .scalars()
        .all()
    )
    return drafts, revisions


@bp.get("/guides/imports/<int:import_id>")
@role_required("approver")
def guide_import(import_id: int):
    job = _job(import_id)
    outcome = request.args.get("outcome", "")
    if outcome not in OUTCOMES:
        outcome = ""
    report = [r for r in job.report or [] if not outcome or r["outcome"] == outcome]
    page, _size = page_args()
    start = (page - 1) * REPORT_PAGE
    drafts, revisions = _publishable(job) if job.state == "done" else ([], [])
    return render_template(
        "admin/guide_import.html",
        job=job,
        outcome=outcome,
        outcomes=OUTCOMES,
        report=report[start : start + REPORT_PAGE],
        report_total=len(report),
        page=page,
        has_next=start + REPORT_PAGE < len(report),
        layouts=LAYOUTS,
        drafts=drafts,
        revisions=revisions,
        action_form=ActionForm(),
    )


@bp.get("/guides/imports/<int:import_id>/progress.json")
@role_required("approver")
def guide_import_progress(import_id: int):
    job = _job(import_id)
    return jsonify(
        state=job.state,
        label=job.state_label,
        done=job.progress_done,
        total=job.progress_total,
        percent=job.percent,
        message=job.message,
    )


@bp.get("/guides/imports/<int:import_id>/report.csv")
@role_required("approver")
def guide_import_report(import_id: int):
    job = _job(import_id)
    if job.report is None:
        abort(404)
    return csv_response(
        REPORT_HEADER,
        report_cells(job.report, job.warnings),
        f"guide-import-{job.id}-report.csv",
        f"办事指南导入报告-{job.id}.csv",
    )


@bp.post("/guides/imports/<int:import_id>/write")
@role_required("approver")
def guide_import_write(import_id: int):
    job = _job(import_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if not jobs.claim(db.session, job):
        db.session.refresh(job)
        flash(f"该导入{job.state_label}，不能再执行", "error")
        return redirect(url_for("admin.guide_import", import_id=job.id))
    jobs.worker().submit_write(job.id, actor().id)
    return redirect(url_for("admin.guide_import", import_id=job.id))


@bp.post("/guides/imports/<int:import_id>/publish")
@role_required("approver")
def guide_import_publish(import_id: int):
    """Publish many after review: the ticked ones, or every one listed."""
    job = _job(import_id)
    form = BulkPublishForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for("admin.guide_import", import_id=job.id))
    drafts, revisions = _publishable(job)
    if form.scope.data != "all":
        drafts = [g for g in drafts if g.id in set(form.guide.data)]
        revisions = [r for r in revisions if r.id in set(form.revision.data)]
    if not drafts and not revisions:
        flash("请勾选要公开的办事指南", "error")
        return redirect(url_for("admin.guide_import", import_id=job.id))
    done, skipped = publish_many(db.session, drafts, revisions, actor=actor(), at=now())
    db.session.commit()
    if done:
        flash(f"已公开 {len(done)} 项办事指南", "success")
    for name, reason in skipped[:20]:
        flash(f"{name}：{reason}", "error")
    if len(skipped) > 20:
        flash(f"另有 {len(skipped) - 20} 项未公开", "error")
    return redirect(url_for("admin.guide_import", import_id=job.id))


@bp.get("/guides/export.<fmt>")
@role_required("drafter", "approver")
def guides_export(fmt: str):
    """Every guide in the implementation-list format (?mapping= for a province's names)."""
    if fmt not in ("xlsx", "csv"):
        abort(404)
    try:
        mapping = load_mapping(request.args.get("mapping", ""), jobs.mapping_folder())
    except ImportRefused as exc:
        flash(str(exc), "error")
        return redirect(url_for("admin.guides"))
    guides = db.session.execute(select(Guide).order_by(Guide.sort_order, Guide.id)).scalars().all()
    stamp = local(now()).strftime("%Y%m%d")
    if fmt == "csv":
        body, mimetype = export.csv_export_bytes(guides, mapping), "text/csv"
    else:
        body = export.xlsx_bytes(guides, mapping)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return (
        body,
        200,
        {
            "Content-Type": mimetype,
            "Content-Disposition": f"attachment; filename=guides-{stamp}.{fmt}; "
            f"filename*=UTF-8''{quote(f'办事指南-{stamp}.{fmt}')}",
            "Cache-Control": "no-store",
        },
    )
