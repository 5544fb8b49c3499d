"""Numbers from text that never raise on odd input, and the query values that need
the database or the configuration (their shape is checked by content_feed/schemas)."""

from __future__ import annotations

from flask import current_app, request
from sqlalchemy import select

from content_feed.api.problems import Problem
from content_feed.db import db
from content_feed.models import Category, Hall
from content_feed.schemas import DB_INT_MAX


def db_int(raw) -> int:
    """``int(raw)`` within ±DB_INT_MAX; ValueError otherwise (also for floats
    such as 1e999 from JSON, and for booleans). Usable as ``type=`` of
    ``request.args.get``."""
    if isinstance(raw, bool) or isinstance(raw, float) and not raw.is_integer():
        raise ValueError(f"not an integer: {raw!r}")
    try:
        value = int(raw)
    except (OverflowError, TypeError) as exc:
        raise ValueError(f"not an integer: {raw!r}") from exc
    if abs(value) > DB_INT_MAX:
        raise ValueError(f"out of range: {raw!r}")
    return value


def as_id(raw) -> int | None:
    """A positive id from form or query text (``"12"``), else None: never an
    exception, whatever the text (``"²"``, 5,000 digits, ``"-1"``)."""
    if not isinstance(raw, str) or not raw.isascii() or not raw.isdigit() or len(raw) > 10:
        return None
    value = int(raw)
    return value if 0 < value <= DB_INT_MAX else None


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
