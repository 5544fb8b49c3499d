"""Scheduled jobs run once across nodes: the holder of a PostgreSQL advisory lock
leads, another node takes over when it dies, and a node that lost the lock runs
nothing more. Real PostgreSQL; two nodes as two apps, and as two `run.py serve`
processes."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import select

from content_feed.db import db
from content_feed.models import LedgerEntry
from operations import scheduler
from operations.leadership import Leadership
from tests.nodes.conftest import dispose, node_app, serve

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("nodes")]

RETRY = 0.3


def _until(check, seconds: float) -> float:
    """Seconds it took ``check()`` to hold; fails after ``seconds``."""
    start = time.monotonic()
    while not check():
        assert time.monotonic() - start < seconds, "not within the time allowed"
        time.sleep(0.02)
    return time.monotonic() - start


def _leader_entries(app) -> list[str]:
    with app.app_context():
        rows = db.session.execute(
            select(LedgerEntry.summary)
            .where(LedgerEntry.action == "system.leader")
            .order_by(LedgerEntry.id)
        )
        summaries = list(rows.scalars())
        db.session.remove()
        return summaries


def _terminate(url: str, pid: int) -> None:
    plain = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        assert conn.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone()[0]


@pytest.fixture
def two_nodes(tmp_path, postgres_url):
    apps = [node_app(tmp_path, postgres_url, name) for name in ("a", "b")]
    leads = []
    yield apps, leads
    for lead in leads:
        lead.stop()
    dispose(*apps)


def test_one_node_leads_and_another_takes_over_when_its_session_dies(two_nodes, postgres_url):
    (app_a, app_b), leads = two_nodes
    a = Leadership(app_a, node="A", retry_seconds=RETRY).start()
    leads.append(a)
    b = Leadership(app_b, node="B", retry_seconds=RETRY).start()
    leads.append(b)
    assert a.leads() and not b.leads()
    time.sleep(3 * RETRY)  # B keeps trying and keeps failing
    assert a.leads() and not b.leads()
    assert _leader_entries(app_a) == ["节点 A 接管定时任务"]

    ran = []
    job_a = scheduler.runner(app_a, lambda app, now: ran.append("A"), a)
    job_b = scheduler.runner(app_b, lambda app, now: ran.append("B"), b)
    job_a(), job_b()
    assert ran == ["A"]

    # A's session ends under it (a crash, a network cut, an operator).
    _terminate(postgres_url, a.backend_pid)
    job_a()  # the check before the run finds the lock gone at once
    assert ran == ["A"] and not a.leads()
    took = _until(b.leads, 10 * RETRY)
    assert took <= 2 * RETRY + 1.0  # one retry interval, and a loaded machine's slack
    job_a(), job_b()
    assert ran == ["A", "B"]
    time.sleep(5 * RETRY)  # A tries again (after its quiet time), and B holds
    job_a()
    assert ran == ["A", "B"] and not a.leads()
    assert _leader_entries(app_a) == ["节点 A 接管定时任务", "节点 B 接管定时任务"]

    # B shuts down cleanly: its connection closes and A leads again.
    b.stop()
    _until(a.leads, 10 * RETRY)
    assert not b.leads()


def test_a_job_scheduled_on_both_nodes_runs_once(two_nodes):
    (app_a, app_b), leads = two_nodes
    ran = []
    schedulers = []
    at = datetime.now().astimezone() + timedelta(seconds=2)
    try:
        for app, name in ((app_a, "A"), (app_b, "B")):
            lead = Leadership(app, node=name, retry_seconds=RETRY).start()
            leads.append(lead)
            s = scheduler.build_scheduler(app, lead)
            # Every node schedules every job; the same one-off job on both.
            s.add_job(
                scheduler.runner(app, lambda app, now, name=name: ran.append(name), lead),
                "date",
                run_date=at,
                id="once",
                misfire_grace_time=60,  # a busy machine starting late still runs it
            )
            assert {"archive_closed_items", "flag_stale_items", "backup_database"} <= {
                job.id for job in s.get_jobs()
            }
            s.start()
            schedulers.append(s)
        _until(lambda: ran, 5)
        time.sleep(0.5)  # the other node's run, had there been one, is done by now
        assert ran == ["A"]
    finally:
        for s in schedulers:
            s.shutdown(wait=False)


def _serve(tmp_path: Path, url: str, name: str):
    settings = {
        "SUNLIGHT_DATABASE_URL": url,
        "SUNLIGHT_SCHEDULER_LEAD_RETRY_SECONDS": str(RETRY),
        "SUNLIGHT_DISPLAY_PUSH_ENABLED": "false",
    }
    return serve(tmp_path, name, settings)


def test_a_hung_leader_loses_the_lead_within_its_lease(tmp_path, postgres_url):
    """SIGSTOP: the socket stays open and the kernel answers keep-alives, yet
    PostgreSQL ends the idle session after the lease and the other node leads;
    the hung one, resumed, runs nothing."""
    import os
    import signal

    app = node_app(tmp_path, postgres_url, "migrate")
    first = _serve(tmp_path, postgres_url, "a")
    second = None
    try:
        second = _serve(tmp_path, postgres_url, "b")
        _until(lambda: len(_leader_entries(app)) == 1, 10)
        leader = first if f":{first.proc.pid} " in _leader_entries(app)[0] else second
        other = second if leader is first else first
        os.kill(leader.proc.pid, signal.SIGSTOP)
        try:
            took = _until(lambda: len(_leader_entries(app)) == 2, 15)
        finally:
            os.kill(leader.proc.pid, signal.SIGCONT)
        assert f":{other.proc.pid} " in _leader_entries(app)[1]
        assert took < 3.0 + 4 * RETRY + 3.0  # the lease, one retry, a loaded machine
    finally:
        for node in (first, second):
            if node is not None:
                node.stop()
        dispose(app)


def test_killed_leader_process_hands_over(tmp_path, postgres_url):
    """`run.py serve` twice on one database, no flag: one leads; kill -9 it, the other leads."""
    app = node_app(tmp_path, postgres_url, "migrate")  # the schema, and the ledger to read
    first = _serve(tmp_path, postgres_url, "a")
    second = None
    try:
        second = _serve(tmp_path, postgres_url, "b")
        time.sleep(3 * RETRY)  # the second keeps trying
        [entry] = _leader_entries(app)
        assert f":{first.proc.pid} " in entry
        first.kill()  # SIGKILL: no clean shutdown
        _until(lambda: len(_leader_entries(app)) == 2, 30)
        assert f":{second.proc.pid} " in _leader_entries(app)[1]
    finally:
        for node in (first, second):
            if node is not None:
                node.stop()
        dispose(app)
