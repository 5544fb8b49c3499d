"""Several nodes on one PostgreSQL and one Redis: real servers, started once per
xdist worker (every test here is in the xdist group "scale", so one worker
runs them all), a fresh database per test."""

from __future__ import annotations

import itertools

import psycopg
import pytest

from tests.conftest import FIXED_NOW, free_port, settings_for

_names = itertools.count()


@pytest.fixture(scope="session")
def postgres_server():
    from tests.postgres_server import PostgresServer

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
    from tests.redis_server import RedisServer

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
