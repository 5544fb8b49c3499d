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


# What an error raised by Flask or Werkzeug itself (routing, methods, sizes) says,
# in place of its English description.
DETAILS = {
    400: "请求格式不正确",
    401: "请先登录",
    403: "没有访问该资源的权限",
    404: "请求的地址不存在，请核对网址或编号",
    405: "该地址不支持 {method} 请求",
    413: "提交的内容超过大小限制",
    415: "不支持的内容类型",
    429: "请求过于频繁，请稍后再试",
    500: "服务器出现异常，已记录，请稍后再试",
    503: "服务暂不可用，请稍后再试",
}


def chinese_detail(exc: HTTPException) -> str:
    """The Chinese detail for an HTTP error raised outside our views: a message given
    in Chinese (e.g. the rate limiter's) is kept, Werkzeug's English one is replaced."""
    if exc.description and not exc.description.isascii():
        return exc.description
    text = DETAILS.get(exc.code or 500, TITLES.get(exc.code or 500, "请求失败"))
    return text.format(method=request.method if request else "")


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
