"""Every answer a terminal gets moves exactly when what it shows moves.

The sweep changes every column of every model that feeds a public answer
(and back again), and after each change compares what the caches serve with
what a cold build gives: a dependency left out of an answer's topics, or of a
model's ``feed_topics``, serves a stale answer here and fails. Columns a model
calls console-only must move no topic at all. Then the other direction, the
writes that must never make a terminal refetch or a cache rebuild: a citizen's
question or rating, a heartbeat, an internal item, a draft, another hall.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from flask import current_app
from sqlalchemy import Boolean, Date, DateTime, Integer, String, Text, select
from sqlalchemy.orm import selectinload

from content_feed import workflow
from content_feed.db import db
from content_feed.models import (
    Attachment,
    Category,
    Guide,
    GuideFaq,
    GuideFee,
    GuideMaterial,
    GuideStep,
    Hall,
    Inquiry,
    Item,
    MeetingNotice,
    Playlist,
    PlaylistEntry,
    RotationSchedule,
    Slogan,
    Terminal,
    TerminalGroup,
    UrgentNotice,
    User,
    Window,
)
from content_feed.models._common import FeedContent
from content_feed.terminals import hash_token
from content_feed.versioning import versions
from tests.builders import make_hall, make_terminal, make_urgent, publish_item, staff

WALL = {"X-Terminal-Token": "demo-wall-token"}
LED = {"X-Terminal-Token": "demo-led-token"}
B = {"X-Terminal-Token": "secret-token"}
KIOSK = {"X-Terminal-Token": "demo-kiosk-token"}

# Models no public answer reads, and why. A new model must be placed here or
# be FeedContent with its topics: the completeness test below says so.
NOT_SHOWN = {
    "FeedState": "the sequence itself",
    "FeedTopic": "the versions themselves",
    "ItemRevision": "drafts and history; approval copies a revision onto its item",
    "WorkflowStep": "the workflow's record",
    "IndexSerial": "serial counters",
    "LedgerEntry": "the audit ledger, console only",
    "User": "staff accounts",
    "Rating": "ratings are counted by the ledger summary, which hashes its body",
    "PlayRecord": "proof of play, console only",
    "UrgentNoticeAck": "confirmations, console only",
    "GuideImport": "import jobs and their reports, console only",
    "GuideRevision": "an imported revision waiting for review; applying it writes the guide",
    "RefusedSubmission": "kiosk submissions refused after an outage, for staff to follow up",
    "LedController": "how a strip is pushed to and its push status: the sender reads it",
    "LoginLock": "sign-in failures per account and address, console only",
    "HallGrant": "the halls a staff account works in, console only",
    # monitoring/: screens hear commands and their power state in heartbeat replies.
    "TerminalCommand": "a command rides the screen's heartbeat reply, not its answers",
    "PowerSchedule": "the power state rides the screen's heartbeat reply, not its answers",
    "MonitorAlert": "alerts about dark screens, console only",
    "TerminalScreenshot": "a wall's own screenshot, console only",
    # Queue calling (calling/): its answers read one topic per hall, calls:<hall>,
    # moved explicitly with each event or setting (versioning.move_topics).
    "CallingHall": "a hall's calling settings: calling/state.touch moves calls:<hall>",
    "CallingWindow": "a window's call state: calling/state.receive moves calls:<hall>",
    "CallEvent": "queue events: calling/state.receive moves calls:<hall>",
    "CallCase": "cases for statistics and ratings, console only",
    "Announcement": "written with its event: calling/state.receive moves calls:<hall>",
    "VoiceClip": "recordings: heard through announcements made after the upload",
    "NovosgaLink": "where a hall's NovoSGA is; its calls come in through calling/state.receive",
    # alerts/: screens read the urgent notices and slogans an alert makes, not these.
    "AlertFeed": "where official warnings come from, console only",
    "Alert": "warnings received; what they show is their notices and slogans",
    "AlertOutput": "which notice or slogan a warning made, console only",
    "RefusedAlertDocument": "refused CAP documents, console only",
    "AlertPolicy": "drill mode and per-level actions, applied when a warning arrives",
    "AlertHallArea": "where a hall is, applied when a warning arrives",
}

# Terminal answers and feed answers watched by the sweep: hall A (the demo
# hall), hall B (made here) and every hall at once.
ANSWERS = {
    "kiosk A": ("/kiosk/kiosk-1/bundle.json", KIOSK),
    "kiosk urgent A": ("/kiosk/kiosk-1/urgent.json", KIOSK),
    "wall A": ("/display/wall-1/program.json", WALL),
    "led A": ("/display/led-1/program.json", LED),
    "urgent A": ("/api/v1/urgent-notices?hall=hall-1&surface=kiosk", {}),
    "items A": ("/api/v1/items?hall=hall-1&per_page=100", {}),
    "guides A": ("/api/v1/guides?hall=hall-1", {}),
    "answers A": ("/api/v1/answers?hall=hall-1", {}),
    "kiosk B": ("/kiosk/kiosk-b/bundle.json", B),
    "wall B": ("/display/wall-b/program.json", B),
    "urgent B": ("/api/v1/urgent-notices?hall=hall-b&surface=kiosk", {}),
    "items": ("/api/v1/items?per_page=100", {}),
    "halls": ("/api/v1/halls", {}),
    "catalogue": ("/api/v1/catalogue", {}),
}
HALL_B_ANSWERS = ("kiosk B", "wall B", "urgent B")


def _normal(body: bytes):
    try:
        data = json.loads(body)
    except ValueError:
        return body
    if isinstance(data, dict):
        for volatile in ("generated_at", "version"):
            data.pop(volatile, None)
    return data


def served(client) -> dict:
    out = {}
    for name, (url, headers) in ANSWERS.items():
        r = client.get(url, headers=headers)
        out[name] = (r.status_code, r.headers.get("ETag"), _normal(r.data))
    return out


def forget_everything(app) -> None:
    ext = app.extensions
    ext["sunlight"].answers.clear()
    ext["sunlight"].terminals.clear()
    ext.pop("sunlight.search", None)
    ext.pop("sunlight.led_frames", None)
    # Parts shared by many answers are keyed by the content state: a change that
    # moved no topic would find them again, so a cold build must not.
    ext.pop("sunlight.program_parts", None)
    ext.pop("sunlight.kiosk_parts", None)


def cold(app, client) -> dict:
    forget_everything(app)
    return served(client)


# The version counters, and the wall-clock time a row was last written (no answer
# shows it: an item's public ``updated_at`` is its last_published_at): the rest of
# the database is what the answers are built from.
VERSION_TABLES = {"feed_state", "feed_topic"}
WRITE_TIME = "updated_at"


def content_state() -> tuple:
    """Every row of every table but the above, to recognise a state seen before."""
    connection = db.session.connection()
    state = []
    for table in db.metadata.sorted_tables:
        if table.name in VERSION_TABLES:
            continue
        names = ", ".join(f'"{c.name}"' for c in table.columns if c.key != WRITE_TIME)
        query = f'SELECT {names} FROM "{table.name}" ORDER BY rowid'
        state.append((table.name, tuple(connection.exec_driver_sql(query).fetchall())))
    return tuple(state)


@pytest.fixture(autouse=True)
def pinyin_spelled_once(monkeypatch):
    """The pinyin of a text is a function of the text: the sweep's hundreds of bundle
    builds spell the same bodies, so each is spelled once here (a copy each time, as
    the bundle may keep it)."""
    from content_feed import search

    spelled: dict[str, list[str]] = {}
    original = search.text_syllables

    def text_syllables(text: str) -> list[str]:
        if text not in spelled:
            spelled[text] = original(text)
        return list(spelled[text])

    monkeypatch.setattr(search, "text_syllables", text_syllables)


def assert_fresh(app, client, label: str, colds: dict | None = None) -> dict:
    """What the caches serve equals a cold build. ``colds`` keeps the cold builds of
    the database states seen before: answers are content-addressed (ETag = digest of
    the body) on a fixed clock, so a column changed back gives the database, and so
    the cold answers, of the start again, and the sweep need not build them twice."""
    colds = {} if colds is None else colds
    now_served = served(client)
    state = content_state()
    if state not in colds:
        colds[state] = cold(app, client)
    now_cold = colds[state]
    for name in ANSWERS:
        assert now_served[name] == now_cold[name], f"{label}: {name} is stale"
    return now_cold


@pytest.fixture
def world(demo_app, clock):
    """The demo hall A, a hall B with a kiosk and a wall, and one of every public row."""
    now = clock.now()
    hall_a = db.session.execute(select(Hall).where(Hall.code == "hall-1")).scalar_one()
    hall_b = make_hall("hall-b", "乙大厅")
    make_terminal("kiosk-b", "kiosk", hall_b)
    make_terminal("wall-b", "wall", hall_b)
    item = publish_item(now - timedelta(hours=1), "只在甲大厅公开的事项", halls=[hall_a])
    db.session.add(
        Attachment(
            revision_id=item.published_revision_id,
            filename="附件.pdf",
            content_type="application/pdf",
            size=10,
            sha256="0" * 64,
            stored_name="x.pdf",
        )
    )
    guide = db.session.execute(
        select(Guide).where(Guide.state == "published").order_by(Guide.id)
    ).scalar()
    guide.hall_id = hall_a.id
    guide.promised = "5个工作日"  # numbers in both limits: the sweep changes value and unit apart
    guide.fees.append(GuideFee(name="工本费", standard="10元"))
    guide.faqs.append(GuideFaq(question="要排队吗？", answer="要"))
    # For the kiosks: the screens play their playlists (the sweep turns
    # ``on_wall`` on and off, which covers the takeover).
    make_urgent(now, hall_id=hall_a.id, on_wall=False, on_led=False)
    people = staff()
    db.session.add(
        Inquiry(
            receipt_no="Q-TEST-0001",
            idempotency_key="sweep-0001",
            kind="question",
            topic="办事",
            text="周六上班吗？",
            name="王五",
            hall_id=hall_a.id,
            received_at=now - timedelta(days=1),
            state="done",
            reply="周六上午上班",
            reply_public=True,
            replied_at=now - timedelta(hours=2),
            replied_by_id=people["handler"].id,
        )
    )
    db.session.commit()
    return {"now": now, "a": hall_a, "b": hall_b, "item": item, "guide": guide}


def rows_to_sweep(world) -> dict[type, object]:
    """One row of each public model that hall A's terminals show now."""
    first = lambda stmt: db.session.execute(stmt).scalars().first()  # noqa: E731
    guide = db.session.get(Guide, world["guide"].id)
    wall = first(select(Terminal).where(Terminal.code == "wall-1"))
    return {
        Item: db.session.get(Item, world["item"].id),
        Attachment: first(select(Attachment)),
        Category: db.session.get(Item, world["item"].id).category,
        Guide: guide,
        GuideMaterial: guide.materials[0],
        GuideStep: guide.steps[0],
        GuideFee: guide.fees[0],
        GuideFaq: guide.faqs[0],
        MeetingNotice: first(select(MeetingNotice)),
        Slogan: first(select(Slogan).order_by(Slogan.sort_order, Slogan.id)),
        UrgentNotice: first(select(UrgentNotice)),
        Hall: world["a"],
        Window: db.session.get(Guide, world["guide"].id).window,
        Inquiry: first(select(Inquiry)),
        Terminal: wall,
        TerminalGroup: wall.groups[0],
        # What wall-1 plays now (10:00 on a Tuesday: its default schedule).
        RotationSchedule: db.session.get(RotationSchedule, 1),
        Playlist: db.session.get(Playlist, 1),
        PlaylistEntry: db.session.get(Playlist, 1).entries[0],
    }


def _other(model, row_id, **where):
    stmt = select(model).where(model.id != row_id)
    for name, value in where.items():
        stmt = stmt.where(getattr(model, name) == value)
    return db.session.execute(stmt.order_by(model.id)).scalars().first()


def new_value(row, column, world):
    """A different, valid value for ``row.column``."""
    name, model = column.key, type(row)
    current = getattr(row, name)
    special = {
        "scope": "party",
        "domain": "政务公开",
        "timeliness": "periodic",
        "disclosure_mode": "on_request",
        "kind": {
            Terminal: "led",
            Inquiry: "suggestion",
            PlaylistEntry: "slogan",
            Guide: "即办件",
        }.get(model),
        "form": "copy",
        "necessity": "optional",
        "statutory_unit": "calendar_days",
        "promised_unit": "calendar_days",
        "color_mode": "dual",
        "led_color": "green",
        "timezone": "Asia/Urumqi",
        "day_of_week": "sat,sun",
        "start_time": "09:00",
        "end_time": "23:00",
        "token_hash": hash_token("another-token"),
        "params": {"rule": "slogans", "limit": 2},
        "content_type": "image/png",
    }
    if name == "state":
        return {Item: "archived", Guide: "draft", Inquiry: "in_progress"}[model]
    if special.get(name) is not None:
        return special[name]
    if column.foreign_keys:
        target = next(iter(column.foreign_keys)).column.table.name
        if target == "hall":
            return world["b"].id if current != world["b"].id else world["a"].id
        by_table = {
            "category": Category,
            "hall_window": Window,
            "user": User,
            "terminal": Terminal,
            "terminal_group": TerminalGroup,
            "playlist": Playlist,
            "guide": Guide,
            "item": Item,
            "attachment": Attachment,
            "item_revision": None,
        }
        target_model = by_table[target]
        if target_model is None:
            return None
        if current is None:
            found = db.session.execute(select(target_model).order_by(target_model.id)).scalar()
            return found.id if found else None
        if target_model is TerminalGroup:
            return None
        other = _other(target_model, current)
        return other.id if other else None
    kind = getattr(column.type, "impl", column.type)
    if isinstance(kind, Boolean):
        return not current
    if isinstance(kind, Integer):
        return (current or 0) + 1
    if isinstance(kind, DateTime):
        return (current or world["now"]) - timedelta(days=1)
    if isinstance(kind, Date):
        return (current or world["now"].date()) - timedelta(days=1)
    if isinstance(kind, (String, Text)):
        text = (current or "") + "改"
        length = getattr(kind, "length", None)
        return text[-length:] if length else text
    raise AssertionError(f"no new value for {model.__name__}.{name} ({kind!r})")


def test_every_model_says_what_it_moves_or_why_it_moves_nothing():
    for mapper in db.Model.registry.mappers:
        cls = mapper.class_
        shown = issubclass(cls, FeedContent)
        assert shown or cls.__name__ in NOT_SHOWN, (
            f"{cls.__name__}: FeedContent with feed_topics, or in NOT_SHOWN with a reason"
        )
        if shown:
            assert cls.feed_topics is not FeedContent.feed_topics, cls.__name__
            unknown = set(cls.__console_only__) - set(mapper.attrs.keys())
            assert not unknown, f"{cls.__name__}.__console_only__ names {unknown}"


SWEPT = [
    Item,
    Attachment,
    Category,
    Guide,
    GuideMaterial,
    GuideStep,
    GuideFee,
    GuideFaq,
    MeetingNotice,
    Slogan,
    UrgentNotice,
    Hall,
    Window,
    Inquiry,
    Terminal,
    TerminalGroup,
    RotationSchedule,
    Playlist,
    PlaylistEntry,
]


def test_the_sweep_covers_every_public_model():
    assert set(SWEPT) == {
        m.class_ for m in db.Model.registry.mappers if issubclass(m.class_, FeedContent)
    }, "every FeedContent model needs a row in the sweep (rows_to_sweep)"


@pytest.mark.parametrize("model", SWEPT, ids=lambda m: m.__name__)
def test_sweep_every_column(model, world, client):
    app = current_app._get_current_object()
    row = rows_to_sweep(world)[model]
    state = versions()
    colds = {}
    assert_fresh(app, client, "start", colds)
    swept = 0
    for column in model.__table__.columns:
        if column.primary_key:
            continue
        key = column.key
        old = getattr(row, key)
        value = new_value(row, column, world)
        if value == old:
            continue
        for label, to in (("changed", value), ("changed back", old)):
            seq = state.sync()
            setattr(row, key, to)
            db.session.commit()
            state.forget()
            if key in model.__console_only__:
                assert state.sync() == seq, f"{model.__name__}.{key} is console-only"
            assert_fresh(app, client, f"{model.__name__}.{key} {label}", colds)
            swept += 1
    assert swept >= 2


def test_sweep_the_association_tables(world, client):
    app = current_app._get_current_object()
    item = db.session.get(Item, world["item"].id)
    wall = db.session.execute(select(Terminal).where(Terminal.code == "wall-1")).scalar_one()
    group = wall.groups[0]
    assert_fresh(app, client, "start")
    steps = [
        ("item leaves hall A", lambda: item.halls.remove(world["a"])),
        ("item joins hall B", lambda: item.halls.append(world["b"])),
        ("item back to hall A", lambda: setattr(item, "halls", [world["a"]])),
        ("wall leaves its group", lambda: wall.groups.remove(group)),
        ("wall rejoins its group", lambda: wall.groups.append(group)),
    ]
    for label, change in steps:
        change()
        db.session.commit()
        assert_fresh(app, client, label)


def etags(client) -> dict:
    return {name: r[1] for name, r in served(client).items()}


def topics_moved(action) -> set[str]:
    """The topics ``action`` moved, from the versions table."""
    from content_feed.models import FeedTopic

    before = dict(db.session.execute(select(FeedTopic.name, FeedTopic.version)).all())
    action()
    db.session.expire_all()
    after = dict(db.session.execute(select(FeedTopic.name, FeedTopic.version)).all())
    return {name for name, v in after.items() if before.get(name) != v}


def test_what_people_submit_and_terminals_report_moves_nothing(world, client, clock):
    from content_feed.presence import flush_now

    before = etags(client)
    assert (
        client.post("/api/v1/inquiries", json=question_payload(), headers=KIOSK).status_code == 201
    )
    assert client.post("/api/v1/ratings", json=rating_payload(), headers=KIOSK).status_code == 201
    app = current_app._get_current_object()
    moved = topics_moved(
        lambda: (
            client.post(
                "/api/v1/heartbeat",
                json={"terminal": "kiosk-1", "page": "#/", "version": "x"},
                headers=KIOSK,
            ),
            client.post("/display/wall-1/heartbeat", json={"version": "y"}, headers=WALL),
            client.get("/display/led/led-1.png", headers=LED),
            flush_now(app),
        )
    )
    assert moved == set()
    assert etags(client) == before


def test_internal_items_drafts_and_reviews_move_nothing(world, client, clock):
    people = staff()
    now = clock.now()
    before = etags(client)
    cat = db.session.execute(select(Category).order_by(Category.id)).scalar()

    def internal_and_drafts():
        publish_item(now, "党内通报", scope="party")
        publish_item(now, "本单位事项", scope="unit", halls=[world["a"]])
        rev = workflow.create_draft(
            db.session,
            people["drafter"],
            now,
            title="草稿",
            domain=cat.domain,
            category_id=cat.id,
            scope="public",
            body="正文",
            hall_ids=[],
            timeliness="standing",
        )
        workflow.propose(
            db.session,
            rev,
            people["drafter"],
            now,
            note="",
            channels="触摸查询机",
            confidentiality_checked=True,
        )
        workflow.review(db.session, rev, people["reviewer"], now)
        db.session.commit()

    assert topics_moved(internal_and_drafts) == set()
    assert etags(client) == before


def test_a_change_in_hall_a_moves_nothing_of_hall_b(world, client, clock):
    state = versions()
    answers = current_app.extensions["sunlight"].answers
    served(client)

    def stamps():
        out = {}
        for name in HALL_B_ANSWERS:
            url, _headers = ANSWERS[name]
            from content_feed.answers import cache_key

            path, _, query = url.partition("?")
            answer = answers.peek(cache_key(path, query))
            out[name] = state.stamp(answer.depends)
        return out

    before_b = stamps()
    before = etags(client)
    hall_a = world["a"]
    publish_item(clock.now(), "甲大厅新事项", halls=[hall_a])
    make_urgent(clock.now(), "甲大厅紧急通知", hall_id=hall_a.id)
    item = db.session.get(Item, world["item"].id)
    item.title = "甲大厅事项改标题"
    db.session.commit()
    state.forget()
    assert stamps() == before_b  # not even rebuilt
    after = etags(client)
    for name in HALL_B_ANSWERS:
        assert after[name] == before[name], name
    for name in ("kiosk A", "wall A", "urgent A", "items A"):
        assert after[name] != before[name], name


def test_retracting_a_public_answer_takes_it_off_the_kiosk(world, client):
    first = client.get("/kiosk/kiosk-1/bundle.json", headers=KIOSK)
    assert [a["reply"] for a in first.get_json()["answers"]] == ["周六上午上班"]
    inquiry = db.session.execute(select(Inquiry)).scalar_one()
    inquiry.reply_public = False
    db.session.commit()
    again = client.get(
        "/kiosk/kiosk-1/bundle.json", headers={**KIOSK, "If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 200 and again.get_json()["answers"] == []
    api = client.get("/api/v1/answers?hall=hall-1")
    assert api.get_json()["answers"] == []


def test_deactivating_or_moving_a_terminal_moves_its_answer(world, client):
    first = client.get("/kiosk/kiosk-1/bundle.json", headers=KIOSK)
    assert first.get_json()["hall"]["code"] == "hall-1"
    kiosk = db.session.execute(select(Terminal).where(Terminal.code == "kiosk-1")).scalar_one()
    kiosk.hall_id = world["b"].id
    db.session.commit()
    moved = client.get(
        "/kiosk/kiosk-1/bundle.json", headers={**KIOSK, "If-None-Match": first.headers["ETag"]}
    )
    assert moved.status_code == 200 and moved.get_json()["hall"]["code"] == "hall-b"
    kiosk.active = False
    db.session.commit()
    gone = client.get(
        "/kiosk/kiosk-1/bundle.json", headers={**KIOSK, "If-None-Match": moved.headers["ETag"]}
    )
    assert gone.status_code == 401  # a deactivated kiosk no longer authenticates
    wall = client.get("/display/wall-1/program.json", headers=WALL)
    wall_row = db.session.execute(select(Terminal).where(Terminal.code == "wall-1")).scalar_one()
    wall_row.active = False
    db.session.commit()
    assert (
        client.get(
            "/display/wall-1/program.json", headers={**WALL, "If-None-Match": wall.headers["ETag"]}
        ).status_code
        == 404
    )


def test_editing_a_playlist_moves_only_the_screens_playing_it(world, client):
    before = etags(client)
    playlist = db.session.execute(
        select(Playlist).where(Playlist.id == 1).options(selectinload(Playlist.entries))
    ).scalar_one()
    playlist.entries[0].params = {"rule": "newest_items", "limit": 2}
    db.session.commit()
    after = etags(client)
    assert after["wall A"] != before["wall A"]
    assert after["led A"] == before["led A"]  # the strip plays another playlist
    assert after["kiosk A"] == before["kiosk A"]


def question_payload() -> dict:
    return {
        "terminal": "kiosk-1",
        "idempotency_key": "dep-question-0001",
        "kind": "question",
        "text": "请问不动产登记需要带哪些材料？",
        "phone": "13812345678",
    }


def rating_payload() -> dict:
    return {
        "terminal": "kiosk-1",
        "idempotency_key": "dep-rating-0001",
        "level": 1,
        "target": "hall",
    }


def test_a_strips_own_settings_move_its_frames(world, client):
    first = client.get("/display/led/led-1.json", headers=LED)
    strip = db.session.execute(select(Terminal).where(Terminal.code == "led-1")).scalar_one()
    strip.color_mode = "dual"
    strip.width = 256
    db.session.commit()
    again = client.get(
        "/display/led/led-1.json", headers={**LED, "If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 200
    assert (again.get_json()["width"], again.get_json()["color_mode"]) == (256, "dual")
    frame = client.get("/display/led/led-1.png", headers=LED)
    import io

    from PIL import Image

    assert Image.open(io.BytesIO(frame.data)).size == (256, strip.height)
