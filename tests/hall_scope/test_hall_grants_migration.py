"""The hall-grants migration: existing drafts get their halls on the item, so a
hall's staff find them; published items keep theirs as they were."""

import json

from flask_migrate import upgrade

from app import create_app
from content_feed.clock import FixedClock
from content_feed.db import db
from tests.conftest import FIXED_NOW, settings_for


def insert_row(table: str, **values) -> int:
    """A row with ``values`` and a plain value in every other NOT NULL column."""
    plain = {"INTEGER": 0, "BOOLEAN": 0, "DATETIME": "2026-01-01 00:00:00", "JSON": "[]"}
    for _, name, kind, notnull, default, pk in db.session.execute(
        db.text(f"PRAGMA table_info({table})")
    ):
        if notnull and default is None and not pk and name not in values:
            values[name] = plain.get(kind.split("(")[0].upper(), "")
    columns = ", ".join(values)
    marks = ", ".join(f":{k}" for k in values)
    return db.session.execute(
        db.text(f"INSERT INTO {table} ({columns}) VALUES ({marks}) RETURNING id"), values
    ).scalar_one()


def test_unpublished_drafts_get_their_halls_and_nothing_else_moves(tmp_path):
    settings = settings_for(tmp_path)
    settings["database"]["url"] = f"sqlite:///{tmp_path / 'm.db'}"
    app = create_app(
        settings, clock=FixedClock(FIXED_NOW), environ={}, instance_path=str(tmp_path / "i")
    )
    folder = app.extensions["migrate"].directory
    with app.app_context():
        upgrade(directory=folder, revision="0002_security")
        # Rows as the code before this migration wrote them, in SQL: the models
        # are today's and have columns later migrations add.
        a = insert_row("hall", code="a", name="A")
        b = insert_row("hall", code="b", name="B")
        cat = insert_row("category", code="c", name="C", domain="党务公开")
        for state, hall_ids, linked in (
            ("unpublished", [b], []),
            ("published", [a, b], [a]),
        ):
            item = insert_row("item", title="t", domain="党务公开", category_id=cat, state=state)
            for hall in linked:
                db.session.execute(
                    db.text("INSERT INTO item_hall (item_id, hall_id) VALUES (:i, :h)"),
                    {"i": item, "h": hall},
                )
            insert_row(
                "item_revision",
                item_id=item,
                number=1,
                title="t",
                domain="党务公开",
                category_id=cat,
                hall_ids=json.dumps(hall_ids),
            )
        db.session.commit()
        upgrade(directory=folder)
        run = db.session.execute
        links = run(db.text("SELECT item_id, hall_id FROM item_hall ORDER BY 1, 2")).all()
        # The draft is in hall 2 now; the published item keeps what the public sees.
        assert [tuple(r) for r in links] == [(1, 2), (2, 1)]
        assert run(db.text("SELECT count(*) FROM hall_grant")).scalar() == 0
        db.engine.dispose()
