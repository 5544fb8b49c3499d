"""Migrations build the schema the models describe, on SQLite and on real PostgreSQL."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import inspect

from app import create_app, load_demo
from content_feed.clock import FixedClock
from content_feed.db import db
from content_feed.models import FeedState
from tests.conftest import FIXED_NOW, settings_for


def migrated_app(tmp_path, url: str):
    settings = settings_for(tmp_path)
    settings["database"]["url"] = url
    app = create_app(
        settings, clock=FixedClock(FIXED_NOW), environ={}, instance_path=str(tmp_path / "instance")
    )
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
    return app


def assert_schema_matches_models(app):
    with app.app_context(), db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    assert diff == [], f"models and migrations differ: {diff}"


def test_sqlite_migrations_match_models(tmp_path):
    app = migrated_app(tmp_path, f"sqlite:///{tmp_path / 'm.db'}")
    assert_schema_matches_models(app)
    with app.app_context():
        assert db.session.get(FeedState, 1).version == 1
        mode = db.session.execute(db.text("PRAGMA journal_mode")).scalar()
        assert mode == "wal"
        assert db.session.execute(db.text("PRAGMA foreign_keys")).scalar() == 1
        db.engine.dispose()


def test_migrations_have_one_head():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from app import PROJECT_ROOT

    config = Config()
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


@pytest.mark.slow
def test_postgresql_end_to_end(tmp_path, postgres_url):
    """Upgrade, load the demo and serve the feed on PostgreSQL by URL alone."""
    app = migrated_app(tmp_path, postgres_url)
    assert_schema_matches_models(app)
    with app.app_context():
        assert "item" in inspect(db.engine).get_table_names()
        load_demo(db.session, FIXED_NOW)
        client = app.test_client()
        items = client.get("/api/v1/items?per_page=100").get_json()
        assert items["total"] >= 30
        titles = {i["title"] for i in items["items"]}
        assert "党组民主生活会情况通报" not in titles  # party scope stays hidden
        etag = client.get("/api/v1/items").headers["ETag"]
        assert client.get("/api/v1/items", headers={"If-None-Match": etag}).status_code == 304
        for url in (
            "/api/v1/catalogue",
            "/api/v1/guides",
            "/api/v1/meetings",
            "/api/v1/slogans",
            "/feed.atom",
        ):
            assert client.get(url).status_code == 200, url
        db.session.remove()
        db.engine.dispose()
