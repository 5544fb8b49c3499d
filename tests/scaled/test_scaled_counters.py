"""The scaled deployment runs its jobs on one node and counts rate limits in its
Redis: the same cluster as test_scaled.py (real PostgreSQL, Redis, two nodes
started without any flag, nginx with Nchan)."""

from __future__ import annotations

import time

import pytest
import requests
from sqlalchemy import create_engine, select

from content_feed.models import LedgerEntry

pytestmark = pytest.mark.xdist_group("scaled")


def _leaders(cluster) -> list[str]:
    engine = create_engine(cluster.database_url)
    with engine.connect() as conn:
        rows = conn.execute(
            select(LedgerEntry.summary)
            .where(LedgerEntry.action == "system.leader")
            .order_by(LedgerEntry.id)
        )
        summaries = list(rows.scalars())
    engine.dispose()
    return summaries


def _leading_node(cluster, summary: str):
    [node] = [n for n in cluster.nodes if n.alive() and f":{n.proc.pid} " in summary]
    return node


def test_one_node_runs_the_jobs_and_another_takes_over_when_it_is_killed(running):
    leader = _leading_node(running, _leaders(running)[-1])
    before = len(_leaders(running))
    leader.kill()
    retry = 5.0  # scheduler.lead_retry_seconds, the default the nodes run with
    deadline = time.monotonic() + 3 * retry
    while len(_leaders(running)) == before:
        assert time.monotonic() < deadline, "no node took the lead"
        time.sleep(0.2)
    successor = _leading_node(running, _leaders(running)[-1])
    assert successor is not leader


def test_the_receipt_lookup_limit_holds_across_the_nodes_behind_nginx(running):
    """nginx spreads the look-ups over both nodes; Redis counts them once."""
    limit = 20  # feedback.receipt_lookups_per_minute, per client address
    codes = [
        requests.get(f"{running.nginx.url}/api/v1/inquiries/Q-0000-0000", timeout=10).status_code
        for _ in range(limit + 2)
    ]
    assert codes == [404] * limit + [429, 429]
