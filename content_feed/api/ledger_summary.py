"""The public ledger of requests (seed 002's 受理情况): counts only, no personal data."""

from __future__ import annotations

from flask import jsonify

from content_feed.api import api
from content_feed.api.caching import content_etag
from content_feed.api.openapi import describe
from content_feed.clock import now
from content_feed.db import db
from content_feed.feedback_stats import public_summary
from content_feed.timefmt import local


@api.get("/ledger-summary")
def ledger_summary():
    response = jsonify(public_summary(db.session, local(now()).date()))
    # Submissions do not move the feed version; a minute of staleness is fine here.
    return content_etag(response, "public, max-age=60")


describe(
    {
        "/api/v1/ledger-summary": {
            "get": {
                "summary": "问询受理情况公开统计（受理、办结、办理中、暂不能办、满意度）",
                "responses": {
                    "200": {
                        "description": "统计",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/LedgerSummary"}
                            }
                        },
                    }
                },
            }
        }
    },
    {
        "LedgerSummary": {
            "type": "object",
            "required": ["received", "done", "in_progress", "cannot_handle", "satisfaction"],
            "properties": {
                "received": {"type": "integer"},
                "done": {"type": "integer"},
                "in_progress": {"type": "integer"},
                "cannot_handle": {"type": "integer"},
                "overdue": {"type": "integer"},
                "on_time_share": {"type": ["number", "null"]},
                "avg_working_days_to_answer": {"type": ["number", "null"]},
                "by_month": {"type": "object"},
                "satisfaction": {"type": "object"},
            },
        }
    },
)
