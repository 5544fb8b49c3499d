"""Control characters never reach stored text, and Atom stays well-formed for any text.

Before: a title with \\x01\\x0b passed the console and made /feed.atom malformed
for every consumer.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from sqlalchemy import update

from content_feed.db import db
from content_feed.models import Item
from tests.admin.test_admin_workflow import walk_to_publication
from tests.builders import publish_item

ATOM = "{http://www.w3.org/2005/Atom}"


def _entries(client) -> list:
    r = client.get("/feed.atom")
    assert r.status_code == 200
    root = etree.fromstring(r.data)  # raises on malformed XML
    return root.findall(f"{ATOM}entry")


def test_a_console_title_with_control_characters_is_stored_clean(app, as_role, client):
    item_id = walk_to_publication(as_role, title="党费\x01收缴\x0b情况\x7f公示")
    assert db.session.get(Item, item_id).title == "党费收缴情况公示"
    (entry,) = _entries(client)
    assert entry.find(f"{ATOM}title").text == "党费收缴情况公示"


# Any code point a database can hold: controls, noncharacters, CJK, emoji (a lone
# surrogate cannot even be bound by the SQLite driver; the JSON tests refuse those).
ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=60)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(title=ANY_TEXT, summary=ANY_TEXT, body=ANY_TEXT, body_name=ANY_TEXT)
def test_atom_is_well_formed_for_any_stored_text(
    app, client, clock, title, summary, body, body_name
):
    item = publish_item(clock.now(), title="标题", summary="概述", body="正文")
    # Past the input cleaning (rows written before it, or by hand): straight SQL.
    db.session.execute(
        update(Item)
        .where(Item.id == item.id)
        .values(title=title, summary=summary, body=body, publishing_body=body_name)
    )
    db.session.commit()
    app.extensions["sunlight"].answers.clear()  # the raw UPDATE moved no version
    entries = _entries(client)
    assert entries
