"""Errors as application/problem+json (RFC 9457) with Chinese titles."""

from __future__ import annotations

import json

from flask import Response, request
from werkzeug.exceptions import HTTPException

TITLES = {
    400: "请求参数有误",
    401: "需要登录",
    403: "没有权限",
    404: "未找到",
    405: "不支持该请求方法",
    409: "与现有数据冲突",
    413: "提交内容过大",
    415: "不支持的内容类型",
    422: "提交内容未通过校验",
    429: "请求过于频繁，请稍后再试",
    500: "服务器内部错误",
    503: "服务暂不可用",
}


class Problem(HTTPException):
    """Raise to answer with a problem document; ``errors`` maps fields to messages."""

    def __init__(
        self,
        status: int,
        detail: str = "",
        title: str | None = None,
        errors: dict | None = None,
        headers: dict | None = None,
        **extra,
    ):
        super().__init__(description=detail)
        self.code = status
        self.title = title or TITLES.get(status, "请求失败")
        self.errors = errors
        self.headers = headers or {}
        self.extra = extra

    def get_response(self, environ=None, scope=None):
        response = problem_response(
            self.code, self.description, self.title, self.errors, **self.extra
        )
        response.headers.update(self.headers)
        return response


def problem_response(
    status: int, detail: str = "", title: str | None = None, errors: dict | None = None, **extra
) -> Response:
    body = {
        "type": "about:blank",
        "title": title or TITLES.get(status, "请求失败"),
        "status": status,
    }
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    body["instance"] = request.path if request else None
    body.update(extra)
    return Response(
        json.dumps(body, ensure_ascii=False),
        status=status,
        mimetype="application/problem+json",
    )


def wants_problem() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"
