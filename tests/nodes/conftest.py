"""Several nodes on one PostgreSQL and one Redis: real servers, started once per
xdist worker (every test here is in the xdist group "nodes", so one worker
runs them all), a fresh database per test."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXED_NOW, free_port, settings_for

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def redis_server():
    from deploy.services import RedisServer

    server = RedisServer(free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def redis_url(redis_server):
    """The shared Redis, emptied for this test."""
    import redis

    client = redis.Redis.from_url(redis_server.url)
    client.flushall()
    client.close()
    return redis_server.url


def node_app(tmp_path, url: str, name: str, clock=None, **extra):
    """One node: its own instance folder, the shared database (migrated once)."""
    from flask_migrate import upgrade

    from app import create_app
    from content_feed.clock import FixedClock
    from content_feed.versioning import ensure_feed_state

    settings = settings_for(tmp_path / name, **extra)
    settings["database"]["url"] = url
    app = create_app(
        settings,
        clock=clock or FixedClock(FIXED_NOW),
        environ={},
        instance_path=str(tmp_path / name / "instance"),
    )
    app.config["TESTING"] = True
    from content_feed.db import db

    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        ensure_feed_state(db.session)
        db.session.commit()
    return app


def dispose(*apps) -> None:
    from content_feed.db import db

    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def serve(tmp_path: Path, name: str, settings: dict[str, str], *, scheduler=True):
    """A node as `run.py serve` (deploy/services.py), up once it listens: by then its
    scheduler has made its first try for the lead. ``settings``: SUNLIGHT_* variables."""
    from deploy.services import Node

    instance = tmp_path / name / "instance"
    instance.mkdir(parents=True, mode=0o700)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("SUNLIGHT_")},
        "SUNLIGHT_INSTANCE": str(instance),
        "SUNLIGHT_SERVER_HOST": "127.0.0.1",
        "SUNLIGHT_SECURITY_SECRET_KEY": "test-secret",
        "SUNLIGHT_BACKUP_FOLDER": str(tmp_path / name / "backups"),
        **settings,
    }
    return Node(free_port(), env, scheduler=scheduler).start()


def load_demo_hall(settings: dict[str, str]) -> None:
    """The demo hall (its kiosk and token) into the nodes' database, as an operator would."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUNLIGHT_")}
    subprocess.run(
        [sys.executable, "run.py", "demo", "--if-empty"],
        cwd=ROOT,
        env={**env, **settings},
        check=True,
        capture_output=True,
        timeout=300,
    )
