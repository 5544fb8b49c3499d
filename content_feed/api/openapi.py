"""The OpenAPI 3.1 document of /api/v1.

Each module that adds routes under /api/v1 adds their description with
:func:`describe`; a test checks that every route is described and that the
document validates.
"""

from __future__ import annotations

import copy
import json

from flask import Response

from content_feed.api import api
from content_feed.api.caching import content_etag

PROBLEM = {"$ref": "#/components/responses/Problem"}
NOT_MODIFIED = {"description": "未变化（If-None-Match 命中）"}

COMPONENTS: dict = {
    "parameters": {
        "hall": {
            "name": "hall",
            "in": "query",
            "schema": {"type": "string"},
            "description": "服务大厅编号：只返回面向该大厅的内容",
        },
        "surface": {
            "name": "surface",
            "in": "query",
            "schema": {"type": "string", "enum": ["kiosk", "wall", "led"]},
            "description": "终端类型",
        },
        "page": {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
        "per_page": {
            "name": "per_page",
            "in": "query",
            "schema": {"type": "integer", "minimum": 1, "maximum": 100},
        },
        "ifNoneMatch": {"name": "If-None-Match", "in": "header", "schema": {"type": "string"}},
    },
    "headers": {
        "ETag": {"schema": {"type": "string"}, "description": "内容版本"},
        "Cache-Control": {"schema": {"type": "string"}},
    },
    "responses": {
        "Problem": {
            "description": "错误（RFC 9457）",
            "content": {
                "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
            },
        }
    },
    "schemas": {
        "Problem": {
            "type": "object",
            "required": ["title", "status"],
            "properties": {
                "type": {"type": "string"},
                "title": {"type": "string"},
                "status": {"type": "integer"},
                "detail": {"type": "string"},
                "instance": {"type": ["string", "null"]},
                "errors": {"type": "object", "additionalProperties": {"type": "string"}},
            },
        },
        "Category": {
            "type": "object",
            "required": ["id", "code", "name", "domain"],
            "properties": {
                "id": {"type": "integer"},
                "code": {"type": "string"},
                "name": {"type": "string"},
                "domain": {"type": "string"},
            },
        },
        "CategoryNode": {
            "type": "object",
            "required": ["id", "code", "name", "count", "children"],
            "properties": {
                "id": {"type": "integer"},
                "code": {"type": "string"},
                "name": {"type": "string"},
                "domain": {"type": "string"},
                "required": {"type": "boolean"},
                "count": {"type": "integer"},
                "children": {
                    "type": "array",
                    "items": {"$ref": "#/components/schemas/CategoryNode"},
                },
            },
        },
        "ItemSummary": {
            "type": "object",
            "required": ["id", "title", "category", "index_number", "online_url"],
            "properties": {
                "id": {"type": "integer"},
                "index_number": {"type": ["string", "null"]},
                "title": {"type": "string"},
                "led_text": {"type": "string"},
                "domain": {"type": "string"},
                "category": {"$ref": "#/components/schemas/Category"},
                "disclosure_mode": {"type": "string", "enum": ["proactive", "on_request"]},
                "disclosure_mode_label": {"type": "string"},
                "timeliness": {
                    "type": "string",
                    "enum": ["standing", "periodic", "staged", "immediate"],
                },
                "timeliness_label": {"type": "string"},
                "refresh_period_days": {"type": ["integer", "null"]},
                "publishing_body": {"type": "string"},
                "subject": {"type": "string"},
                "document_number": {"type": "string"},
                "written_on": {"type": ["string", "null"], "format": "date"},
                "published_on": {"type": ["string", "null"], "format": "date"},
                "updated_at": {"type": ["string", "null"], "format": "date-time"},
                "valid_from": {"type": ["string", "null"], "format": "date-time"},
                "valid_until": {"type": ["string", "null"], "format": "date-time"},
                "summary": {"type": "string", "maxLength": 100},
                "surfaces": {"type": "array", "items": {"type": "string"}},
                "halls": {"type": "array", "items": {"type": "string"}},
                "online_url": {"type": "string"},
                "qr": {"type": "string"},
                "pre_disclosure": {"type": ["object", "null"]},
            },
        },
        "ItemDetail": {
            "allOf": [
                {"$ref": "#/components/schemas/ItemSummary"},
                {
                    "type": "object",
                    "properties": {
                        "body_html": {"type": "string"},
                        "attachments": {"type": "array", "items": {"type": "object"}},
                    },
                },
            ]
        },
        "GuideSummary": {
            "type": "object",
            "required": ["id", "code", "name"],
            "properties": {
                "id": {"type": "integer"},
                "code": {"type": "string"},
                "name": {"type": "string"},
                "kind": {"type": "string"},
                "summary": {"type": "string"},
                "implementing_body": {"type": "string"},
                "statutory_limit": {"type": "string"},
                "promised_limit": {"type": "string"},
                "fee": {"type": "string"},
                "online": {"type": "boolean"},
                "window": {"type": "string"},
                "hall": {"type": ["string", "null"]},
                "page_url": {"type": "string"},
                "qr": {"type": "string"},
            },
        },
        "GuideDetail": {
            "allOf": [
                {"$ref": "#/components/schemas/GuideSummary"},
                {
                    "type": "object",
                    "properties": {
                        "materials": {"type": "array", "items": {"type": "object"}},
                        "steps": {"type": "array", "items": {"type": "object"}},
                        "fees": {"type": "array", "items": {"type": "object"}},
                        "faqs": {"type": "array", "items": {"type": "object"}},
                    },
                },
            ]
        },
        "Meeting": {
            "type": "object",
            "required": ["id", "title", "meeting_at", "place"],
            "properties": {
                "id": {"type": "integer"},
                "title": {"type": "string"},
                "meeting_at": {"type": "string", "format": "date-time"},
                "place": {"type": "string"},
            },
        },
        "Slogan": {
            "type": "object",
            "required": ["id", "text"],
            "properties": {"id": {"type": "integer"}, "text": {"type": "string"}},
        },
        "UrgentNotice": {
            "type": "object",
            "required": ["id", "title", "starts_at", "ends_at"],
            "properties": {
                "id": {"type": "integer"},
                "title": {"type": "string"},
                "body": {"type": "string"},
                "starts_at": {"type": "string", "format": "date-time"},
                "ends_at": {"type": "string", "format": "date-time"},
            },
        },
    },
}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def feed_get(
    summary: str, schema: dict, params: tuple[str, ...] = (), path_params: tuple[str, ...] = ()
) -> dict:
    """A conditional GET: 200 with ETag, 304, and problems."""
    parameters = [{"$ref": f"#/components/parameters/{p}"} for p in (*params, "ifNoneMatch")]
    parameters += [
        {"name": p, "in": "path", "required": True, "schema": {"type": "integer"}}
        for p in path_params
    ]
    return {
        "get": {
            "summary": summary,
            "parameters": parameters,
            "responses": {
                "200": {
                    "description": "成功",
                    "headers": {
                        "ETag": {"$ref": "#/components/headers/ETag"},
                        "Cache-Control": {"$ref": "#/components/headers/Cache-Control"},
                    },
                    "content": {"application/json": {"schema": schema}},
                },
                "304": NOT_MODIFIED,
                "400": PROBLEM,
                "404": PROBLEM,
            },
        }
    }


def _list_of(key: str, name: str) -> dict:
    return {
        "type": "object",
        "required": [key],
        "properties": {key: {"type": "array", "items": _ref(name)}},
    }


PATHS: dict = {
    "/api/v1/catalogue": feed_get(
        "公开目录树（含各节点公开事项数）",
        {
            "type": "object",
            "properties": {
                "domains": {"type": "array", "items": {"type": "string"}},
                "categories": {"type": "array", "items": _ref("CategoryNode")},
            },
        },
        ("hall", "surface"),
    ),
    "/api/v1/halls": feed_get("服务大厅与窗口", {"type": "object"}),
    "/api/v1/items": feed_get(
        "当前公开的事项（分页）",
        {
            "type": "object",
            "required": ["items", "page", "per_page", "total", "pages"],
            "properties": {
                "items": {"type": "array", "items": _ref("ItemSummary")},
                "page": {"type": "integer"},
                "per_page": {"type": "integer"},
                "total": {"type": "integer"},
                "pages": {"type": "integer"},
            },
        },
        ("hall", "surface", "page", "per_page"),
    ),
    "/api/v1/items/{item_id}": feed_get(
        "一条公开事项", _ref("ItemDetail"), ("hall", "surface"), ("item_id",)
    ),
    "/api/v1/guides": feed_get("办事指南列表", _list_of("guides", "GuideSummary"), ("hall",)),
    "/api/v1/guides/{guide_id}": feed_get(
        "一份办事指南", _ref("GuideDetail"), ("hall",), ("guide_id",)
    ),
    "/api/v1/meetings": feed_get(
        "会议公告（党员旁听）", _list_of("meetings", "Meeting"), ("hall",)
    ),
    "/api/v1/slogans": feed_get("宣传标语", _list_of("slogans", "Slogan"), ("hall",)),
    "/api/v1/urgent-notices": feed_get(
        "当前紧急通知", _list_of("urgent_notices", "UrgentNotice"), ("hall", "surface")
    ),
    "/api/v1/openapi.json": {
        "get": {"summary": "本文档", "responses": {"200": {"description": "OpenAPI 3.1"}}}
    },
}

# The category filter and domain filter apply to /items only.
PATHS["/api/v1/items"]["get"]["parameters"] += [
    {
        "name": "category",
        "in": "query",
        "schema": {"type": "string"},
        "description": "公开目录编号（含下级）",
    },
    {"name": "domain", "in": "query", "schema": {"type": "string"}},
]


def describe(paths: dict, schemas: dict | None = None) -> None:
    """Add the description of routes another module registers under /api/v1."""
    PATHS.update(paths)
    COMPONENTS["schemas"].update(schemas or {})


def document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "阳光公开 Sunlight feed API",
            "version": "1",
            "description": "服务大厅触摸查询机、大屏、LED 条屏的内容接口。只返回当前向社会公开的内容。",
        },
        "servers": [{"url": "/"}],
        "paths": copy.deepcopy(PATHS),
        "components": copy.deepcopy(COMPONENTS),
    }


@api.get("/openapi.json")
def openapi_json():
    body = json.dumps(document(), ensure_ascii=False, indent=1)
    return content_etag(Response(body, mimetype="application/json"), "public, max-age=3600")
