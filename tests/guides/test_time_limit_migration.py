"""The migration carries guides over: N working days stay N 工作日, 0 becomes 当场办结;
materials and steps survive (no table copy on SQLite, whose foreign keys cascade);
revisions waiting for review and checked imports keep their limits. SQLite and
PostgreSQL."""

from __future__ import annotations

import json

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from content_feed.db import db
from content_feed.models import Guide, GuideImport, GuideRevision
from tests.test_migrations_and_postgres import assert_schema_matches_models, migrated_app

BEFORE = "0003_hall_grants"
NOW = "2026-12-01 08:00:00"


def _guide(conn, gid: int, code: str, statutory: int, promised: int) -> None:
    conn.execute(
        text(
            "INSERT INTO guide (id, name, code, kind, basis, implementing_body, conditions,"
            " statutory_days, promised_days, is_free, location, office_hours, consult_phone,"
            " complaint_phone, visits, online, online_url, keywords, summary, state,"
            " sort_order, created_at, updated_at) VALUES (:id, :name, :code, '', '', '', '',"
            " :s, :p, :t, '', '', '', '', 1, :f, '', '', '', 'published', 0, :now, :now)"
        ),
        {"id": gid, "name": f"事项{gid}", "code": code, "s": statutory, "p": promised}
        | {"t": True, "f": False, "now": NOW},
    )
    conn.execute(
        text(
            "INSERT INTO guide_material (guide_id, name, form, copies, necessity, source,"
            " notes, sort_order) VALUES (:g, '身份证', 'original', 1, 'required', '', '', 0)"
        ),
        {"g": gid},
    )


def _carry_over(tmp_path, url: str) -> None:
    app = migrated_app(tmp_path, url)  # at head: go back to before this branch
    with app.app_context():
        directory = app.extensions["migrate"].directory

        downgrade(directory=directory, revision=BEFORE)
        revision = {
            "fields": {"name": "事项1", "promised_days": 0, "statutory_days": 15},
            "rows": {"materials": [{"name": "身份证", "form": "original", "copies": 1}]},
        }
        plan = {
            "fields": ["name", "promised_days"],
            "records": [{"code": "N-3", "fields": {"promised_days": 7}, "rows": {}}],
        }
        with db.engine.begin() as conn:
            _guide(conn, 1, "OLD-1", 20, 0)
            _guide(conn, 2, "OLD-2", 0, 5)
            conn.execute(
                text(
                    "INSERT INTO guide_revision (id, guide_id, state, data, created_at,"
                    " updated_at) VALUES (1, 1, 'pending', :d, :now, :now)"
                ),
                {"d": json.dumps(revision, ensure_ascii=False), "now": NOW},
            )
            conn.execute(
                text(
                    "INSERT INTO guide_import (id, filename, mapping, state, progress_done,"
                    " progress_total, message, plan, created_at, updated_at)"
                    " VALUES (1, 'x.xlsx', '', 'checked', 0, 0, '', :p, :now, :now)"
                ),
                {"p": json.dumps(plan, ensure_ascii=False), "now": NOW},
            )
        upgrade(directory=directory)
        assert_schema_matches_models(app)
        first, second = (db.session.get(Guide, i) for i in (1, 2))
        assert (str(first.statutory), str(first.promised)) == ("20个工作日", "当场办结")
        assert (str(second.statutory), str(second.promised)) == ("当场办结", "5个工作日")
        assert first.statutory.working_days == 20 and second.promised.working_days == 5
        assert [m.name for m in first.materials] == ["身份证"]
        assert first.materials[0].deferrable is False
        data = db.session.get(GuideRevision, 1).data
        assert data["fields"] == {
            "name": "事项1",
            "promised": "当场办结",
            "statutory": "15个工作日",
        }
        assert data["rows"]["materials"][0]["deferrable"] is False
        job = db.session.get(GuideImport, 1)
        assert job.plan["fields"] == ["name", "promised"]
        assert job.plan["records"][0]["fields"] == {"promised": "7个工作日"}
        db.session.remove()
        db.engine.dispose()


def test_guides_are_carried_over_on_sqlite(tmp_path):
    _carry_over(tmp_path, f"sqlite:///{tmp_path / 'm.db'}")


@pytest.mark.slow
def test_guides_are_carried_over_on_postgresql(tmp_path, postgres_url):
    _carry_over(tmp_path, postgres_url)
