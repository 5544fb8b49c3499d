"""Several nodes on one PostgreSQL and one Redis: real servers, started once per
xdist worker (every test here is in the xdist group "nodes", so one worker
runs them all), a fresh database per test."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
import requests

from tests.conftest import FIXED_NOW, free_port, settings_for

_names = itertools.count()
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def postgres_server():
    from deploy.services import PostgresServer

    server = PostgresServer(free_port())
    url = server.start()
    yield url
    server.stop()


@pytest.fixture
def postgres_url(postgres_server):
    """A new empty database on the shared server, for this test alone."""
    name = f"node_test_{next(_names)}"
    plain = postgres_server.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return postgres_server.rsplit("/", 1)[0] + f"/{name}"


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


class Node:
    """A node as `run.py serve` on a free port, ready once it answers (by then its
    scheduler, unless --no-scheduler, has made its first try for the lead)."""

    def __init__(self, tmp_path: Path, name: str, settings: dict[str, str], *args: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("SUNLIGHT_")},
            "SUNLIGHT_SECURITY_SECRET_KEY": "test-secret",
            "SUNLIGHT_BACKUP_FOLDER": str(tmp_path / name / "backups"),
            "PYTHONUNBUFFERED": "1",
            **settings,
        }
        self.proc = subprocess.Popen(
            [sys.executable, "run.py", "serve", "--host", "127.0.0.1", "--port", str(self.port)]
            + list(args),
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 90
        while True:
            assert self.proc.poll() is None, f"node {name} exited"
            assert time.monotonic() < deadline, f"node {name} did not answer"
            try:
                if requests.get(f"{self.url}/api/v1/halls", timeout=2).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.1)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(20)
