"""Fixtures: a fresh app and SQLite database per test, a fixed clock, a live server."""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import os
import socket
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import g

from app import create_app
from config import freeze, thaw
from content_feed.clock import FixedClock, SystemClock
from content_feed.db import db
from content_feed.versioning import ensure_feed_state
from deploy.services import free_port
from tests import routing_cache

routing_cache.install()

# Screenshots and rendered frames go here, to be looked at.
OUTPUT_DIR = Path(__file__).resolve().parent.parent / "test-output"

# Tuesday 2026-11-17 10:00 in Shanghai: a working day, inside office hours.
FIXED_NOW = datetime(2026, 11, 17, 2, 0, tzinfo=UTC)


def _cost_rank(item) -> int:
    """Longest first: xdist hands tests out in collection order, so a long
    xdist group (a cluster of its own, minutes) handed out last keeps one
    worker busy while the other has nothing left."""
    if item.get_closest_marker("xdist_group"):
        return 0
    if item.get_closest_marker("browser") or item.get_closest_marker("slow"):
        return 1
    return 2


def pytest_collection_modifyitems(config, items):
    items.sort(key=_cost_rank)  # stable: the same order on every worker


def pytest_collection_finish(session):
    """The tests that start a cluster of their own share one xdist group so that
    one runs at a time. pytest-xdist marks a grouped test by renaming its node id
    (``…@scaled``); a pytest that reads the id from elsewhere (9.2 with xdist 3.8)
    silently drops every group, and two clusters then race for each other's ports.
    Such a test then fails at once, saying why (an error raised here would only
    crash the worker, and its message would be lost)."""
    config = session.config
    # On a worker, xdist passes ``--dist loadgroup`` on as its own ``loadgroup`` flag.
    if not (hasattr(config, "workerinput") and getattr(config.option, "loadgroup", False)):
        return
    message = (
        "pytest-xdist's loadgroup did not group this test: pytest and pytest-xdist "
        "versions that do not fit (see pyproject.toml)"
    )
    for item in session.items:
        if item.get_closest_marker("xdist_group") and "@" not in item.nodeid:
            item.setup = lambda: pytest.fail(message, pytrace=False)


def settings_for(tmp_path: Path, **extra) -> dict:
    settings = {
        "database": {"url": f"sqlite:///{tmp_path / 'sunlight.db'}"},
        "hall": {"public_base_url": "http://hall.example.test"},
        # Hundreds of staff passwords are hashed per run: a cheap method here only
        # (as cookiecutter-flask lowers bcrypt's rounds in its tests).
        "security": {"secret_key": "test-secret", "password_hash_method": "pbkdf2:sha256:1000"},
        "feed": {"version_ttl_seconds": 0.0},
        "backup": {"folder": str(tmp_path / "backups")},
    }
    for section, values in extra.items():
        settings.setdefault(section, {}).update(values)
    return settings


def reconfigure(app, **sections) -> None:
    """Change settings of an app built already, as an operator edits the file and
    restarts: the settings are frozen, so they are replaced, never changed in place.
    ``reconfigure(app, backup={"keep": 2})``."""
    settings = thaw(app.config["SUNLIGHT"])
    for section, values in sections.items():
        settings[section].update(values)
    frozen = freeze(settings)
    app.config["SUNLIGHT"] = frozen
    held = app.extensions["sunlight"]
    app.extensions["sunlight"] = dataclasses.replace(held, settings=frozen)


_schema_template: list[Path] = []


def _fresh_schema(database: Path) -> bool:
    """Put a copy of an empty database with the models' schema and the feed state at
    ``database`` (made once per process: creating some sixty tables cost every test
    a tenth of a second); False when a file is there already."""
    if database.exists() or not database.parent.is_dir():
        return False
    if not _schema_template:
        import atexit
        import shutil
        import tempfile

        folder = Path(tempfile.mkdtemp(prefix="sunlight-schema-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        template = create_app(
            settings_for(folder), environ={}, instance_path=str(folder / "instance")
        )
        with template.app_context():
            db.create_all()
            ensure_feed_state(db.session)
            db.session.remove()
            db.engine.dispose()
        _schema_template.append(folder / "sunlight.db")
    _copy_database(_schema_template[0], database)
    return True


def build_app(tmp_path: Path, clock=None, **extra):
    """A fresh app whose schema is made from the models (migrations have their own test)."""
    settings = settings_for(tmp_path, **extra)
    database = tmp_path / "sunlight.db"
    made = settings["database"]["url"] == f"sqlite:///{database}" and _fresh_schema(database)
    app = create_app(
        settings,
        clock=clock or FixedClock(FIXED_NOW),
        environ={},
        instance_path=str(tmp_path / "instance"),
    )
    app.config["TESTING"] = True

    # The ``app`` fixture keeps one app context pushed for the whole test and
    # requests reuse it, so ``g`` (where Flask-Login keeps the signed-in user)
    # would leak one client's user into the next. Start each request clean,
    # as a real server does.
    @app.before_request
    def _forget_previous_user():
        g.pop("_login_user", None)

    if not made:
        with app.app_context():
            db.create_all()
            ensure_feed_state(db.session)
    return app


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(FIXED_NOW)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    """The demo hall loaded once per worker at FIXED_NOW, into a file each test
    that wants it gets a copy of (the demo alone hashes seven passwords and
    writes hundreds of rows)."""
    from app import load_demo

    folder = tmp_path_factory.mktemp("demo-template")
    template = build_app(folder, FixedClock(FIXED_NOW))
    with template.app_context():
        load_demo(db.session, FIXED_NOW)
        db.session.remove()
        db.engine.dispose()
    return folder / "sunlight.db"


def _copy_database(source: Path, target: Path) -> None:
    import sqlite3

    with (
        contextlib.closing(sqlite3.connect(source)) as src,
        contextlib.closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst)


def _wants_demo_copy(request, clock) -> bool:
    return "demo_app" in request.fixturenames and clock.now() == FIXED_NOW


@pytest.fixture
def app(request, tmp_path, clock):
    if _wants_demo_copy(request, clock):
        _copy_database(request.getfixturevalue("demo_template"), tmp_path / "sunlight.db")
    app = build_app(tmp_path, clock)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def demo_app(request, app, clock):
    """The app with the demo hall loaded at the test's clock (a copy of the
    worker's demo database when that is FIXED_NOW)."""
    if not _wants_demo_copy(request, clock):
        from app import load_demo

        load_demo(db.session, clock.now())
    return app


@pytest.fixture
def csrf_off(app):
    """Tests that post console forms directly (CSRF has tests of its own)."""
    app.config["WTF_CSRF_ENABLED"] = False
    return app


@pytest.fixture
def people(app):
    """The staff accounts of ``tests.builders.staff``: role name → User."""
    from tests.builders import staff

    users = staff()
    db.session.commit()
    return users


def login(client, username: str, password: str | None = None):
    from tests.builders import PASSWORD

    return client.post(
        "/admin/login", data={"username": username, "password": password or PASSWORD}
    )


@pytest.fixture
def as_role(app, people, csrf_off):
    """as_role("reviewer") → a test client signed in as that role (CSRF off)."""
    clients = {}

    def make(role: str):
        if role not in clients:
            client = app.test_client()
            response = login(client, people[role].username)
            assert response.status_code == 302, response.data[:500]
            clients[role] = client
        return clients[role]

    return make


def wait_until(predicate, timeout: float = 5.0, step: float = 0.02):
    """Poll ``predicate`` until it gives something true (returned), or None at ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return None


class LiveServer:
    """A real waitress server on a free loopback port, in a thread of this process."""

    def __init__(self, app, port: int | None = None, **settings):
        self.app = app
        self.settings = {"threads": 8, "connection_limit": 1000, "channel_timeout": 30, **settings}
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server = None
        self._thread = None

    def start(self) -> LiveServer:
        from web.serving import create_server

        self._server = create_server(
            self.app,
            host="127.0.0.1",
            port=self.port,
            **self.settings,
        )
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        # As `run.py serve` does: heartbeats are written by the flusher.
        from content_feed.presence import Flusher

        self._flusher = Flusher(self.app, interval=0.5)
        self._flusher.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        # As a stopped process would: the listener and every open (keep-alive)
        # connection go at once. Closed from the server's own loop thread: from here,
        # a connection being accepted meanwhile would survive the sweep and go on
        # answering, and the listening socket would stay bound until the loop's poll
        # returned, up to a second, in which nothing can take the port over.
        server = self._server

        def close_everything():
            for channel in list(server._map.values()):
                if channel is not server and channel is not server.trigger:
                    channel.close()
            server.close()  # the listener and the trigger: the loop's map is empty

        server.trigger.pull_trigger(close_everything)
        self._thread.join(timeout=5)
        if self._thread.is_alive():
            raise RuntimeError(f"waitress on port {self.port} did not stop")
        self._server = None
        self._flusher.stop()


@contextlib.contextmanager
def never_answering(port: int):
    """Port ``port`` taken by a listener that never reads (a switch restarting, a node
    killed mid-answer): connections complete in the kernel's backlog and get no answer."""
    hole = socket.socket()
    hole.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    hole.bind(("127.0.0.1", port))
    hole.listen(128)
    try:
        yield
    finally:
        hole.close()


@pytest.fixture
def live_server(tmp_path):
    """A demo hall served by waitress on the real clock, with its own SQLite file."""
    from app import load_demo

    app = build_app(tmp_path, SystemClock())
    with app.app_context():
        load_demo(db.session, SystemClock().now())
    server = LiveServer(app).start()
    yield server
    server.stop()
    with app.app_context():
        db.engine.dispose()


CHROMIUM = os.environ.get("SUNLIGHT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (it cannot download its own here)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: run `make test` (installs chromium) or set SUNLIGHT_CHROMIUM"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def screenshot_dir() -> Path:
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    return OUTPUT_DIR


# -- PostgreSQL: one real server per xdist worker, a fresh database per test ----

_databases = itertools.count()


@pytest.fixture(scope="session")
def postgres_server():
    """A real PostgreSQL server (deploy/services.py), started on first use."""
    from deploy.services import PostgresServer

    server = PostgresServer(free_port())
    url = server.start()
    yield url
    server.stop()


@pytest.fixture
def postgres_url(postgres_server):
    """A new empty database on the shared server, for this test alone."""
    import psycopg

    name = f"test_{next(_databases)}"
    plain = postgres_server.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return postgres_server.rsplit("/", 1)[0] + f"/{name}"
