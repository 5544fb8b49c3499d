"""The feed API's query values that need the database or the configuration (their
shape is checked by the route's query model, content_feed/schemas/queries.py).

Plain id and integer checks for every package are in shared.ids."""

from __future__ import annotations

from flask import current_app, request
from sqlalchemy import select

from content_feed.api.problems import Problem
from content_feed.db import db
from content_feed.models import Category, Hall


def per_page_arg(asked: int | None) -> int:
    """The page size asked for, within the configuration's bounds (feed.page_size,
    feed.max_page_size), which the document states as the parameter's maximum."""
    feed = current_app.config["SUNLIGHT"]["feed"]
    if asked is None:
        return feed["page_size"]
    high = feed["max_page_size"]
    if asked > high:
        limit = f"1 到 {high}"
        raise Problem(400, f"参数 per_page 应为 {limit}，收到 {asked}", errors={"per_page": limit})
    return asked


def hall_arg() -> Hall | None:
    code = request.args.get("hall")
    if not code:
        return None
    hall = db.session.execute(select(Hall).where(Hall.code == code)).scalar_one_or_none()
    if hall is None:
        raise Problem(404, f"没有编号为 {code!r} 的服务大厅", errors={"hall": "不存在"})
    return hall


def category_arg(code: str | None) -> Category | None:
    if not code:
        return None
    cat = db.session.execute(select(Category).where(Category.code == code)).scalar_one_or_none()
    if cat is None:
        raise Problem(404, f"公开目录中没有 {code!r}", errors={"category": "不存在"})
    return cat


def domain_arg(domain: str | None) -> str | None:
    if not domain:
        return None
    domains = current_app.config["SUNLIGHT"]["catalogue"]["domains"]
    if domain not in domains:
        raise Problem(
            400, f"参数 domain 应为 {'、'.join(domains)} 之一", errors={"domain": "取值无效"}
        )
    return domain
