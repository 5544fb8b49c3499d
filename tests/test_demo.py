"""The demo hall is true to the seeds and proves the public rule."""

from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from config import load_settings
from content_feed.db import db
from content_feed.models import Guide, Item, MeetingNotice, Slogan, Terminal
from content_feed.public_now import public_items, public_meetings
from content_feed.timefmt import local


def test_demo_content_counts(demo_app, clock):
    items = db.session.execute(select(Item)).scalars().all()
    assert len(items) >= 40
    assert set(Counter(i.timeliness for i in items)) == {
        "standing",
        "periodic",
        "staged",
        "immediate",
    }
    # Spread over every top-level category of the catalogue.
    assert len({i.category.parent_id or i.category_id for i in items}) >= 9
    internal = [i for i in items if i.scope != "public"]
    assert {i.scope for i in internal} == {"party", "unit", "specific"}
    now = clock.now()
    assert any(i.valid_from and i.valid_from > now for i in items)
    assert any(i.valid_until and i.valid_until <= now for i in items)
    shown = set(db.session.execute(public_items(now)).scalars())
    assert not shown & set(internal)
    assert all(i.index_number for i in items if i.state == "published")
    guides = db.session.execute(select(Guide)).scalars().all()
    assert len(guides) >= 8
    names = " ".join(g.name for g in guides)
    for service in (
        "企业开办",
        "企业注销",
        "个体",
        "不动产登记",
        "养老保险",
        "新生儿出生",
        "义务教育",
    ):
        assert service in names
    assert all(g.materials and g.steps for g in guides)
    assert db.session.execute(select(Slogan)).scalars().first().text.startswith("推行党务公开")
    meeting = db.session.execute(public_meetings(now)).scalars().one()
    assert isinstance(meeting, MeetingNotice)
    assert (local(meeting.meeting_at).date() - local(now).date()) == timedelta(days=10)
    kinds = {t.kind for t in db.session.execute(select(Terminal)).scalars()}
    assert kinds == {"kiosk", "wall", "led"}


def test_example_instance_file_is_valid():
    from pathlib import Path

    example = Path(__file__).resolve().parent.parent / "deploy" / "hall.example.toml"
    settings = load_settings(environ={"SUNLIGHT_CONFIG": str(example)})
    assert settings["server"]["proxies"] == 1
