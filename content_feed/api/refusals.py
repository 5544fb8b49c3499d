"""``POST /api/v1/refused-submissions``: a kiosk reports a queued submission the server
refused, before dropping it from its outbox (see content_feed.refusals)."""

from __future__ import annotations

from flask import jsonify

from content_feed.api import api
from content_feed.api.json_body import json_object
from content_feed.api.openapi import PROBLEM, describe
from content_feed.api.problems import Problem
from content_feed.api.submissions import _kiosk, spend_submission
from content_feed.clock import now
from content_feed.db import db
from content_feed.refusals import record_refusal
from content_feed.submissions import Refused


@api.post("/refused-submissions")
def report_refusal():
    data = json_object()
    terminal = _kiosk(data)
    spend_submission(terminal)
    try:
        row, created = record_refusal(db.session, data, terminal, now())
    except Refused as refused:
        raise Problem(422, refused.message, errors=refused.errors) from None
    response = jsonify({"id": row.id, "recorded": True})
    response.status_code = 201 if created else 200
    response.headers["Cache-Control"] = "no-store"
    return response


describe(
    {
        "/api/v1/refused-submissions": {
            "post": {
                "summary": "终端报告离线排队后被拒收的提交，供工作人员跟进",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["terminal", "kind", "body"],
                                "properties": {
                                    "terminal": {"type": "string"},
                                    "kind": {"type": "string", "enum": ["inquiries", "ratings"]},
                                    "body": {"type": "object"},
                                    "errors": {"type": "object"},
                                    "queued_at": {"type": "string", "format": "date-time"},
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "201": {"description": "已记录"},
                    "200": {"description": "同一提交已报告过"},
                    "400": PROBLEM,
                    "415": PROBLEM,
                    "422": PROBLEM,
                    "429": PROBLEM,
                },
            }
        }
    }
)
