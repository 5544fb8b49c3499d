"""``GET /healthz``: whether this node can answer terminals correctly now.

Asked by monitors and by whatever balances load in front of the nodes. It is
healthy when the database answers and the content versions this node serves
from were read within their TTL (a node that cannot read them would serve
stale answers as if current). A hung node answers nothing, which a checker's
timeout counts as unhealthy. Never cached, never rate limited.
"""

from __future__ import annotations

import time

from flask import current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from cluster import bp
from content_feed.db import db
from content_feed.versioning import versions

# Versions read longer ago than this (beyond their TTL) are not fresh.
FRESH_SLACK_SECONDS = 5.0


@bp.get("/healthz")
def healthz():
    state = versions()
    problems = []
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        state.sync()
    except SQLAlchemyError:
        problems.append("数据库不可用")
    ttl = current_app.config["SUNLIGHT"]["feed"]["version_ttl_seconds"]
    age = state.age()
    if age is None or age > ttl + FRESH_SLACK_SECONDS:
        problems.append("内容版本未能及时读取")
    body = {
        "status": "ok" if not problems else "unhealthy",
        "problems": problems,
        "version": state.seq,
        "versions_age_seconds": None if age is None else round(age, 3),
        "checked_at": time.time(),
    }
    response = jsonify(body)
    response.status_code = 200 if not problems else 503
    response.headers["Cache-Control"] = "no-store"
    return response
