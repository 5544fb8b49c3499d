"""Counters that must hold across nodes: rate limits in one Redis, sign-in
lockouts in the database. Real Redis and PostgreSQL; nodes as `run.py serve`
processes (each has its own Flask-Limiter, as in a deployment) or as two apps."""

from __future__ import annotations

import re
import time

import pytest
import requests
from sqlalchemy import select

from content_feed.db import db
from content_feed.models import Inquiry, LoginLock
from tests.builders import PASSWORD, staff
from tests.conftest import free_port
from tests.kiosk.conftest import question
from tests.nodes.conftest import dispose, load_demo_hall, node_app, serve
from tests.security.conftest import KIOSK_TOKEN

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("nodes")]

LIMIT = 4  # kiosk submissions per terminal per minute, for these tests
LOGIN_LIMIT = 30  # admin/views/auth.py LOGIN_RATE


@pytest.fixture
def nodes(tmp_path):
    started = []

    def start(database: str, storage: str):
        settings = {
            "SUNLIGHT_DATABASE_URL": database,
            "SUNLIGHT_RATE_LIMITS_STORAGE_URL": storage,
            "SUNLIGHT_FEEDBACK_RATE_LIMIT_PER_MINUTE": str(LIMIT),
        }
        load_demo_hall(settings)
        started.append(serve(tmp_path, "a", settings, scheduler=False))
        started.append(serve(tmp_path, "b", settings, scheduler=False))
        return started[-2], started[-1]

    yield start
    for node in started:
        node.stop()


def _alternate(first, second, count: int) -> list[int]:
    """``count`` requests, alternately by ``first()`` and ``second()``; their status codes."""
    return [(first if n % 2 == 0 else second)().status_code for n in range(count)]


def _submitter(node):
    def submit() -> requests.Response:
        url = f"{node.url}/api/v1/inquiries"
        return requests.post(url, json=question(), headers=KIOSK_TOKEN, timeout=10)

    return submit


def _signer(node):
    """Wrong passwords to ``node``, past its CSRF protection (the limit counts in the view)."""
    browser = requests.Session()
    page = browser.get(f"{node.url}/admin/login", timeout=10).text
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    data = {"username": "nobody", "password": "wrong-password-x", "csrf_token": csrf}

    def sign_in() -> requests.Response:
        return browser.post(f"{node.url}/admin/login", data=data, timeout=10)

    return sign_in


def test_rate_limits_hold_across_two_nodes_on_one_redis(nodes, postgres_url, redis_url):
    a, b = nodes(postgres_url, redis_url)
    codes = _alternate(_submitter(a), _submitter(b), LIMIT + 2)
    assert codes == [201] * LIMIT + [429, 429]
    refused = _submitter(a)()
    assert int(refused.headers["Retry-After"]) > 0
    assert "提交过于频繁" in refused.json()["detail"]
    # The sign-in limit (Flask-Limiter's decorator) counts in the same Redis.
    codes = _alternate(_signer(a), _signer(b), LOGIN_LIMIT + 2)
    assert codes == [200] * LOGIN_LIMIT + [429, 429]


def test_memory_counters_are_per_node(nodes, postgres_url):
    """Why Redis: with the default memory:// each node has a budget of its own."""
    a, b = nodes(postgres_url, "memory://")
    codes = _alternate(_submitter(a), _submitter(b), 2 * LIMIT + 2)
    assert codes == [201] * (2 * LIMIT) + [429, 429]


def test_with_redis_down_submissions_are_taken_and_limited_per_node(tmp_path):
    """No 500 and no lost submission while Redis is unreachable: each node counts in memory."""
    from app import load_demo
    from content_feed.clock import SystemClock
    from tests.conftest import build_app

    gone = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    app = build_app(
        tmp_path,
        SystemClock(),
        rate_limits={"storage_url": gone},
        feedback={"rate_limit_per_minute": LIMIT},
    )
    with app.app_context():
        load_demo(db.session, SystemClock().now())
        app.config["WTF_CSRF_ENABLED"] = False
        client = app.test_client()
        codes = [
            client.post("/api/v1/inquiries", json=question(), headers=KIOSK_TOKEN).status_code
            for _ in range(LIMIT + 1)
        ]
        assert codes == [201] * LIMIT + [429]
        assert len(db.session.execute(select(Inquiry)).all()) == LIMIT
        data = {"username": "nobody", "password": "wrong-password-x"}
        signs = [client.post("/admin/login", data=data).status_code for _ in range(LOGIN_LIMIT + 1)]
        assert signs == [200] * LOGIN_LIMIT + [429]
        db.session.remove()
        db.engine.dispose()


def test_counting_goes_back_to_redis_when_it_answers_again(tmp_path, monkeypatch):
    import redis

    from app import load_demo
    from content_feed.clock import SystemClock
    from deploy.services import RedisServer
    from tests.conftest import build_app
    from web import rate_limits

    monkeypatch.setattr(rate_limits, "RETRY_SECONDS", 0.2)
    server = RedisServer(free_port())
    server.start()
    app = build_app(tmp_path, SystemClock(), rate_limits={"storage_url": server.url})
    client = redis.Redis.from_url(server.url)
    try:
        with app.app_context():
            load_demo(db.session, SystemClock().now())
            kiosk = app.test_client()

            def submit():
                return kiosk.post("/api/v1/inquiries", json=question(), headers=KIOSK_TOKEN)

            assert submit().status_code == 201 and client.dbsize() == 1
            server.stop()
            assert submit().status_code == 201  # counted in memory meanwhile
            server = RedisServer(server.port)
            server.start()  # empty: a restarted Redis forgets its counters
            time.sleep(0.3)
            assert submit().status_code == 201 and client.dbsize() == 1
            db.session.remove()
            db.engine.dispose()
    finally:
        client.close()
        server.stop()


def test_sign_in_lockout_holds_across_two_nodes_on_one_postgresql(tmp_path, postgres_url):
    """Lockouts are rows (login_lock) in the shared database: no node forgets them."""
    app_a = node_app(tmp_path, postgres_url, "a")
    app_b = node_app(tmp_path, postgres_url, "b")
    try:
        with app_a.app_context():
            staff()
            db.session.commit()
            db.session.remove()
        clients = []
        for app in (app_a, app_b):
            app.config["WTF_CSRF_ENABLED"] = False
            clients.append(app.test_client())
        wrong = {"username": "admin", "password": "wrong-password-x"}
        right = {"username": "admin", "password": PASSWORD}
        max_failures = app_a.config["SUNLIGHT"]["security"]["login_max_failures"]
        for n in range(max_failures):  # split over both nodes
            assert clients[n % 2].post("/admin/login", data=wrong).status_code == 200
        for client in clients:  # locked on both, the right password included
            response = client.post("/admin/login", data=right)
            assert response.status_code == 200 and "用户名或密码错误" in response.text
        with app_b.app_context():
            [lock] = db.session.execute(select(LoginLock)).scalars().all()
            assert lock.locked_until is not None
            db.session.remove()
    finally:
        dispose(app_a, app_b)


def test_failures_on_both_nodes_at_once_are_all_counted(tmp_path, postgres_url):
    """Wrong passwords at the same moment on two nodes: each one counted, none a 500."""
    import threading

    many = {"login_max_failures": 1000}  # no lock: the count itself is under test
    app_a = node_app(tmp_path, postgres_url, "a", security=many)
    app_b = node_app(tmp_path, postgres_url, "b", security=many)
    try:
        with app_a.app_context():
            staff()
            db.session.commit()
            db.session.remove()
        codes: list[int] = []
        start = threading.Barrier(4)

        def guess(app) -> None:
            app.config["WTF_CSRF_ENABLED"] = False
            client = app.test_client()
            start.wait()
            for _ in range(7):  # 28 in all, within the sign-in rate limit
                data = {"username": "admin", "password": "wrong-password-x"}
                codes.append(client.post("/admin/login", data=data).status_code)

        threads = [threading.Thread(target=guess, args=(app,)) for app in (app_a, app_b) * 2]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert codes == [200] * 28
        with app_b.app_context():
            [lock] = db.session.execute(select(LoginLock)).scalars().all()
            assert lock.failures == 28
            db.session.remove()
    finally:
        dispose(app_a, app_b)
