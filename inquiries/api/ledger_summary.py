"""The public ledger of requests (seed 002's 受理情况): counts only, no personal data."""

from __future__ import annotations

from flask import jsonify

from content_feed.api import api
from content_feed.api.caching import content_etag
from content_feed.api.declare import declare
from content_feed.clock import now
from content_feed.db import db
from content_feed.schemas import dump
from content_feed.timefmt import local
from inquiries.schemas import LedgerSummary
from inquiries.statistics import public_summary


@api.get("/ledger-summary")
@declare(
    "问询受理情况公开统计（受理、办结、办理中、暂不能办、满意度）",
    response=LedgerSummary,
    status_description="统计",
    problems=(),
)
def ledger_summary():
    summary = LedgerSummary.model_validate(public_summary(db.session, local(now()).date()))
    # Submissions do not move the feed version; a minute of staleness is fine here.
    return content_etag(jsonify(dump(summary)), "public, max-age=60")
