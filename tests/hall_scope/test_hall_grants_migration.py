"""The hall-grants migration: existing drafts get their halls on the item, so a
hall's staff find them; published items keep theirs as they were."""

from flask_migrate import upgrade

from app import create_app
from content_feed.clock import FixedClock
from content_feed.db import db
from content_feed.models import Category, Hall, Item, ItemRevision
from tests.conftest import FIXED_NOW, settings_for


def test_unpublished_drafts_get_their_halls_and_nothing_else_moves(tmp_path):
    settings = settings_for(tmp_path)
    settings["database"]["url"] = f"sqlite:///{tmp_path / 'm.db'}"
    app = create_app(
        settings, clock=FixedClock(FIXED_NOW), environ={}, instance_path=str(tmp_path / "i")
    )
    folder = app.extensions["migrate"].directory
    with app.app_context():
        upgrade(directory=folder, revision="0002_security")
        # Rows as the code before this migration wrote them (the schema until
        # then is the models' without hall_grant).
        a, b = Hall(code="a", name="A"), Hall(code="b", name="B")
        cat = Category(code="c", name="C", domain="党务公开")
        db.session.add_all([a, b, cat])
        db.session.flush()
        for state, hall_ids, linked in (
            ("unpublished", [b.id], []),
            ("published", [a.id, b.id], [a]),
        ):
            item = Item(title="t", domain="党务公开", category_id=cat.id, state=state, halls=linked)
            item.revisions.append(
                ItemRevision(title="t", domain="党务公开", category_id=cat.id, hall_ids=hall_ids)
            )
            db.session.add(item)
        db.session.commit()
        upgrade(directory=folder)
        run = db.session.execute
        links = run(db.text("SELECT item_id, hall_id FROM item_hall ORDER BY 1, 2")).all()
        # The draft is in hall 2 now; the published item keeps what the public sees.
        assert [tuple(r) for r in links] == [(1, 2), (2, 1)]
        assert run(db.text("SELECT count(*) FROM hall_grant")).scalar() == 0
        db.engine.dispose()
