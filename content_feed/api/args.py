"""The feed API's query-string parsing: bad input gets a clear 400 problem.

Plain id and integer checks for every package are in content_feed.ids."""

from __future__ import annotations

from flask import current_app, request
from sqlalchemy import select

from content_feed.api.problems import Problem
from content_feed.db import db
from content_feed.ids import DB_INT_MAX
from content_feed.models import Category, Hall
from content_feed.vocabulary import SURFACES


def int_arg(name: str, default: int, low: int = 1, high: int | None = None) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise Problem(
            400, f"参数 {name} 必须是整数，收到 {raw!r}", errors={name: "必须是整数"}
        ) from None
    high = DB_INT_MAX // 1000 if high is None else high
    if value < low or value > high:
        limit = f"{low} 到 {high}"
        raise Problem(400, f"参数 {name} 应为 {limit}，收到 {value}", errors={name: limit})
    return value


def page_args() -> tuple[int, int]:
    feed = current_app.config["SUNLIGHT"]["feed"]
    page = int_arg("page", 1)
    per_page = int_arg("per_page", feed["page_size"], 1, feed["max_page_size"])
    return page, per_page


def hall_arg() -> Hall | None:
    code = request.args.get("hall")
    if not code:
        return None
    hall = db.session.execute(select(Hall).where(Hall.code == code)).scalar_one_or_none()
    if hall is None:
        raise Problem(404, f"没有编号为 {code!r} 的服务大厅", errors={"hall": "不存在"})
    return hall


def surface_arg() -> str | None:
    surface = request.args.get("surface")
    if not surface:
        return None
    if surface not in SURFACES:
        raise Problem(
            400,
            f"参数 surface 应为 {', '.join(SURFACES)} 之一，收到 {surface!r}",
            errors={"surface": "取值无效"},
        )
    return surface


def category_arg() -> Category | None:
    code = request.args.get("category")
    if not code:
        return None
    cat = db.session.execute(select(Category).where(Category.code == code)).scalar_one_or_none()
    if cat is None:
        raise Problem(404, f"公开目录中没有 {code!r}", errors={"category": "不存在"})
    return cat


def domain_arg() -> str | None:
    domain = request.args.get("domain")
    if not domain:
        return None
    domains = current_app.config["SUNLIGHT"]["catalogue"]["domains"]
    if domain not in domains:
        raise Problem(
            400, f"参数 domain 应为 {'、'.join(domains)} 之一", errors={"domain": "取值无效"}
        )
    return domain
