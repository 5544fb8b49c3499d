"""The audit ledger (登记表): read, filter, export. Nothing here writes to it."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta

from flask import render_template, request
from sqlalchemy import or_, select

from admin import bp
from admin.forms import LedgerFilterForm
from admin.helpers import page_args
from content_feed.auth import role_required
from content_feed.db import db
from content_feed.models import LedgerEntry
from content_feed.spreadsheet import csv_response
from content_feed.timefmt import local_text, local_to_utc

# Human names for the actions written by workflow, uploads, console and jobs.
ACTION_LABELS = {
    "item.draft": "起草事项",
    "item.edit": "修改草稿",
    "item.revise": "修订事项",
    "item.propose": "提出",
    "item.review": "审核通过",
    "item.pre_disclose": "预公开",
    "item.publish": "审批并公开",
    "item.reject": "退回",
    "item.archive": "归档",
    "item.stale": "逾期未更新",
    "attachment.add": "上传附件",
    "attachment.remove": "删除附件",
    "auth.login": "登录",
    "auth.fail": "登录失败",
    "auth.logout": "退出登录",
    "user.password": "修改密码",
    "user.totp_on": "启用动态口令",
    "user.totp_off": "停用动态口令",
    "slogan.publish": "发布标语",
    "slogan.withdraw": "撤下标语",
    "demo.remove": "删除演示内容",
    "system.backup": "数据库备份",
    "guide.import": "导入办事指南",
    "guide.import_create": "导入新建指南草稿",
    "guide.import_revision": "导入指南修订",
    "guide.revision_discard": "放弃导入修订",
}
CSV_LIMIT = 100_000


def filtered(form: LedgerFilterForm):
    stmt = select(LedgerEntry).order_by(LedgerEntry.at.desc(), LedgerEntry.id.desc())
    if form.action.data:
        stmt = stmt.where(LedgerEntry.action.startswith(form.action.data.strip()))
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


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True) if value is not None else ""


@bp.get("/ledger")
@role_required("admin", "approver")
def ledger():
    form = LedgerFilterForm(formdata=request.args)
    form.validate()
    page, size = page_args()
    rows = db.session.execute(filtered(form).offset((page - 1) * size).limit(size + 1))
    rows = rows.scalars().all()
    return render_template(
        "admin/ledger.html",
        form=form,
        rows=rows[:size],
        has_next=len(rows) > size,
        page=page,
        labels=ACTION_LABELS,
        as_json=_json,
    )


@bp.get("/ledger.csv")
@role_required("admin", "approver")
def ledger_csv():
    form = LedgerFilterForm(formdata=request.args)
    form.validate()
    return csv_response(
        ["序号", "时间", "操作人", "操作", "对象", "对象编号", "摘要", "变更前", "变更后", "地址"],
        (
            [
                e.id,
                local_text(e.at, "%Y-%m-%d %H:%M:%S"),
                e.actor_name,
                ACTION_LABELS.get(e.action, e.action),
                e.object_type,
                e.object_id,
                e.summary,
                _json(e.before),
                _json(e.after),
                e.address,
            ]
            for e in db.session.execute(filtered(form).limit(CSV_LIMIT)).scalars()
        ),
        "ledger.csv",
        "登记表.csv",
    )
