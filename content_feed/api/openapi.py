"""The OpenAPI 3.1 document of /api/v1, generated from the routes' declarations.

Every route under /api/v1 (and a terminal route that wants to be in the
document, such as the screens' heartbeat) declares its query, body and answer
models with ``@declare`` (api/declare.py); this module walks the URL map and writes the
document from those declarations and the models' JSON Schemas (pydantic). A
route without a declaration is missing from the document, which the tests
refuse. The document is made once per application: routes and configuration
do not change while it runs.
"""

from __future__ import annotations

import inspect
import json
import re

from flask import Flask, Response, current_app
from pydantic import BaseModel, TypeAdapter
from pydantic.json_schema import GenerateJsonSchema
from werkzeug.routing import IntegerConverter

from content_feed.api import api
from content_feed.api.caching import content_etag
from content_feed.api.declare import Route, declare, route_of
from content_feed.schemas import Problem

REF = "#/components/schemas/{model}"
PROBLEM = {"$ref": "#/components/responses/Problem"}
TOO_MANY = {"$ref": "#/components/responses/TooMany"}
TOKEN_HEADER = {
    "name": "X-Terminal-Token",
    "in": "header",
    "required": True,
    "schema": {"type": "string"},
    "description": "终端的令牌（登记时发放一次）；不接受放在网址中",
}
# A screen's token: in the header, or in the address for LED cards that can only
# pull a URL (display/access.py); a kiosk's is never in a URL.
SCREEN_TOKEN_HEADER = {
    **TOKEN_HEADER,
    "required": False,
    "description": "终端的令牌（登记时发放一次）；只能拉取网址的 LED 控制卡可改用参数 token",
}
SCREEN_TOKEN_QUERY = {
    "name": "token",
    "in": "query",
    "schema": {"type": "string"},
    "description": "终端的令牌，供不能设置请求头的 LED 控制卡使用（有请求头时以请求头为准）",
}
IF_NONE_MATCH = {"name": "If-None-Match", "in": "header", "schema": {"type": "string"}}
CONDITIONAL_HEADERS = {
    "ETag": {"schema": {"type": "string"}, "description": "内容版本（内容的摘要）"},
    "Cache-Control": {"schema": {"type": "string"}},
}


class _Schemas(GenerateJsonSchema):
    # A title per property ("Id", "Code") says nothing the name does not.
    def field_title_should_be_set(self, schema) -> bool:
        return False


def _clean(schema: dict, config: dict, required: bool) -> dict:
    """A query parameter's schema for the document: a parameter is absent rather
    than null, and our ``x-`` markers are resolved."""
    schema = dict(schema)
    options = [s for s in schema.pop("anyOf", []) if s.get("type") != "null"]
    if len(options) == 1:
        schema.update(options[0])
    source = schema.pop("x-maximum-from", None)
    if source is not None:
        section, key = source.split(".")
        schema["maximum"] = config[section][key]
    schema.pop("x-required", None)
    if required or schema.get("default", 0) is None:
        schema.pop("default", None)
    return schema


def _owner(model: type[BaseModel], name: str) -> str:
    """The model that declares field ``name`` (shared parameters keep one name)."""
    for cls in model.__mro__:
        if name in inspect.get_annotations(cls):
            return cls.__name__
    return model.__name__


def _query_parameters(model, config: dict, parameters: dict) -> list[dict]:
    schema = model.model_json_schema(schema_generator=_Schemas)
    refs = []
    for name, info in model.model_fields.items():
        prop = schema["properties"][name]
        key = f"{_owner(model, name)}.{name}"
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        parameter = {"name": name, "in": "query"}
        required = info.is_required() or bool(extra.get("x-required"))
        if required:
            parameter["required"] = True
        else:
            # checked_query: an empty value counts as not given, and is documented so.
            parameter["allowEmptyValue"] = True
        prop = _clean(prop, config, required)
        description = prop.pop("description", None)
        if description:
            parameter["description"] = description
        parameter["schema"] = prop
        parameters[key] = parameter
        refs.append({"$ref": f"#/components/parameters/{key}"})
    return refs


# ``<converter(args):name>`` or ``<name>`` in a rule's public text.
_PLACEHOLDER = re.compile(
    r"<(?:(?P<converter>[a-zA-Z_][a-zA-Z0-9_]*)(?:\([^)]*\))?:)?(?P<name>\w+)>"
)


def _path_parameters(rule, route: Route) -> list[dict]:
    converters = rule.map.converters
    declared = {
        m["name"]: converters[m["converter"] or "default"] for m in _PLACEHOLDER.finditer(rule.rule)
    }
    out = []
    for name in sorted(rule.arguments):
        kind = "integer" if issubclass(declared[name], IntegerConverter) else "string"
        parameter = {"name": name, "in": "path", "required": True, "schema": {"type": kind}}
        extra = dict(route.path.get(name, {}))
        if "description" in extra:
            parameter["description"] = extra.pop("description")
        parameter["schema"].update(extra)
        out.append(parameter)
    return out


def _json(schema) -> dict:
    return {"application/json": {"schema": schema}}


def _operation(rule, view, route: Route, schemas: dict, config: dict, parameters: dict) -> dict:
    conditional = hasattr(view, "fast_answer")
    params = []
    if route.query is not None:
        params += _query_parameters(route.query, config, parameters)
    params += _path_parameters(rule, route)
    if route.token and route.token_in_url:
        params += [SCREEN_TOKEN_HEADER, SCREEN_TOKEN_QUERY]
    elif route.token:
        params.append(TOKEN_HEADER)
    if conditional:
        params.append(IF_NONE_MATCH)
    main: dict = {"description": route.status_description}
    headers = {
        name: {"schema": {"type": "string"}, "description": text}
        for name, text in route.headers.items()
    }
    if conditional or headers:
        main["headers"] = {**(CONDITIONAL_HEADERS if conditional else {}), **headers}
    if route.content:
        main["content"] = {
            media: {"schema": schemas[id(model)]} if model is not None else {}
            for media, model in route.content.items()
        }
    else:
        main["content"] = {
            route.media_type: {
                "schema": schemas[id(route.response)] if route.response is not None else {}
            }
        }
    responses = {str(route.status): main}
    for status, reply in route.replies.items():
        answer: dict = {"description": reply.description}
        if reply.headers:
            answer["headers"] = {
                name: {"schema": {"type": "string", "const": value}}
                for name, value in reply.headers.items()
            }
        if reply.schema is not None:
            answer["content"] = {reply.media_type: {"schema": schemas[id(reply.schema)]}}
        responses[str(status)] = answer
    if conditional:
        responses["304"] = {
            "description": "未变化（If-None-Match 命中）",
            "headers": CONDITIONAL_HEADERS,
        }
    for status in route.problems:
        responses[str(status)] = TOO_MANY if status == 429 else PROBLEM
    if conditional or route.query is not None:
        responses.setdefault("400", PROBLEM)
    operation = {"summary": route.summary}
    if route.description:
        operation["description"] = route.description
    if params:
        operation["parameters"] = params
    if route.body is not None:
        operation["requestBody"] = {"required": True, "content": _json(schemas[id(route.body)])}
    if route.request_media:
        operation["requestBody"] = {
            "required": True,
            "content": {
                media: {"schema": {"type": "string", "description": text}}
                for media, text in route.request_media.items()
            },
        }
    if route.bearer:
        operation["security"] = [{"feedToken": []}]
    operation["responses"] = responses
    return operation


def _declared(app: Flask):
    """(rule, method, view, route) of every declared route, in path order: all of
    /api/v1 and the terminals' JSON routes that declare themselves."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        view = app.view_functions[rule.endpoint]
        route = route_of(view)
        if route is None:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method, view, route


def _models(routes) -> list:
    found: dict[int, object] = {id(Problem): Problem}
    for *_, route in routes:
        for model in (
            route.response,
            route.body,
            *route.content.values(),
            *(r.schema for r in route.replies.values()),
        ):
            if model is not None:
                found[id(model)] = model
    return list(found.values())


def build_document(app: Flask) -> dict:
    config = app.config["SUNLIGHT"]
    routes = list(_declared(app))
    models = _models(routes)
    mode = {id(r.body): "validation" for *_, r in routes if r.body is not None}
    refs, defs = TypeAdapter.json_schemas(
        [(id(m), mode.get(id(m), "serialization"), TypeAdapter(m)) for m in models],
        ref_template=REF,
        schema_generator=_Schemas,
    )
    schemas = {key: schema for (key, _mode), schema in refs.items()}
    parameters: dict = {}
    paths: dict = {}
    for rule, method, view, route in routes:
        path = rule.rule
        for name in rule.arguments:
            path = path.replace(f"<int:{name}>", f"{{{name}}}").replace(f"<{name}>", f"{{{name}}}")
        paths.setdefault(path, {})[method.lower()] = _operation(
            rule, view, route, schemas, config, parameters
        )
    problem = {
        "description": "错误（RFC 9457 问题文档，中文说明）",
        "content": {"application/problem+json": {"schema": schemas[id(Problem)]}},
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "阳光公开 Sunlight feed API",
            "version": "1",
            "description": "服务大厅触摸查询机、大屏、LED 条屏的内容接口。只返回当前向社会公开的内容。",
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "feedToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "预警接入源的推送令牌（管理后台生成，只显示一次）",
                }
            },
            "schemas": defs.get("$defs", {}),
            "parameters": dict(sorted(parameters.items())),
            "responses": {
                "Problem": problem,
                "TooMany": {
                    **problem,
                    "description": "提交或查询过于频繁（RFC 9457 问题文档）",
                    "headers": {
                        "Retry-After": {"schema": {"type": "integer"}, "description": "秒"}
                    },
                },
            },
        },
    }


def document(app: Flask | None = None) -> dict:
    app = app or current_app._get_current_object()
    key = "sunlight.openapi"
    if key not in app.extensions:
        app.extensions[key] = build_document(app)
    return app.extensions[key]


@api.get("/openapi.json")
@declare("本文档（OpenAPI 3.1）", status_description="OpenAPI 3.1", problems=())
def openapi_json():
    body = json.dumps(document(), ensure_ascii=False, indent=1)
    return content_etag(Response(body, mimetype="application/json"), "public, max-age=3600")
