"""Error pages of the console: its own look, in Chinese, always with a way back to
/admin/. The application's error handlers call :func:`error_page` for paths under
/admin (Flask's blueprint handlers never see a 404 or 405 from routing)."""

from __future__ import annotations

from flask import render_template, request

ERRORS = {
    400: ("请求有误", "提交的内容无法处理，请返回检查后重试。"),
    403: ("没有权限", "您的账号没有打开这个页面的权限。如需办理，请联系管理员分配角色。"),
    404: ("页面不存在", "您要打开的页面或记录不存在，可能已被归档或地址有误。"),
    405: ("不支持的操作", "这个页面不支持该操作方式（{method}），请从页面上的按钮操作。"),
    413: ("上传的文件过大", "单个文件不能超过 10 MB，请压缩后再上传。"),
    429: ("操作过于频繁", "请稍等一分钟后再试。"),
    500: ("系统出现异常", "已记录本次错误，请稍后再试；如一再出现，请联系管理员。"),
}


def is_console_path() -> bool:
    return request.path == "/admin" or request.path.startswith("/admin/")


def error_page(code: int):
    """The console's page for ``code`` (falls back to 500's text for codes not listed)."""
    title, text = ERRORS.get(code, ERRORS[500] if code >= 500 else ERRORS[400])
    try:
        html = render_template(
            "admin/error.html", code=code, title=title, text=text.format(method=request.method)
        )
    except Exception:  # the console itself is broken (e.g. the database): plain text
        html = f"<!doctype html><meta charset=utf-8><h1>{title}</h1><p><a href='/admin/'>返回管理后台首页</a></p>"
    return html, code
