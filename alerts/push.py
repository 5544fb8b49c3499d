"""Push: the warning release system POSTs a CAP document (or an ATOM feed of them)
to ``/alerts/feeds/<id>/cap`` with ``Authorization: Bearer <the feed's token>``."""

from __future__ import annotations

import hmac

from flask import jsonify, request
from sqlalchemy.exc import IntegrityError

from alerts import bp, lifecycle
from alerts.cap import MAX_BYTES
from alerts.models import AlertFeed
from alerts.schemas import AlertReceipt
from content_feed.api.declare import declare
from content_feed.api.problems import problem_response
from content_feed.clock import now
from content_feed.db import db
from content_feed.terminals import hash_token
from shared.ids import as_id


def _token() -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


# A plain path segment: an id that is no number is refused as any unknown feed is.
@bp.post("/feeds/<feed_id>/cap")
@declare(
    "推送 CAP 1.2 预警（GB/T 35965.1-2018）",
    response=AlertReceipt,
    description=(
        "预警发布系统把一份 CAP 1.2 预警文档（或含多条预警的 ATOM 订阅）推送到接入源。"
        "按 CAP 1.2 XML 模式校验；拒收的文档连同理由保存在管理后台“拒收文档”，从不上屏。"
        "同一 sender、identifier、sent 的消息只处理一次。"
    ),
    request_media={
        "application/cap+xml": "CAP 1.2 预警文档（XML，UTF-8，不超过 1 MB，不得含 DOCTYPE）",
        "application/atom+xml": "内嵌 CAP 预警的 ATOM 订阅",
    },
    bearer=True,
    path={"feed_id": {"description": "接入源编号（管理后台“预警接入源”）"}},
    problems=(401, 413, 422),
)
def push(feed_id: str):
    ident = as_id(feed_id)
    feed = db.session.get(AlertFeed, ident) if ident is not None else None
    token = _token()
    # The same answer for a wrong token and an unknown feed: nothing to probe.
    if (
        feed is None
        or not feed.active
        or not feed.push_token_hash
        or not token
        or not hmac.compare_digest(feed.push_token_hash, hash_token(token))
    ):
        return problem_response(
            401, "接入源令牌无效：请在请求头 Authorization: Bearer 中提供该接入源的令牌"
        )
    if (request.content_length or 0) > MAX_BYTES:
        return problem_response(413, f"文档超过 {MAX_BYTES // 1024} KB")
    data = request.get_data()
    try:
        receipt = lifecycle.receive(db.session, feed, data, via="push", now=now())
        db.session.commit()
    except IntegrityError:
        # The same message taken meanwhile by a poll or a parallel push: once more,
        # and it is a duplicate.
        db.session.rollback()
        receipt = lifecycle.receive(db.session, feed, data, via="push", now=now())
        db.session.commit()
    if receipt.refused and not (receipt.shown or receipt.held or receipt.heartbeats):
        return problem_response(422, "；".join(receipt.refused))
    body = AlertReceipt(
        shown=receipt.shown,
        held=receipt.held,
        duplicates=receipt.duplicates,
        heartbeats=receipt.heartbeats,
        refused=receipt.refused,
    )
    return jsonify(body.model_dump()), 200
