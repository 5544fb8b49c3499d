"""OpenAPI description of the submission, status, answers, search and heartbeat routes."""

from __future__ import annotations

from content_feed.api.openapi import PROBLEM, describe, feed_get
from content_feed.submissions import DELIVERY_METHODS
from content_feed.vocabulary import INQUIRY_KINDS, RATING_TARGETS


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict) -> dict:
    return {"application/json": {"schema": schema}}


TOKEN_HEADER = {
    "name": "X-Terminal-Token",
    "in": "header",
    "required": True,
    "schema": {"type": "string"},
    "description": "触摸查询机的令牌（登记时发放一次）；不接受放在网址中",
}
TOO_MANY = {
    "description": "提交或查询过于频繁（RFC 9457 问题文档）",
    "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "秒"}},
    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
}


def _post(summary: str, request: str, response: str, description: str = "") -> dict:
    return {
        "post": {
            "summary": summary,
            "description": description,
            "parameters": [TOKEN_HEADER],
            "requestBody": {"required": True, "content": _json(_ref(request))},
            "responses": {
                "201": {"description": "已受理", "content": _json(_ref(response))},
                "200": {
                    "description": "同一提交编号的重试：返回第一次的回执，不重复保存",
                    "headers": {"Idempotent-Replayed": {"schema": {"type": "string"}}},
                    "content": _json(_ref(response)),
                },
                "400": PROBLEM,
                "401": PROBLEM,
                "413": PROBLEM,
                "415": PROBLEM,
                "422": PROBLEM,
                "429": TOO_MANY,
            },
        }
    }


IDEMPOTENCY = (
    "idempotency_key 由触摸查询机为每次提交生成（8–80 位字母、数字、-、_）；"
    "用同一编号重试只会得到同一张回执。每台终端每分钟的提交次数有限（feedback.rate_limit_per_minute）。"
)

SCHEMAS = {
    "InquiryRequest": {
        "type": "object",
        "required": ["terminal", "idempotency_key", "kind", "text"],
        "properties": {
            "terminal": {"type": "string", "description": "触摸查询机编号"},
            "idempotency_key": {"type": "string", "pattern": "^[A-Za-z0-9_-]{8,80}$"},
            "kind": {"type": "string", "enum": list(INQUIRY_KINDS)},
            "topic": {"type": "string", "maxLength": 100},
            "text": {"type": "string"},
            "name": {"type": "string", "maxLength": 60},
            "phone": {"type": "string"},
            "category": {"type": "string", "maxLength": 60},
            "delivery": {"type": "string", "enum": list(DELIVERY_METHODS)},
            "item_id": {"type": "integer", "description": "预公开意见：征求意见的事项"},
            "public_consent": {
                "type": "boolean",
                "description": "是否同意公开答复（默认不同意；不同意时只能改写后匿名公开）",
            },
        },
    },
    "InquiryReceipt": {
        "type": "object",
        "required": ["receipt_no", "kind", "state", "received_at"],
        "properties": {
            "receipt_no": {"type": "string"},
            "receipt_display": {"type": "string", "description": "分组显示的回执号"},
            "kind": {"type": "string"},
            "kind_label": {"type": "string"},
            "state": {"type": "string"},
            "state_label": {"type": "string"},
            "received_at": {"type": "string", "format": "date-time"},
            "due_on": {"type": ["string", "null"], "format": "date"},
            "status_url": {"type": "string"},
        },
    },
    "RatingRequest": {
        "type": "object",
        "required": ["terminal", "idempotency_key", "level"],
        "properties": {
            "terminal": {"type": "string"},
            "idempotency_key": {"type": "string", "pattern": "^[A-Za-z0-9_-]{8,80}$"},
            "level": {"type": "integer", "minimum": 1, "maximum": 5},
            "target": {"type": "string", "enum": list(RATING_TARGETS)},
            "window_id": {"type": "integer"},
            "guide_id": {"type": "integer"},
            "comment": {"type": "string"},
            "phone": {"type": "string"},
        },
    },
    "RatingReceipt": {
        "type": "object",
        "required": ["receipt_no", "level", "received_at", "follow_up"],
        "properties": {
            "receipt_no": {"type": "string"},
            "receipt_display": {"type": "string", "description": "分组显示的回执号"},
            "level": {"type": "integer"},
            "level_label": {"type": "string"},
            "target": {"type": "string"},
            "received_at": {"type": "string", "format": "date-time"},
            "follow_up": {"type": "boolean", "description": "差评：已开启回访整改"},
            "has_phone": {"type": "boolean", "description": "留了联系电话（才会电话回访）"},
            "contact_due_on": {"type": ["string", "null"], "format": "date"},
            "resolve_due_on": {"type": ["string", "null"], "format": "date"},
            "status_url": {"type": "string"},
        },
    },
    "Answer": {
        "type": "object",
        "required": ["receipt_no", "question", "reply"],
        "properties": {
            "receipt_no": {"type": "string"},
            "kind": {"type": "string"},
            "kind_label": {"type": "string"},
            "topic": {"type": "string"},
            "category": {"type": "string"},
            "question": {"type": "string"},
            "asker": {"type": "string", "description": "已脱敏；改写的问答为空"},
            "rewritten": {
                "type": "boolean",
                "description": "提问人未同意公开：问题由工作人员改写、匿名公开",
            },
            "reply": {"type": "string"},
            "received_on": {"type": ["string", "null"], "format": "date"},
            "replied_on": {"type": ["string", "null"], "format": "date"},
        },
    },
    "SearchResult": {
        "type": "object",
        "required": ["kind", "id", "title", "title_spans", "snippet", "snippet_spans"],
        "properties": {
            "kind": {"type": "string", "enum": ["item", "guide", "window"]},
            "id": {"type": "integer"},
            "title": {"type": "string"},
            "title_spans": {
                "type": "array",
                "description": "标题中命中的字符区间 [起, 止)",
                "items": {"type": "array", "items": {"type": "integer"}},
            },
            "snippet": {"type": "string"},
            "snippet_spans": {
                "type": "array",
                "items": {"type": "array", "items": {"type": "integer"}},
            },
            "matched_in": {"type": "string", "enum": ["title", "summary", "body"]},
            "category": {"type": "string"},
            "date": {"type": ["string", "null"], "format": "date"},
            "index_number": {"type": ["string", "null"]},
            "code": {"type": "string"},
        },
    },
}

_search = feed_get(
    "查找公开事项和办事指南（中文、拼音全拼或首字母）",
    {
        "type": "object",
        "required": ["query", "total", "results"],
        "properties": {
            "query": {"type": "string"},
            "total": {"type": "integer"},
            "total_capped": {"type": "boolean"},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "results": {"type": "array", "items": _ref("SearchResult")},
        },
    },
    ("hall", "surface", "page", "per_page"),
)
_search["get"]["parameters"].insert(
    0, {"name": "q", "in": "query", "required": True, "schema": {"type": "string", "maxLength": 40}}
)

_answers = feed_get(
    "已答复并公开的问询（个人信息已脱敏）",
    {
        "type": "object",
        "required": ["answers"],
        "properties": {"answers": {"type": "array", "items": _ref("Answer")}},
    },
    ("hall", "page", "per_page"),
)

describe(
    {
        "/api/v1/inquiries": _post(
            "提交问询、意见建议、依申请公开或预公开意见",
            "InquiryRequest",
            "InquiryReceipt",
            IDEMPOTENCY,
        ),
        "/api/v1/ratings": _post("提交好差评", "RatingRequest", "RatingReceipt", IDEMPOTENCY),
        "/api/v1/inquiries/{receipt_no}": {
            "get": {
                "summary": "凭回执号查询办理进度（只有进度，姓名、电话已脱敏）",
                "description": "回执号形如 WX-7KXM-4PQR-9HTW，大小写、空格和连字符均可；"
                "每个地址每分钟可查询 feedback.receipt_lookups_per_minute 次。",
                "parameters": [
                    {
                        "name": "receipt_no",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    }
                ],
                "responses": {
                    "200": {"description": "办理进度", "content": _json({"type": "object"})},
                    "404": PROBLEM,
                    "429": TOO_MANY,
                },
            }
        },
        "/api/v1/answers": _answers,
        "/api/v1/search": _search,
        "/api/v1/heartbeat": {
            "post": {
                "summary": "终端心跳：编号、当前页面、内容版本",
                "parameters": [TOKEN_HEADER],
                "requestBody": {
                    "required": True,
                    "content": _json(
                        {
                            "type": "object",
                            "required": ["terminal"],
                            "properties": {
                                "terminal": {"type": "string"},
                                "page": {"type": "string"},
                                "version": {"type": "string"},
                            },
                        }
                    ),
                },
                "responses": {
                    "200": {"description": "已记录", "content": _json({"type": "object"})},
                    "400": PROBLEM,
                    "401": PROBLEM,
                    "413": PROBLEM,
                    "415": PROBLEM,
                },
            }
        },
    },
    SCHEMAS,
)
