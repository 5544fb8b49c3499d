"""The queue system's endpoint: one event per request, idempotent by its id."""

from __future__ import annotations

import json

from flask import Response

from calling import api_bp
from calling.credentials import queue_hall
from calling.schemas import CallEventIn, EventOutcome
from calling.state import receive, shown_state
from content_feed.api.declare import declare
from content_feed.api.json_body import json_object
from content_feed.api.validation import checked
from content_feed.clock import now
from content_feed.db import db
from content_feed.schemas import dump


@api_bp.post("/<hall>/events")
@declare(
    "叫号系统的事件：叫号、重呼、开始办理、办结、暂停、恢复、未到、转窗口",
    body=CallEventIn,
    response=EventOutcome,
    description="每个大厅一个令牌（X-Queue-Token，后台“排队叫号 › 叫号系统接入”生成）。"
    "同一 event_id 只处理一次，重发得到 duplicate；比窗口已处理事件更早的事件（乱序到达）"
    "只记入历史（stale）。窗口编号未登记时返回 422 并列出已登记的窗口。",
    status_description="已处理（或此前已处理）",
    problems=(400, 401, 413, 415, 422),
    path={"hall": {"description": "大厅编号（后台“大厅与窗口”）", "examples": ["demo-hall"]}},
)
def events(hall: str):
    found = queue_hall(db.session, hall)
    data = checked(CallEventIn, json_object())
    outcome = receive(db.session, found, data, now())
    reply = EventOutcome(
        event_id=outcome.event.event_id,
        status=outcome.status,
        window=shown_state(outcome.window),
    )
    return Response(
        json.dumps(dump(reply), ensure_ascii=False),
        mimetype="application/json",
        headers={"Cache-Control": "no-store"},
    )
