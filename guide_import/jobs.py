"""Checking and importing a file off the request thread, with progress in the database.

The console stores the upload as a ``GuideImport`` and hands the bytes to a
single background worker of the process; every step writes the job's state and
progress, so any request (of any process) can show a progress bar. The command
line runs the same two steps in the foreground.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from content_feed import ledger
from content_feed.clock import now as clock_now
from content_feed.db import db
from content_feed.models import GuideImport, User
from content_feed.models.guide_import import RUNNING_STATES
from guide_import import ImportRefused, upsert
from guide_import.mapping import load_mapping
from guide_import.parse import parse_tables
from guide_import.reader import Limits, read_tables

log = logging.getLogger(__name__)
CHECK_STEPS = 3  # read the file, parse it, compare with the database
STALLED_AFTER = timedelta(minutes=10)
EXTENSION = "sunlight.guide_imports"


def settings(app: Flask | None = None) -> dict:
    return (app or current_app).config["SUNLIGHT"]["guide_import"]


def mapping_folder(app: Flask | None = None) -> Path:
    app = app or current_app
    folder = Path(settings(app)["mapping_folder"])
    return folder if folder.is_absolute() else Path(app.root_path) / folder


def limits(app: Flask | None = None) -> Limits:
    return Limits.from_settings(settings(app))


def _step(session: Session, job: GuideImport, done: int, total: int, state: str | None = None):
    if state:
        job.state = state
    job.progress_done, job.progress_total = done, total
    session.commit()


def check(session: Session, job: GuideImport, data: bytes, *, allow_path: bool = False) -> None:
    """The dry run: read and parse the file, compare it with the database, store
    the report and the plan. Writes nothing but the job, whatever the file holds.
    ``allow_path``: the mapping may be a file path (the command line only)."""
    _step(session, job, 0, CHECK_STEPS, "checking")
    try:
        mapping = load_mapping(job.mapping, mapping_folder(), allow_path=allow_path)
        _kind, tables = read_tables(data, limits())
        _step(session, job, 1, CHECK_STEPS)
        parsed = parse_tables(tables, mapping)
        _step(session, job, 2, CHECK_STEPS)
        rows, counts, plan = upsert.report(session, parsed)
    except ImportRefused as exc:
        session.rollback()
        fail(session, job, str(exc))
        return
    job.plan = {
        "layout": parsed.layout,
        "fields": parsed.fields,
        "groups": parsed.groups,
        "rows_read": parsed.rows_read,
        "warnings": parsed.warnings,
        "records": plan,
    }
    job.report, job.counts = rows, counts
    _step(session, job, CHECK_STEPS, CHECK_STEPS, "checked")


def claim(session: Session, job: GuideImport) -> bool:
    """checked → importing, once: a second click (or a second process) gets False."""
    result = session.execute(
        update(GuideImport)
        .where(GuideImport.id == job.id, GuideImport.state == "checked")
        .values(state="importing", progress_done=0, progress_total=len(_records(job)))
    )
    session.commit()
    return result.rowcount == 1


def _records(job: GuideImport) -> list[dict]:
    return (job.plan or {}).get("records", [])


def write(session: Session, job: GuideImport, actor: User | None, actor_name: str = "") -> dict:
    """Write the checked plan (claimed first): drafts for new codes, revisions for
    changed guides."""
    if job.state == "checked" and not claim(session, job):
        raise ImportRefused("该导入已在执行")
    session.refresh(job)
    if job.state != "importing":
        raise ImportRefused(f"该导入{job.state_label}，不能执行")
    records = _records(job)
    at = clock_now()

    def progress(done: int) -> None:
        job.progress_done = done

    written = upsert.write(
        session,
        records,
        actor=actor,
        actor_name=actor_name,
        import_id=job.id,
        hall_id=job.hall_id,
        at=at,
        progress=progress,
    )
    job.counts = {**(job.counts or {}), "written": written}
    job.state = "done"
    job.finished_at = clock_now()
    ledger.record(
        session,
        "guide.import",
        actor=actor,
        actor_name=actor_name,
        obj=job,
        summary=(
            f"导入办事指南 {job.filename}：新建草稿 {written['created']} 项，"
            f"待审修订 {written['updated']} 项，无变化 {written['unchanged']} 项"
        ),
        after={k: v for k, v in written.items() if not k.endswith("_ids")},
        at=job.finished_at,
    )
    session.commit()
    return written


def fail(session: Session, job: GuideImport, message: str) -> None:
    job.state = "failed"
    job.message = message
    job.finished_at = clock_now()
    session.commit()


class ImportWorker:
    """One background thread per process: imports run one after another."""

    def __init__(self, app: Flask):
        self.app = app
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="guide-import")
        self.active: set[int] = set()

    def submit_check(self, job_id: int, data: bytes):
        self.active.add(job_id)
        failure = "检查文件时出现异常，已记录在服务器日志；未写入任何内容"
        return self.pool.submit(self._run, job_id, lambda s, job: check(s, job, data), failure)

    def submit_write(self, job_id: int, actor_id: int | None):
        self.active.add(job_id)

        def step(session, job):
            actor = session.get(User, actor_id) if actor_id else None
            write(session, job, actor)

        failure = (
            "导入时出现异常，已记录在服务器日志；已写入的批次保留（草稿与待审修订），"
            "重新导入同一文件即可补齐"
        )
        return self.pool.submit(self._run, job_id, step, failure)

    def _run(self, job_id: int, step, failure: str) -> None:
        with self.app.app_context():
            session = db.session
            try:
                job = session.get(GuideImport, job_id)
                if job is not None:
                    step(session, job)
            except Exception:
                log.exception("guide import %s failed", job_id)
                session.rollback()
                job = session.get(GuideImport, job_id)
                if job is not None:
                    fail(session, job, failure)
            finally:
                self.active.discard(job_id)
                db.session.remove()


def worker(app: Flask | None = None) -> ImportWorker:
    app = app or current_app._get_current_object()
    found = app.extensions.get(EXTENSION)
    if found is None:
        found = app.extensions[EXTENSION] = ImportWorker(app)
    return found


def mark_stalled(session: Session) -> None:
    """A job still 'running' that no worker of this process holds and that has not
    moved for a while was cut off by a restart: say so instead of spinning."""
    cutoff = datetime.now(UTC) - STALLED_AFTER
    active = worker().active
    stmt = select(GuideImport).where(
        GuideImport.state.in_(RUNNING_STATES), GuideImport.updated_at < cutoff
    )
    changed = False
    for job in session.execute(stmt).scalars():
        if job.id not in active:
            job.state, job.message = "failed", "导入被中断（服务器可能已重启），请重新上传文件"
            changed = True
    if changed:
        session.commit()
