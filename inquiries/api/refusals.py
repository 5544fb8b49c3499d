"""``POST /api/v1/refused-submissions``: a kiosk reports a queued submission the server
refused, before dropping it from its outbox (see inquiries.refusals)."""

from __future__ import annotations

from flask import jsonify

from content_feed.api import api
from content_feed.api.declare import Reply, declare
from content_feed.api.json_body import BODY_PROBLEMS, json_object
from content_feed.api.problems import Problem
from content_feed.api.validation import checked
from content_feed.clock import now
from content_feed.db import db
from content_feed.schemas import dump
from inquiries.api.submissions import _kiosk, spend_submission
from inquiries.refusals import record_refusal
from inquiries.schemas import RefusalRecorded, RefusalReport
from inquiries.submissions import Refused


@api.post("/refused-submissions")
@declare(
    "终端报告离线排队后被拒收的提交，供工作人员跟进",
    body=RefusalReport,
    response=RefusalRecorded,
    status=201,
    status_description="已记录",
    replies={200: Reply("同一提交已报告过", RefusalRecorded)},
    problems=(*BODY_PROBLEMS, 422, 429),
    token=True,
)
def report_refusal():
    data = json_object()
    terminal = _kiosk(data)
    spend_submission(terminal)
    report = checked(RefusalReport, data)
    try:
        row, created = record_refusal(db.session, report, terminal, now())
    except Refused as refused:
        raise Problem(422, refused.message, errors=refused.errors) from None
    response = jsonify(dump(RefusalRecorded(id=row.id, recorded=True)))
    response.status_code = 201 if created else 200
    response.headers["Cache-Control"] = "no-store"
    return response
