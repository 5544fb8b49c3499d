"""Scheduler jobs, called directly with the fixed clock; the scheduler starts once."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from content_feed.db import db
from content_feed.models import Item, LedgerEntry
from operations import scheduler
from tests.builders import publish_item
from tests.conftest import reconfigure


def test_archive_closed_items(app, clock):
    closing = publish_item(clock.now(), "到期公示", valid_until=clock.now() + timedelta(days=1))
    lasting = publish_item(clock.now(), "长期公开")
    assert scheduler.archive_closed_items(app, clock.now()) == []
    clock.advance(days=1)
    assert scheduler.archive_closed_items(app, clock.now()) == [closing.id]
    db.session.expire_all()
    assert db.session.get(Item, closing.id).state == "archived"
    assert db.session.get(Item, lasting.id).state == "published"
    entry = db.session.execute(
        select(LedgerEntry).where(LedgerEntry.action == "item.archive")
    ).scalar_one()
    assert entry.actor_name == "系统" and entry.actor_id is None
    assert scheduler.archive_closed_items(app, clock.now()) == []


def test_flag_stale_items_once_per_period(app, clock):
    item = publish_item(clock.now(), "季度财务", timeliness="periodic", refresh_period_days=90)
    assert scheduler.flag_stale_items(app, clock.now()) == []
    clock.advance(days=91)
    assert scheduler.flag_stale_items(app, clock.now()) == [item.id]
    clock.advance(hours=1)
    assert scheduler.flag_stale_items(app, clock.now()) == []
    stale = db.session.execute(
        select(LedgerEntry).where(LedgerEntry.action == "item.stale")
    ).scalars()
    assert len(list(stale)) == 1


def test_backup_keeps_the_last_n(app, clock, tmp_path):
    publish_item(clock.now(), "备份前的事项")
    reconfigure(app, backup={"keep": 2})
    made = []
    for _ in range(3):
        made.append(scheduler.backup_database(app, clock.now()))
        clock.advance(days=1)
    folder = Path(app.config["SUNLIGHT"]["backup"]["folder"])
    kept = sorted(p.name for p in folder.glob("sunlight-*.db"))
    assert kept == [made[1].name, made[2].name]
    with sqlite3.connect(made[2]) as conn:
        titles = [r[0] for r in conn.execute("SELECT title FROM item")]
    assert titles == ["备份前的事项"]
    assert not list(folder.glob("*.part"))


def test_scheduler_starts_once_and_takes_daily_jobs(app):
    calls = []
    try:
        first = scheduler.start_scheduler(app)
        assert scheduler.start_scheduler(app) is first
        scheduler.add_daily_job("inquiry_reminders", lambda a, now: calls.append(now), 8, 30)
        ids = {job.id for job in first.get_jobs()}
        assert {
            "archive_closed_items",
            "flag_stale_items",
            "backup_database",
            "inquiry_reminders",
        } <= ids
        job = first.get_job("inquiry_reminders")
        assert "hour='8'" in str(job.trigger) and "minute='30'" in str(job.trigger)
        # SQLite is one node: this process leads, with no lock and no thread.
        lead = app.extensions["sunlight.leadership"]
        assert lead.leads() and lead.leading and lead._thread is None
    finally:
        scheduler.stop_scheduler()
        scheduler._daily_jobs.pop("inquiry_reminders", None)
    assert scheduler._scheduler is None
