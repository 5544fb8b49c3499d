"""Demo content for an empty database: one hall, true to the seeds."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from content_feed import workflow
from content_feed.catalogue import seed_catalogue
from content_feed.models import (
    Category,
    Guide,
    GuideFaq,
    GuideFee,
    GuideMaterial,
    GuideStep,
    Hall,
    HallGrant,
    MeetingNotice,
    Slogan,
    Terminal,
    User,
    Window,
)
from content_feed.terminals import hash_token
from content_feed.timefmt import local, local_to_utc
from demo.guides import COMMON, GUIDES, WINDOWS
from demo.items import ITEMS, ORG

# Seed 004's slogans (the last entry there is a definition, not a slogan).
SLOGANS = [
    "推行党务公开，融洽党群关系，夯实执政基础，促进科学发展",
    "尊重党员主体地位，保障党员民主权利，加强党内民主监督，维护党的集中统一",
    "搭建党务公开平台，维护党员群众权益",
    "推进党务公开，落实党员知情权、参与权、选举权和监督权",
    "进一步提高党员对党内事务的参与度，充分发挥党员在党内生活中的主体地位",
    "及时公布党内信息，畅通党内信息上下互通渠道",
    "拓宽党员意见表达渠道，广泛凝聚党员意愿主张，营造党内民主讨论、民主监督环境，提高决策科学性",
    "一名党员就是一面旗帜，一个支部就是一个堡垒",
    "坚持务实、创新、有效，推动党务公开健康有序发展",
    "加强党内民主建设，构建民主开放党务工作新机制",
    "发展党内民主，完善党内监督，增强党内活力，促进党内和谐",
    "深入推进党务公开，探索党员发挥作用的途径和方式，不断增强基层党组织创造力、凝聚力、战斗力",
    "推进党务公开，打造阳光党务，促进社会和谐",
    "扩大党务公开，加强党内监督，保障党员民主权利",
    "尊重党员主体地位，保障党员民主权利，激活党员活力",
    "丰富公开内容，创新公开形式，明确公开时限，深入推进党务公开",
    "深入开展党务公开，调动党员的积极性、主动性、创造性",
    "在开展党务公开的同时，进一步规范和深化政务公开，以达到相得益彰，相互促进的良好效果",
]

DEMO_USERS = [
    ("drafter", "王拟稿", "drafter", "办公室"),
    ("reviewer", "李审核", "reviewer", "机关党委"),
    ("approver", "张审批", "approver", "局党组"),
    ("operator", "赵运维", "operator", "信息中心"),
    ("handler", "陈办理", "handler", "政务公开科"),
    ("admin", "系统管理员", "admin", "信息中心"),
    # No city-wide role: works in the second demo hall only (DEMO_HALL_GRANTS).
    ("hall2", "周分厅", "", "东区分厅"),
]
# A second hall, so a hall-scoped account has a hall of its own to work in.
DEMO_HALL2 = {"code": "hall-2", "name": "东区便民服务分厅", "address": "东区街道办一楼"}
DEMO_HALL_GRANTS = {"hall2": "drafter operator handler"}
DEMO_HALL2_ITEM = "东区便民服务分厅2026年第四季度党费收缴情况"

# Demo terminals: (code, name, kind, width, height, token).
DEMO_TERMINALS = [
    ("kiosk-1", "一楼大厅触摸查询一体机", "kiosk", 1080, 1920, "demo-kiosk-token"),
    ("wall-1", "一楼大厅宣传大屏", "wall", 1920, 1080, "demo-wall-token"),
    ("led-1", "门头LED条屏", "led", 192, 32, "demo-led-token"),
]
DEMO_PASSWORD = "sunlight-demo"


def is_empty(session: Session) -> bool:
    """Nothing at all in it: no account, hall, terminal, content, submission or ledger row.

    (A database with real accounts but no hall yet is *not* empty: the demo's
    ``admin`` / ``sunlight-demo`` must never land beside them.)
    """
    from content_feed.models import (
        Inquiry,
        Item,
        LedgerEntry,
        MeetingNotice,
        Rating,
        UrgentNotice,
    )

    for model in (
        User,
        Hall,
        Terminal,
        Item,
        Guide,
        Slogan,
        MeetingNotice,
        UrgentNotice,
        Inquiry,
        Rating,
        LedgerEntry,
    ):
        if session.execute(select(func.count()).select_from(model)).scalar():
            return False
    return True


def accounts_with_demo_password(session: Session) -> list[str]:
    """Active accounts whose password is still the demo's."""
    return [
        u.username
        for u in session.execute(select(User).where(User.active.is_(True))).scalars()
        if u.check_password(DEMO_PASSWORD)
    ]


def terminals_with_demo_tokens(session: Session) -> list[str]:
    hashes = [hash_token(t[5]) for t in DEMO_TERMINALS]
    return list(
        session.execute(
            select(Terminal.code).where(Terminal.token_hash.in_(hashes), Terminal.active.is_(True))
        ).scalars()
    )


def load_demo(session: Session, now: datetime, password: str = DEMO_PASSWORD) -> dict:
    """Fill an empty database; returns what was made (for the command line)."""
    settings = current_app.config["SUNLIGHT"]
    seed_catalogue(session, settings["catalogue"]["categories"])
    hall = Hall(
        code="hall-1",
        name=settings["hall"]["name"],
        address="市民中心一楼",
        opening_hours=COMMON["office_hours"],
        phone="0000-12345",
    )
    session.add(hall)
    for order, (number, name, services) in enumerate(WINDOWS):
        hall.windows.append(Window(number=number, name=name, services=services, sort_order=order))
    users = {}
    for username, display, roles, dept in DEMO_USERS:
        user = User(username=username, display_name=display, roles=roles, department=dept)
        user.set_password(password)
        session.add(user)
        users[username] = user
    hall2 = Hall(**DEMO_HALL2, opening_hours=COMMON["office_hours"], phone="0000-54321")
    hall2.windows.append(Window(number="1", name="综合受理窗口", services="综合受理"))
    session.add(hall2)
    session.flush()
    for username, roles in DEMO_HALL_GRANTS.items():
        users[username].hall_grants.append(HallGrant(hall=hall2, roles=roles))
    _items(session, now, users)
    _hall2_item(session, now, users, hall2)
    _guides(session, now, hall)
    for order, text in enumerate(SLOGANS):
        session.add(Slogan(text=text, sort_order=order, published_at=now))
    _meeting(session, now, hall)
    for code, name, kind, width, height, token in DEMO_TERMINALS:
        session.add(
            Terminal(
                code=code,
                name=name,
                kind=kind,
                hall=hall,
                width=width,
                height=height,
                token_hash=hash_token(token),
                color_mode="dual" if kind == "led" else "mono",
            )
        )
    session.commit()
    return {
        "hall": hall.code,
        "items": len(ITEMS) + 2,
        "guides": len(GUIDES),
        "slogans": len(SLOGANS),
        "terminals": [t[0] for t in DEMO_TERMINALS],
        "users": [u[0] for u in DEMO_USERS],
        "password": password,
    }


def _hall2_item(session: Session, now: datetime, users: dict, hall: Hall) -> None:
    """The second hall's own item: its staff see it, the first hall's screens do not."""
    cat = session.execute(select(Category).where(Category.code == "party-dues")).scalar_one()
    at = now - timedelta(days=1)
    rev = workflow.create_draft(
        session,
        users["hall2"],
        at - timedelta(hours=2),
        title=DEMO_HALL2_ITEM,
        domain=cat.domain,
        category_id=cat.id,
        scope="public",
        timeliness="periodic",
        refresh_period_days=92,
        publishing_body=ORG,
        subject="组织建设",
        summary="东区分厅党支部第四季度党费收缴情况。",
        body="东区分厅党支部第四季度应缴党费、实缴党费及使用情况如下。",
        hall_ids=[hall.id],
    )
    workflow.propose(
        session,
        rev,
        users["hall2"],
        at,
        note="按公开目录公开",
        channels="触摸查询机、大屏",
        confidentiality_checked=True,
    )
    workflow.review(session, rev, users["reviewer"], at + timedelta(minutes=30), "保密审查通过")
    workflow.approve(session, rev, users["approver"], at + timedelta(hours=1))


def _publish(session, rev, users, at):
    workflow.propose(
        session,
        rev,
        users["drafter"],
        at,
        note="按公开目录公开",
        channels="触摸查询机、大屏、LED屏、门户网站",
        confidentiality_checked=True,
        comment_days=rev.comment_days,
    )
    workflow.review(session, rev, users["reviewer"], at + timedelta(minutes=30), "保密审查通过")
    return workflow.approve(session, rev, users["approver"], at + timedelta(hours=1))


def _items(session: Session, now: datetime, users: dict) -> None:
    cats = {c.code: c for c in session.execute(select(Category)).scalars()}
    count = len(ITEMS)
    for n, (code, title, timeliness, summary, body, extra) in enumerate(ITEMS):
        cat = cats[code]
        # Spread publication over the last months, oldest first.
        at = now - timedelta(days=(count - n) * 3 + 1)
        offset, expires = extra.get("offset"), extra.get("expires")
        if offset is not None and offset < 0:
            at = now + timedelta(days=offset)
        rev = workflow.create_draft(
            session,
            users["drafter"],
            at - timedelta(hours=2),
            title=title,
            domain=cat.domain,
            category_id=cat.id,
            scope=extra.get("scope", "public"),
            disclosure_mode=extra.get("mode", "proactive"),
            timeliness=timeliness,
            refresh_period_days=extra.get("refresh"),
            valid_from=now + timedelta(days=offset) if offset and offset > 0 else None,
            valid_until=now + timedelta(days=expires) if expires is not None else None,
            publishing_body=ORG,
            subject="组织建设" if cat.domain == "党务公开" else "综合政务",
            document_number=extra.get("doc", ""),
            written_on=local(at).date(),
            summary=summary,
            body=body,
            on_led=timeliness == "immediate",
        )
        _publish(session, rev, users, at)
    # One draft for comment (预公开) during its 15-day period.
    cat = cats["decisions"]
    opened = now - timedelta(days=2)
    rev = workflow.create_draft(
        session,
        users["drafter"],
        opened - timedelta(days=1),
        title="关于调整党员固定活动日安排的征求意见稿",
        domain=cat.domain,
        category_id=cat.id,
        scope="public",
        timeliness="immediate",
        publishing_body=ORG,
        subject="组织建设",
        summary="拟将党员固定活动日调整为每月第二个星期五，征求党员群众意见。",
        body="拟将党员固定活动日由每月11日调整为每月第二个星期五。欢迎在触摸查询机上提出意见。",
    )
    rev.comment_days = 15
    workflow.propose(
        session,
        rev,
        users["drafter"],
        opened - timedelta(hours=5),
        note="预公开",
        channels="触摸查询机、门户网站",
        confidentiality_checked=True,
        comment_days=15,
    )
    workflow.review(session, rev, users["reviewer"], opened - timedelta(hours=3))
    workflow.open_comment_period(session, rev, users["approver"], opened)


def _guides(session: Session, now: datetime, hall: Hall) -> None:
    windows = {w.number: w for w in hall.windows}
    for order, spec in enumerate(GUIDES):
        spec = dict(spec)
        window = windows[spec.pop("window")]
        materials, steps = spec.pop("materials"), spec.pop("steps")
        fees, faqs = spec.pop("fees"), spec.pop("faqs")
        guide = Guide(
            **COMMON,
            **spec,
            window=window,
            hall=hall,
            sort_order=order,
            location=f"{hall.address} {window.label}",
            state="published",
            published_at=now - timedelta(days=30),
        )
        for i, (name, form, copies, necessity, source, notes) in enumerate(materials):
            guide.materials.append(
                GuideMaterial(
                    name=name,
                    form=form,
                    copies=copies,
                    necessity=necessity,
                    source=source,
                    notes=notes,
                    sort_order=i,
                )
            )
        for i, (title, description) in enumerate(steps):
            guide.steps.append(GuideStep(title=title, description=description, sort_order=i))
        for i, (name, standard, basis) in enumerate(fees):
            guide.fees.append(GuideFee(name=name, standard=standard, basis=basis, sort_order=i))
        for i, (question, answer) in enumerate(faqs):
            guide.faqs.append(GuideFaq(question=question, answer=answer, sort_order=i))
        session.add(guide)


def _meeting(session: Session, now: datetime, hall: Hall) -> None:
    lead = current_app.config["SUNLIGHT"]["workflow"]["meeting_notice_lead_days"]
    day = local(now).date() + timedelta(days=lead)
    start = local_to_utc(datetime.combine(day, time(9, 0)))
    session.add(
        MeetingNotice(
            title="关于召开局党组会议邀请党员旁听的公告",
            meeting_at=start,
            meeting_ends_at=start + timedelta(hours=2),
            place="市民中心三楼第一会议室",
            topics="1. 研究“一件事一次办”改革推进工作；2. 研究服务大厅延时服务安排。",
            observer_quota=5,
            eligibility="组织关系在本局各支部、能够认真履行党员义务、乐于参与党内事务的党员；流动党员可持《流动党员活动证》申请。",
            how_to_register="会议召开前3日，持本人身份证和所属党支部介绍信到局办公室报名登记，按领域随机抽签确定。",
            register_until=start - timedelta(days=3),
            scope="public",
            hall=hall,
            published_at=now,
        )
    )
