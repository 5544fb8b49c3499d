"""Small helpers that build the world a test needs (after CTFd's gen_* helpers)."""

from __future__ import annotations

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
        statutory_days=20,
        promised_days=3,
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
    notice = MeetingNotice(
        title="党组会议旁听公告",
        meeting_at=start,
        meeting_ends_at=start + timedelta(hours=2),
        place="三楼会议室",
        topics="议题",
        observer_quota=5,
        published_at=at,
        **fields,
    )
    db.session.add(notice)
    db.session.commit()
    return notice
