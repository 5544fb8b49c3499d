"""Small helpers that build the world a test needs (after CTFd's gen_* helpers)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from content_feed import workflow
from content_feed.db import db
from content_feed.models import (
    Category,
    Guide,
    GuideMaterial,
    GuideStep,
    Hall,
    MeetingNotice,
    Slogan,
    Terminal,
    UrgentNotice,
    User,
)
from content_feed.terminals import hash_token

PASSWORD = "correct-horse-battery"


def make_user(username: str, roles: str, password: str = PASSWORD) -> User:
    user = User(username=username, display_name=username, roles=roles)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def staff() -> dict[str, User]:
    """One account per role, created once per test database."""
    existing = {u.username: u for u in db.session.execute(select(User)).scalars()}
    wanted = ["drafter", "reviewer", "approver", "operator", "handler", "admin"]
    return {r: existing.get(r) or make_user(r, r) for r in wanted}


def category(code: str = "party-dues") -> Category:
    cat = db.session.execute(select(Category).where(Category.code == code)).scalar_one_or_none()
    if cat is None:
        from flask import current_app

        from content_feed.catalogue import seed_catalogue

        seed_catalogue(db.session, current_app.config["SUNLIGHT"]["catalogue"]["categories"])
        cat = db.session.execute(select(Category).where(Category.code == code)).scalar_one()
    return cat


def make_hall(code: str = "hall-1", name: str = "测试大厅") -> Hall:
    hall = db.session.execute(select(Hall).where(Hall.code == code)).scalar_one_or_none()
    if hall is None:
        hall = Hall(code=code, name=name)
        db.session.add(hall)
        db.session.flush()
    return hall


def publish_item(
    at: datetime,
    title: str = "2026年上半年党费收缴使用情况",
    *,
    category_code: str = "party-dues",
    scope: str = "public",
    halls: list[Hall] | None = None,
    body: str = "正文",
    **fields,
):
    """An item walked through draft → proposed → reviewed → approved at ``at``."""
    people = staff()
    cat = category(category_code)
    fields.setdefault("timeliness", "standing")
    rev = workflow.create_draft(
        db.session,
        people["drafter"],
        at - timedelta(hours=1),
        title=title,
        domain=cat.domain,
        category_id=cat.id,
        scope=scope,
        body=body,
        hall_ids=[h.id for h in halls or []],
        **fields,
    )
    workflow.propose(
        db.session,
        rev,
        people["drafter"],
        at - timedelta(minutes=30),
        note="",
        channels="触摸查询机",
        confidentiality_checked=True,
    )
    workflow.review(db.session, rev, people["reviewer"], at - timedelta(minutes=10))
    item = workflow.approve(db.session, rev, people["approver"], at)
    db.session.commit()
    return item


def make_guide(
    at: datetime,
    name: str = "不动产登记",
    code: str = "TEST-0001",
    hall: Hall | None = None,
    state: str = "published",
) -> Guide:
    guide = Guide(
        name=name,
        code=code,
        hall=hall,
        state=state,
        published_at=at,
        statutory="20个工作日",
        promised="3个工作日",
        implementing_body="不动产登记中心",
    )
    guide.materials.append(GuideMaterial(name="身份证", form="original", copies=1))
    guide.steps.append(GuideStep(title="受理", description="窗口受理"))
    db.session.add(guide)
    db.session.commit()
    return guide


def make_terminal(
    code: str, kind: str, hall: Hall | None = None, token: str = "secret-token", **fields
) -> Terminal:
    terminal = Terminal(
        code=code,
        name=code,
        kind=kind,
        hall=hall or make_hall(),
        token_hash=hash_token(token),
        **fields,
    )
    db.session.add(terminal)
    db.session.commit()
    return terminal


def make_slogan(text: str = "推进党务公开，打造阳光党务", **fields) -> Slogan:
    """A slogan an approver has published (pass ``published_at=None`` for a draft)."""
    fields.setdefault("published_at", datetime(2026, 1, 1, tzinfo=UTC))
    slogan = Slogan(text=text, **fields)
    db.session.add(slogan)
    db.session.commit()
    return slogan


def make_urgent(
    at: datetime, title: str = "大厅临时停电，暂停办理", hours: int = 2, **fields
) -> UrgentNotice:
    notice = UrgentNotice(
        title=title,
        body="请留意现场通知",
        starts_at=at,
        ends_at=at + timedelta(hours=hours),
        **fields,
    )
    db.session.add(notice)
    db.session.commit()
    return notice


def make_meeting(at: datetime, days_ahead: int = 10, **fields) -> MeetingNotice:
    start = at + timedelta(days=days_ahead)
    fields.setdefault("title", "党组会议旁听公告")
    fields.setdefault("published_at", at)
    notice = MeetingNotice(
        meeting_at=start,
        meeting_ends_at=start + timedelta(hours=2),
        place="三楼会议室",
        topics="议题",
        observer_quota=5,
        **fields,
    )
    db.session.add(notice)
    db.session.commit()
    return notice


def make_hall_user(username: str, halls: dict, password: str = PASSWORD) -> User:
    """An account without city-wide roles, holding ``{hall: "role role"}`` in halls."""
    from content_feed.models import HallGrant

    user = make_user(username, "", password)
    for hall, roles in halls.items():
        db.session.add(HallGrant(user_id=user.id, hall_id=hall.id, roles=roles))
    db.session.commit()
    return user


def hall_world(at: datetime, code: str, name: str) -> dict:
    """A hall with something of every kind the console shows, each row's text
    carrying ``name`` (and codes carrying ``code``) so a page can be searched for
    it. Returns the ids by kind."""
    from flask import current_app

    from content_feed.models import (
        Attachment,
        GuideImport,
        GuideRevision,
        LedController,
        Playlist,
        PlaylistEntry,
        PlayRecord,
        RefusedSubmission,
        RotationSchedule,
        TerminalGroup,
        UrgentNoticeAck,
        Window,
    )
    from inquiries.submissions import submit_inquiry, submit_rating

    hall = make_hall(code, f"{name}服务大厅")
    people = staff()
    window = Window(hall_id=hall.id, number="1", name=f"{name}综合窗口")
    db.session.add(window)
    item = publish_item(at, f"{name}党费收缴情况", halls=[hall])
    cat = category()
    draft = workflow.create_draft(
        db.session,
        people["drafter"],
        at,
        title=f"{name}草稿事项",
        domain=cat.domain,
        category_id=cat.id,
        scope="party",
        body="正文",
        hall_ids=[hall.id],
    )
    guide = make_guide(at, name=f"{name}不动产登记", code=f"{code.upper()}-0001", hall=hall)
    wall = make_terminal(f"{code}-wall", "wall", hall)
    led = make_terminal(f"{code}-led", "led", hall, width=192, height=32)
    kiosk = make_terminal(f"{code}-kiosk", "kiosk", hall)
    group = TerminalGroup(name=f"{name}分组", hall_id=hall.id)
    playlist = Playlist(name=f"{name}节目单", hall_id=hall.id)
    playlist.entries.append(
        PlaylistEntry(kind="qr_card", params={"url": "/", "title": f"{name}二维码"})
    )
    db.session.add_all([group, playlist])
    db.session.flush()
    wall.groups = [group]
    schedule = RotationSchedule(name=f"{name}时段", playlist_id=playlist.id, terminal_id=wall.id)
    urgent = make_urgent(at, title=f"{name}临时停电", hall_id=hall.id)
    attachment = Attachment(
        guide_id=guide.id,
        filename=f"{name}样表.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
        stored_name=f"{code}.pdf",
    )
    job = GuideImport(filename=f"{name}导入.xlsx", hall_id=hall.id, state="done", report=[])
    db.session.add_all([schedule, attachment, job])
    db.session.flush()
    revision = GuideRevision(
        guide_id=guide.id,
        import_id=job.id,
        data={"fields": {"name": f"{name}导入修订"}, "rows": {}},
        state="pending",
    )
    controller = LedController(terminal_id=led.id, protocol="pull")
    play = PlayRecord(terminal_id=wall.id, entry_key="qr1", title=f"{name}播放", started_at=at)
    ack = UrgentNoticeAck(
        notice_id=urgent.id, terminal_id=wall.id, first_shown_at=at, last_confirmed_at=at
    )
    refused = RefusedSubmission(
        idempotency_key=f"refused-{code}",
        kind="inquiries",
        terminal_id=kiosk.id,
        hall_id=hall.id,
        payload=json.dumps({"text": f"{name}离线问询", "kind": "question"}, ensure_ascii=False),
        reported_at=at,
    )
    from monitoring.models import TerminalScreenshot

    # The wall's 截图 (a 1×1 PNG): the console shows it to its hall's users only.
    shot = TerminalScreenshot(
        terminal_id=wall.id, taken_at=at, width=1, height=1, png=ONE_PIXEL_PNG
    )
    db.session.add_all([revision, controller, play, ack, refused, shot])
    db.session.commit()
    feedback = current_app.config["SUNLIGHT"]["feedback"]
    inquiry = submit_inquiry(
        db.session,
        {"idempotency_key": f"inq-{code}-0001", "kind": "question", "text": f"{name}问询"},
        kiosk,
        feedback,
        at,
    ).record
    rating = submit_rating(
        db.session,
        {
            "idempotency_key": f"rate-{code}-0001",
            "level": 1,
            "target": "hall",
            "comment": f"{name}差评",
        },
        kiosk,
        feedback,
        at,
    ).record
    meeting = make_meeting(at, hall_id=hall.id, title=f"{name}党组会议旁听公告")
    slogan = make_slogan(f"{name}阳光党务", hall_id=hall.id)
    db.session.commit()
    return {
        "hall": hall.id,
        "window": window.id,
        "item": item.id,
        "draft": draft.item_id,
        "attachment": attachment.id,
        "guide": guide.id,
        "guide_revision": revision.id,
        "guide_import": job.id,
        "meeting": meeting.id,
        "slogan": slogan.id,
        "urgent": urgent.id,
        "wall": wall.id,
        "led": led.id,
        "kiosk": kiosk.id,
        "group": group.id,
        "playlist": playlist.id,
        "entry": playlist.entries[0].id,
        "schedule": schedule.id,
        "inquiry": inquiry.id,
        "rating": rating.id,
        "refused": refused.id,
    }


ONE_PIXEL_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108000000003a7e9b55"
    "0000000a49444154789c636000000002000148afa4710000000049454e44ae426082"
)


def city_world(at: datetime) -> dict:
    """Rows for every hall (hall NULL): what a hall user reads and never changes."""
    from content_feed.models import Playlist, PlaylistEntry, RotationSchedule, TerminalGroup

    item = publish_item(at, "全市通用事项")
    guide = make_guide(at, name="全市通用指南", code="CITY-0001", hall=None, state="draft")
    group = TerminalGroup(name="全市分组")
    playlist = Playlist(name="全市节目单")
    playlist.entries.append(PlaylistEntry(kind="qr_card", params={"url": "/", "title": "全市"}))
    db.session.add_all([group, playlist])
    db.session.flush()
    schedule = RotationSchedule(name="全市时段", playlist_id=playlist.id, group_id=group.id)
    db.session.add(schedule)
    db.session.commit()
    return {
        "item": item.id,
        "draft": item.id,
        "guide": guide.id,
        "meeting": make_meeting(at, published_at=None, title="全市会议").id,
        "slogan": make_slogan("全市通用标语", published_at=None).id,
        "urgent": make_urgent(at, title="全市紧急通知").id,
        "group": group.id,
        "playlist": playlist.id,
        "entry": playlist.entries[0].id,
        "schedule": schedule.id,
    }


def console_page(browser, live_server, username: str = "operator"):
    """(context, page): a console of the demo world in Chromium, signed in as ``username``."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "sunlight-demo")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    return context, page


def post_power_schedule(
    operator, terminal_id: int, start: str, end: str, name: str = "夜间"
) -> None:
    """A power schedule for one terminal, every day, as the console's form posts it."""
    r = operator.post(
        "/admin/monitoring/power",
        data={
            "name": name,
            "target": f"t:{terminal_id}",
            "days": "every",
            "start_time": start,
            "end_time": end,
        },  # fmt: skip
    )
    assert r.status_code == 302, r.get_data(as_text=True)[:1500]
