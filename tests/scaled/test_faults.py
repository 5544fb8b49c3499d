"""Screens through every fault of the scaled deployment (real nginx, nodes, PostgreSQL):
a screen that starts while every node is down starts from what nginx kept, even
with a token nginx never saw; a page nginx cannot give retries by itself; a hung
node leaves rotation within seconds; after a push, one request per answer and
version reaches a node; a node says whether it is healthy."""

from __future__ import annotations

import concurrent.futures
import os
import signal
import time
import uuid

import pytest
import requests

pytestmark = pytest.mark.xdist_group("scaled")

WALL = {"X-Terminal-Token": "demo-wall-token"}
PROGRAM = "/display/wall-1/program.json"


def test_every_node_answers_its_health_check(running):
    for node in running.nodes:
        r = requests.get(node.url + "/healthz", timeout=5)
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["status"] == "ok" and body["problems"] == [] and body["version"] > 0
        assert r.headers["Cache-Control"] == "no-store"


def test_after_a_push_one_request_per_answer_and_version_reaches_a_node(running):
    # A version no screen asked for yet: a key of its own in nginx's cache.
    pushed = {**WALL, "X-Sunlight-Version": str(10**9 + uuid.uuid4().int % 10**8)}

    def fetch(_):
        r = requests.get(running.nginx.url + PROGRAM, headers=pushed, timeout=10)
        return r.status_code, r.headers.get("X-Cache"), r.headers["ETag"]

    with concurrent.futures.ThreadPoolExecutor(20) as pool:
        results = list(pool.map(fetch, range(20)))
    assert {status for status, _, _ in results} == {200}
    assert [cache for _, cache, _ in results].count("MISS") == 1, results
    assert len({etag for _, _, etag in results}) == 1


def test_a_screen_starting_while_every_node_is_down_starts_from_what_nginx_kept(running):
    base = running.nginx.url
    # Provisioning visits: the page nginx keeps is the same without the token.
    wall = requests.get(base + "/display/wall-1?token=demo-wall-token", timeout=10)
    kiosk = requests.get(base + "/kiosk/kiosk-1?token=demo-kiosk-token&idle=5", timeout=10)
    assert wall.status_code == kiosk.status_code == 200
    assert "demo-wall-token" not in wall.text
    for node in running.nodes:
        node.kill()
    time.sleep(2.2)  # nginx's second of validity is over: only a stale copy is left
    # A wall provisioned with a token nginx never saw, and a kiosk, while every node is down.
    fresh = requests.get(base + "/display/wall-1?token=" + uuid.uuid4().hex, timeout=10)
    assert fresh.status_code == 200 and 'id="hall-name"' in fresh.text
    again = requests.get(base + "/kiosk/kiosk-1?idle=5&token=" + uuid.uuid4().hex, timeout=10)
    assert again.status_code == 200 and again.text == kiosk.text
    # A page nginx never kept: a page that tries again by itself, never cached.
    never = requests.get(base + "/display/wall-never-seen-" + uuid.uuid4().hex[:6], timeout=10)
    assert never.status_code == 502
    page = never.content.decode()
    assert "自动重试" in page and 'http-equiv="refresh"' in page
    assert never.headers["Cache-Control"] == "no-store"


def test_a_hung_node_leaves_rotation_within_seconds(running):
    hung = running.nodes[0]
    os.kill(hung.proc.pid, signal.SIGSTOP)
    took = []
    try:
        for n in range(8):
            # Each a new version: every request goes past the cache to a node.
            pushed = {**WALL, "X-Sunlight-Version": str(2 * 10**9 + n + uuid.uuid4().int % 10**6)}
            start = time.monotonic()
            r = requests.get(running.nginx.url + PROGRAM, headers=pushed, timeout=15)
            took.append(time.monotonic() - start)
            assert r.status_code == 200
    finally:
        os.kill(hung.proc.pid, signal.SIGCONT)
    # At most one request waits for the hung node (nginx's 5 s read timeout), the
    # next node answers it; then the hung node is out of rotation.
    assert sum(t > 1.5 for t in took) <= 1, took
    assert max(took) < 5 + 3, took
