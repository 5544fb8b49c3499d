"""What kiosks send and ask: inquiries, ratings, their status and public answers.

Submissions are keyed by terminal for rate limiting: every kiosk has its own
budget of ``feedback.rate_limit_per_minute``, so one busy hall does not starve
another and a stuck kiosk cannot flood the queue.
"""

from __future__ import annotations

from flask import Response, current_app, jsonify, request

from content_feed import topics
from content_feed.api import api
from content_feed.api.args import hall_arg
from content_feed.api.caching import conditional, content_etag
from content_feed.api.declare import Reply, declare
from content_feed.api.json_body import BODY_PROBLEMS, json_object
from content_feed.api.problems import Problem
from content_feed.api.resources import of_asked_hall
from content_feed.api.terminal_auth import authenticated_kiosk
from content_feed.clock import now
from content_feed.db import db
from content_feed.models import Inquiry, Terminal
from content_feed.public_now import public_answers
from content_feed.schemas import dump
from content_feed.schemas.feed import Answers, PublicAnswer
from content_feed.schemas.queries import AnswersQuery
from content_feed.timefmt import local_date
from content_feed.vocabulary import INQUIRY_KINDS
from inquiries.api.progress import inquiry_receipt, progress, rating_receipt
from inquiries.privacy import mask_for
from inquiries.receipts import find_by_typed
from inquiries.schemas import (
    InquiryReceipt,
    InquiryRequest,
    Progress,
    RatingReceipt,
    RatingRequest,
)
from inquiries.submissions import Refused, submit_inquiry, submit_rating
from web.rate_limits import spend

RATE_MESSAGE = "本终端提交过于频繁，请稍等一分钟再提交；您填写的内容已保留"
IDEMPOTENCY = (
    "idempotency_key 由触摸查询机为每次提交生成（8–80 位字母、数字、-、_）；"
    "用同一编号重试只会得到同一张回执。每台终端每分钟的提交次数有限（feedback.rate_limit_per_minute）。"
    "内容须满足的规则（必填、长度、电话、屏蔽词）见 inquiries/submission_rules.json，触摸查询机提交前也按它检查。"
)


def _rate_limit() -> str:
    return f"{current_app.config['SUNLIGHT']['feedback']['rate_limit_per_minute']}/minute"


def _kiosk(data: dict) -> Terminal:
    """The authenticated kiosk of this request; its budget is spent only after that."""
    return authenticated_kiosk(data.get("terminal"))


def spend_submission(terminal: Terminal) -> None:
    """One budget per terminal for everything it submits, counted by the terminal's
    id: an unknown or unauthenticated terminal never gets a counter."""
    spend(_rate_limit(), "kiosk-submissions", str(terminal.id), RATE_MESSAGE)


def _intake(submit, receipt_json) -> Response:
    data = json_object()
    terminal = _kiosk(data)
    spend_submission(terminal)
    try:
        # Shape (the schema) and rules are checked by ``submit``.
        receipt = submit(
            db.session, data, terminal, current_app.config["SUNLIGHT"]["feedback"], now()
        )
    except Refused as refused:
        raise Problem(refused.status, refused.message, errors=refused.errors) from None
    response = jsonify(dump(receipt_json(receipt.record)))
    response.status_code = 201 if receipt.created else 200
    if not receipt.created:
        response.headers["Idempotent-Replayed"] = "true"
    response.headers["Cache-Control"] = "no-store"
    return response


def _replayed(schema) -> dict:
    return {
        200: Reply(
            "同一提交编号的重试：返回第一次的回执，不重复保存",
            schema,
            {"Idempotent-Replayed": "true"},
        )
    }


SUBMISSION = {
    "description": IDEMPOTENCY,
    "status": 201,
    "status_description": "已受理",
    "problems": (*BODY_PROBLEMS, 422, 429),
    "token": True,
}


@api.post("/inquiries")
@declare(
    "提交问询、意见建议、依申请公开或预公开意见",
    body=InquiryRequest,
    response=InquiryReceipt,
    replies=_replayed(InquiryReceipt),
    **SUBMISSION,
)
def post_inquiry():
    return _intake(submit_inquiry, inquiry_receipt)


@api.post("/ratings")
@declare(
    "提交好差评",
    body=RatingRequest,
    response=RatingReceipt,
    replies=_replayed(RatingReceipt),
    **SUBMISSION,
)
def post_rating():
    return _intake(submit_rating, rating_receipt)


LOOKUP_MESSAGE = "查询过于频繁，请稍等一分钟再查"


def spend_receipt_lookup() -> None:
    """Look-ups are counted per client address, so receipts cannot be guessed fast."""
    rate = f"{current_app.config['SUNLIGHT']['feedback']['receipt_lookups_per_minute']}/minute"
    spend(rate, "receipt-lookup", request.remote_addr or "-", LOOKUP_MESSAGE)


@api.get("/inquiries/<receipt_no>")
@declare(
    "凭回执号查询办理进度（不含姓名，电话已脱敏）",
    description="回执号形如 WX-7KXM-4PQR-9HTW，大小写、空格和连字符均可；"
    "每个地址每分钟可查询 feedback.receipt_lookups_per_minute 次。",
    response=Progress,
    status_description="办理进度",
    problems=(404, 429),
)
def inquiry_status(receipt_no: str):
    """Progress for whoever holds the receipt (public answers never carry one);
    personal data masked, the name never shown."""
    spend_receipt_lookup()
    found = find_by_typed(db.session, receipt_no)
    if found is None:
        raise Problem(404, "没有找到这个回执号的记录，请核对后再查")
    # Progress is personal: never kept by a shared cache, always revalidated.
    return content_etag(jsonify(dump(progress(found))), "private, no-cache")


def answer(inq: Inquiry) -> PublicAnswer:
    """A public answer: the asker's words only with their consent, otherwise the
    handler's anonymous rewrite of the question."""
    rewritten = bool(inq.public_question)
    # Nothing that leads back to the asker: no receipt number, no name, even masked.
    return PublicAnswer(
        kind=inq.kind,
        kind_label=INQUIRY_KINDS.get(inq.kind, inq.kind),
        topic="" if rewritten else mask_for(inq, inq.topic),
        category=mask_for(inq, inq.category),
        question=mask_for(inq, inq.public_question if rewritten else inq.text),
        rewritten=rewritten,
        reply=mask_for(inq, inq.reply),
        received_on=local_date(inq.received_at),
        replied_on=local_date(inq.replied_at),
    )


def _hall_answers() -> list[str]:
    return of_asked_hall(topics.ANSWERS)


@api.get("/answers")
@conditional(depends=_hall_answers)
@declare("已答复并公开的问询（个人信息已脱敏）", query=AnswersQuery, response=Answers)
def answers(query: AnswersQuery):
    hall = hall_arg()
    rows = db.session.execute(
        public_answers(hall_id=hall.id if hall else None)
        .limit(query.per_page)
        .offset((query.page - 1) * query.per_page)
    ).scalars()
    return Answers(answers=[answer(i) for i in rows], page=query.page, per_page=query.per_page)
