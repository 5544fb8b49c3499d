"""The hall rule on real PostgreSQL (the migrated schema): the same SQL filters,
the ledger's text ids compared with the rows' integer ids."""

from __future__ import annotations

import pytest

from content_feed.db import db
from content_feed.models import Hall
from tests.builders import hall_world, make_hall_user
from tests.conftest import FIXED_NOW, login
from tests.test_migrations_and_postgres import migrated_app


@pytest.mark.slow
def test_a_hall_user_on_postgresql_sees_their_hall_only(tmp_path, postgres_url):
    app = migrated_app(tmp_path, postgres_url)
    app.config["WTF_CSRF_ENABLED"] = False
    with app.app_context():
        east = hall_world(FIXED_NOW, "dongcheng", "东城")
        west = hall_world(FIXED_NOW, "xicheng", "西城")
        make_hall_user("east-staff", {db.session.get(Hall, east["hall"]): "approver handler"})
        db.session.remove()
        client = app.test_client()
        assert login(client, "east-staff").status_code == 302
        for path in ("/admin/items", "/admin/ledger", "/admin/feedback/?state=all", "/admin/"):
            page = client.get(path).get_data(as_text=True)
            assert "东城" in page or path == "/admin/", path
            assert "西城" not in page, path
        assert client.get(f"/admin/items/{west['item']}").status_code == 404
        assert client.post(f"/admin/slogans/{west['slogan']}/withdraw").status_code == 404
        db.session.remove()
        db.engine.dispose()
