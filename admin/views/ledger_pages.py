"""The audit ledger (登记表): read, filter, export. Nothing here writes to it."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import render_template, request
from sqlalchemy import or_, select

from admin import bp, ledger_fields
from admin import ledger_names as names
from admin.auth import role_required
from admin.forms import LedgerFilterForm
from admin.helpers import page_args
from content_feed.db import db
from content_feed.models import LedgerEntry
from content_feed.timefmt import local_text, local_to_utc
from shared.spreadsheet import csv_response

# Names of actions and objects: admin/ledger_names.py.
ACTION_LABELS = names.ACTION_LABELS
CSV_LIMIT = 100_000


def filtered(form: LedgerFilterForm):
    stmt = select(LedgerEntry).order_by(LedgerEntry.at.desc(), LedgerEntry.id.desc())
    if form.action.data:
        wanted = form.action.data.strip()
        # Chosen from the list (a code) or typed as the table shows it (审批并公开).
        codes = [code for code, name in ACTION_LABELS.items() if name == wanted]
        if codes:
            stmt = stmt.where(LedgerEntry.action.in_(codes))
        else:
            stmt = stmt.where(LedgerEntry.action.startswith(wanted))
    if form.actor.data:
        stmt = stmt.where(LedgerEntry.actor_name.contains(form.actor.data.strip()))
    if form.object_type.data:
        stmt = stmt.where(LedgerEntry.object_type == form.object_type.data.strip())
    if form.q.data:
        like = f"%{form.q.data.strip()}%"
        stmt = stmt.where(
            or_(LedgerEntry.summary.ilike(like), LedgerEntry.object_id == form.q.data)
        )
    if form.date_from.data:
        stmt = stmt.where(
            LedgerEntry.at >= local_to_utc(datetime.combine(form.date_from.data, time()))
        )
    if form.date_to.data:
        end = datetime.combine(form.date_to.data + timedelta(days=1), time())
        stmt = stmt.where(LedgerEntry.at < local_to_utc(end))
    return stmt


def _side(entry, n: int) -> str:
    """One side of a change in words (变更前 n=1, 变更后 n=2)."""
    rows = ledger_fields.changes(entry.before, entry.after)
    return "；".join(f"{row[0]}：{row[n]}" for row in rows if row[n])


@bp.get("/ledger")
@role_required("admin", "approver")
def ledger():
    form = LedgerFilterForm(formdata=request.args)
    form.validate()
    page, size = page_args()
    rows = db.session.execute(filtered(form).offset((page - 1) * size).limit(size + 1))
    rows = rows.scalars().all()[: size + 1]
    shown = rows[:size]
    return render_template(
        "admin/ledger.html",
        form=form,
        rows=shown,
        titles=names.object_titles(shown),
        object_link=names.object_link,
        has_next=len(rows) > size,
        page=page,
        labels=ACTION_LABELS,
        kinds={code: kind.name for code, kind in names.OBJECT_KINDS.items()},
        changes=ledger_fields.changes,
    )


@bp.get("/ledger.csv")
@role_required("admin", "approver")
def ledger_csv():
    form = LedgerFilterForm(formdata=request.args)
    form.validate()
    entries = db.session.execute(filtered(form).limit(CSV_LIMIT)).scalars().all()
    titles = names.object_titles(entries)
    return csv_response(
        ["序号", "时间", "操作人", "操作", "对象", "对象编号", "摘要", "变更前", "变更后", "地址"],
        (
            [
                e.id,
                local_text(e.at, "%Y-%m-%d %H:%M:%S"),
                e.actor_name,
                names.action_label(e.action),
                names.object_text(e, titles),
                e.object_id,
                e.summary,
                _side(e, 1),
                _side(e, 2),
                e.address,
            ]
            for e in entries
        ),
        "ledger.csv",
        "登记表.csv",
    )
