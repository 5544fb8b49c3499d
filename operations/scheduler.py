"""Background jobs (APScheduler), started once per serving process, run by the
node that leads (operations/leadership.py).

Which jobs run, and when, is listed in one place: ``register_jobs`` in app.py.

Jobs do side effects only (archiving, stale flags, backups, reminders):
what is public never depends on a job having run (public_now decides it at
read time). Each job is a plain function of ``(app, now)`` so that tests call
it directly with a fixed clock; the scheduler only wraps it with an app
context and the app's clock.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from content_feed import ledger, workflow
from content_feed.db import db
from content_feed.models import Item, LedgerEntry
from content_feed.services import services
from content_feed.timefmt import local
from content_feed.vocabulary import SHOWN_ITEM_STATES, ItemState
from operations.leadership import Leadership
from shared.file_modes import create_private, private_dir

log = logging.getLogger(__name__)

_lock = threading.Lock()
_scheduler = None  # the one BackgroundScheduler of this process
_scheduler_app = None
_leadership = None
# Jobs registered (by app.register_jobs) before or after start:
# name → (func, minutes) and name → (func, hour, minute).
_interval_jobs: dict[str, tuple[Callable, int]] = {}
_daily_jobs: dict[str, tuple[Callable, int, int]] = {}


# -- job functions: plain, testable without the scheduler ---------------------


def archive_closed_items(app, now: datetime) -> list[int]:
    """Archive published items whose validity window has closed (actor 系统)."""
    with app.app_context():
        items = (
            db.session.execute(
                select(Item).where(
                    Item.state.in_(SHOWN_ITEM_STATES),
                    Item.valid_until.is_not(None),
                    Item.valid_until <= now,
                )
            )
            .scalars()
            .all()
        )
        for item in items:
            workflow.archive(db.session, item, None, now, "有效期届满，自动归档")
        db.session.commit()
        return [i.id for i in items]


def flag_stale_items(app, now: datetime) -> list[int]:
    """Write one ledger entry per stale periodic item per refresh period.

    The console computes staleness itself (workflow.stale_items); this job
    leaves the trace in the ledger that a refresh was overdue, once.
    """
    with app.app_context():
        published = (
            db.session.execute(
                select(Item).where(Item.state == ItemState.PUBLISHED, Item.timeliness == "periodic")
            )
            .scalars()
            .all()
        )
        flagged = []
        for item in workflow.stale_items(published, now):
            # Overdue since the end of the refresh period after the last publication.
            due = item.last_published_at + timedelta(days=item.refresh_period_days)
            already = db.session.execute(
                select(LedgerEntry.id).where(
                    LedgerEntry.action == "item.stale",
                    LedgerEntry.object_type == "item",
                    LedgerEntry.object_id == str(item.id),
                    LedgerEntry.at >= due,
                )
            ).first()
            if already:
                continue
            ledger.record(
                db.session,
                "item.stale",
                obj=item,
                summary=f"定期公开事项逾期未更新：{item.title}（周期 {item.refresh_period_days} 天）",
                before={"last_published_at": item.last_published_at.isoformat()},
                after={"due": due.isoformat()},
                at=now,
            )
            flagged.append(item.id)
        db.session.commit()
        return flagged


def sqlite_path(url: str) -> Path | None:
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url in ("sqlite://", "sqlite:///:memory:"):
        return None
    return Path(url[len(prefix) :])


def backup_database(app, now: datetime) -> Path | None:
    """A copy of the database (SQLite: an online copy by the backup API;
    PostgreSQL: pg_dump, cluster/backup.py) and an archive of the uploads,
    keeping the newest N of each."""
    from cluster.backup import archive_uploads, dump_postgres, prune

    url = app.config["SQLALCHEMY_DATABASE_URI"]
    source = sqlite_path(url)
    if source is None and not url.startswith("postgresql"):
        log.info("backup skipped: neither a SQLite file nor PostgreSQL")
        return None
    settings = app.config["SUNLIGHT"]["backup"]
    folder = Path(settings["folder"])
    if not folder.is_absolute():
        folder = Path(app.root_path) / folder
    private_dir(folder)
    with app.app_context():
        stamp = local(now).strftime("%Y%m%d-%H%M%S")
    if source is None:
        target = dump_postgres(url, folder, stamp)
    else:
        target = folder / f"sunlight-{stamp}.db"
        partial = target.with_suffix(".db.part")
        create_private(partial)  # 0600 before SQLite writes a page into it
        src = sqlite3.connect(source, timeout=30)
        try:
            dst = sqlite3.connect(partial)
            try:
                src.backup(dst, pages=1024)
            finally:
                dst.close()
        finally:
            src.close()
        partial.replace(target)
    archive_uploads(Path(app.config["UPLOAD_FOLDER"]), folder, stamp)
    keep = max(1, int(settings["keep"]))
    for pattern in ("sunlight-*.db", "sunlight-*.dump", "uploads-*.tar.gz"):
        prune(folder, pattern, keep)
    with app.app_context():
        ledger.record(db.session, "system.backup", summary=target.name, at=now)
        db.session.commit()
    return target


# -- the scheduler -------------------------------------------------------------


def runner(app, func: Callable, leadership: Leadership) -> Callable[[], None]:
    """``func`` as a job: run only while ``leadership`` holds the lead, asked just before."""

    def run() -> None:
        if not leadership.leads():
            return  # another node leads and runs this job
        clock = services(app).clock
        try:
            func(app, clock.now())
        except Exception:  # a failed run must not kill the scheduler thread
            log.exception("scheduled job %s failed", getattr(func, "__name__", func))

    return run


def add_interval_job(name: str, func: Callable, minutes: int) -> None:
    """Run ``func(app, now)`` every ``minutes``, first soon after start.

    May be called before or after start_scheduler; registering a name twice
    replaces the job.
    """
    with _lock:
        _interval_jobs[name] = (func, minutes)
        if _scheduler is not None:
            _schedule_interval(_scheduler, _scheduler_app, _leadership, name, func, minutes)


def add_daily_job(name: str, func: Callable, hour: int, minute: int = 0) -> None:
    """Run ``func(app, now)`` every day at hour:minute in the hall's time zone.

    May be called before or after start_scheduler; registering a name twice
    replaces the job.
    """
    with _lock:
        _daily_jobs[name] = (func, hour, minute)
        if _scheduler is not None:
            _schedule_daily(_scheduler, _scheduler_app, _leadership, name, func, hour, minute)


def _schedule(scheduler, app, leadership, name, func, trigger: str, **when) -> None:
    scheduler.add_job(
        runner(app, func, leadership),
        trigger,
        id=name,
        replace_existing=True,
        coalesce=True,
        **when,
    )


def _schedule_interval(scheduler, app, leadership, name, func, minutes) -> None:
    # Soon after start (not during it), then every interval.
    first = datetime.now().astimezone() + timedelta(seconds=30)
    _schedule(
        scheduler,
        app,
        leadership,
        name,
        func,
        "interval",
        minutes=minutes,
        max_instances=1,
        next_run_time=first,
    )


def _schedule_daily(scheduler, app, leadership, name, func, hour, minute) -> None:
    _schedule(
        scheduler,
        app,
        leadership,
        name,
        func,
        "cron",
        hour=hour,
        minute=minute,
        misfire_grace_time=3600,
    )


def build_scheduler(app, leadership: Leadership):
    """A scheduler (not started) with every registered job, each gated by ``leadership``."""
    from apscheduler.schedulers.background import BackgroundScheduler

    zone = app.config["SUNLIGHT"]["hall"]["timezone"]
    scheduler = BackgroundScheduler(timezone=zone, daemon=True)
    for name, (func, minutes) in _interval_jobs.items():
        _schedule_interval(scheduler, app, leadership, name, func, minutes)
    for name, (func, hour, minute) in _daily_jobs.items():
        _schedule_daily(scheduler, app, leadership, name, func, hour, minute)
    return scheduler


def start_scheduler(app):
    """Start this process's scheduler once, with the jobs registered so far;
    a second call returns the running one.

    Every node runs one; on PostgreSQL only the node that holds the lead runs
    the jobs (operations/leadership.py), on SQLite this process does.
    """
    global _scheduler, _scheduler_app, _leadership
    with _lock:
        if _scheduler is not None:
            return _scheduler
        leadership = Leadership(app).start()
        scheduler = build_scheduler(app, leadership)
        scheduler.start()
        _scheduler, _scheduler_app, _leadership = scheduler, app, leadership
        app.extensions["sunlight.leadership"] = leadership
        log.info("scheduler started with jobs %s", [j.id for j in scheduler.get_jobs()])
        return scheduler


def stop_scheduler() -> None:
    """Stop the scheduler and give up the lead (tests that started one, clean shutdowns)."""
    global _scheduler, _scheduler_app, _leadership
    with _lock:
        if _scheduler is not None:
            _scheduler.shutdown(wait=False)
            _leadership.stop()
        _scheduler = _scheduler_app = _leadership = None
