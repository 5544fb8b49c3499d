"""The feed resources: catalogue, items, guides, meetings, slogans, urgent notices."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from content_feed import serialize, topics
from content_feed.api import api
from content_feed.api.args import category_arg, domain_arg, hall_arg, per_page_arg
from content_feed.api.caching import conditional
from content_feed.api.declare import declare
from content_feed.api.problems import Problem
from content_feed.catalogue import category_tree, descendant_ids
from content_feed.clock import now
from content_feed.db import db
from content_feed.models import Guide, Hall, Item
from content_feed.public_now import (
    current_urgent_notices,
    item_rule,
    public_guide,
    public_guides,
    public_item,
    public_items,
    public_meetings,
    public_slogans,
)
from content_feed.schemas import feed as schema
from content_feed.schemas.queries import HallQuery, ItemsQuery, SurfaceQuery


def _hall_id():
    hall = hall_arg()
    return hall.id if hall else None


# What each answer reads, by the hall it is asked for (none: every hall).
def of_asked_hall(family: str) -> list[str]:
    """A family's topics for the hall of ``?hall=``, and that hall's row."""
    hall_id = _hall_id()
    found = topics.of_hall(family, hall_id)
    return found if hall_id is None else [*found, topics.hall(hall_id)]


def content_of_hall() -> list[str]:
    return [*of_asked_hall(topics.CONTENT), topics.CATALOGUE]


def urgent_of_hall() -> list[str]:
    return of_asked_hall(topics.URGENT)


def all_halls() -> list[str]:
    return [topics.family(topics.CONTENT)]


@api.get("/catalogue")
@conditional(depends=content_of_hall)
@declare("公开目录树（含各节点公开事项数）", query=SurfaceQuery, response=schema.Catalogue)
def catalogue(query: SurfaceQuery):
    """The category tree with the number of public items under each node."""
    hall_id = _hall_id()
    surface = query.surface
    counts = dict(
        db.session.execute(
            select(Item.category_id, func.count(Item.id))
            .where(item_rule(now(), hall_id, surface))
            .group_by(Item.category_id)
        ).all()
    )
    return schema.Catalogue(
        domains=current_app.config["SUNLIGHT"]["catalogue"]["domains"],
        categories=category_tree(counts),
    )


@api.get("/halls")
@conditional(depends=all_halls)
@declare("服务大厅与窗口", query=None, response=schema.Halls)
def halls():
    rows = db.session.execute(
        select(Hall).options(selectinload(Hall.windows)).order_by(Hall.id)
    ).scalars()
    return schema.Halls(
        halls=[serialize.hall(h) for h in rows],
        timezone=current_app.config["SUNLIGHT"]["hall"]["timezone"],
    )


@api.get("/items")
@conditional(depends=content_of_hall)
@declare("当前公开的事项（分页）", query=ItemsQuery, response=schema.ItemsPage)
def items(query: ItemsQuery):
    page, per_page = query.page, per_page_arg(query.per_page)
    stmt = public_items(now(), hall_id=_hall_id(), surface=query.surface)
    category = category_arg(query.category)
    if category is not None:
        stmt = stmt.where(Item.category_id.in_(descendant_ids(category)))
    domain = domain_arg(query.domain)
    if domain is not None:
        stmt = stmt.where(Item.domain == domain)
    total = db.session.execute(select(func.count()).select_from(stmt.subquery())).scalar()
    rows = db.session.execute(
        stmt.options(selectinload(Item.category), selectinload(Item.halls))
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).scalars()
    return schema.ItemsPage(
        items=[serialize.item_summary(i) for i in rows],
        page=page,
        per_page=per_page,
        total=total,
        pages=(total + per_page - 1) // per_page,
    )


@api.get("/items/<int:item_id>")
@conditional(depends=content_of_hall)
@declare("一条公开事项", query=SurfaceQuery, response=schema.ItemDetail)
def item(item_id: int, query: SurfaceQuery):
    found = public_item(db.session, item_id, now(), hall_id=_hall_id(), surface=query.surface)
    if found is None:
        raise Problem(404, f"公开事项 {item_id} 不存在或未公开")
    return serialize.item_detail(found)


@api.get("/guides")
@conditional(depends=content_of_hall)
@declare("办事指南列表", query=HallQuery, response=schema.Guides)
def guides(query: HallQuery):
    rows = db.session.execute(
        public_guides(now(), hall_id=_hall_id()).options(selectinload(Guide.window))
    ).scalars()
    return schema.Guides(guides=[serialize.guide_summary(g) for g in rows])


@api.get("/guides/<int:guide_id>")
@conditional(depends=content_of_hall)
@declare("一份办事指南", query=HallQuery, response=schema.GuideDetail)
def guide(guide_id: int, query: HallQuery):
    found = public_guide(db.session, guide_id, now(), hall_id=_hall_id())
    if found is None:
        raise Problem(404, f"办事指南 {guide_id} 不存在或未公开")
    return serialize.guide_detail(found)


@api.get("/meetings")
@conditional(depends=content_of_hall)
@declare("会议公告（党员旁听）", query=HallQuery, response=schema.Meetings)
def meetings(query: HallQuery):
    rows = db.session.execute(public_meetings(now(), hall_id=_hall_id())).scalars()
    return schema.Meetings(meetings=[serialize.meeting(m) for m in rows])


@api.get("/slogans")
@conditional(depends=content_of_hall)
@declare("宣传标语", query=HallQuery, response=schema.Slogans)
def slogans(query: HallQuery):
    rows = db.session.execute(public_slogans(now(), hall_id=_hall_id())).scalars()
    return schema.Slogans(slogans=[serialize.slogan(s) for s in rows])


@api.get("/urgent-notices")
@conditional(depends=urgent_of_hall)
@declare(
    "当前紧急通知（面向本大厅全部终端的）",
    query=SurfaceQuery,
    response=schema.UrgentNotices,
    description="只针对某个终端分组的紧急通知不在此列：终端凭令牌各自获取（触摸查询机 "
    "/kiosk/{code}/urgent.json，大屏节目单）。",
)
def urgent_notices(query: SurfaceQuery):
    # No terminal asks here, so no group: notices for every terminal only.
    rows = db.session.execute(
        current_urgent_notices(now(), hall_id=_hall_id(), surface=query.surface, group_ids=())
    ).scalars()
    return schema.UrgentNotices(urgent_notices=[serialize.urgent(n) for n in rows])
