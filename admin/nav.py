"""The console's navigation: links appear only for pages that exist and that
the signed-in user may open, so packages built in parallel (display_console,
feedback_console) show up in the nav as soon as they register."""

from __future__ import annotations

from flask import current_app, request, url_for
from flask_login import current_user
from markupsafe import Markup, escape
from werkzeug.routing import BuildError

from web import hall_scope

# (group label, [(endpoint, label), ...]) in menu order.
NAV = [
    ("工作台", [("admin.home", "仪表板"), ("admin.queue", "我的待办")]),
    (
        "公开内容",
        [
            ("admin.items", "公开事项"),
            ("admin.guides", "办事指南"),
            ("admin.guide_imports", "指南导入"),
            ("admin.meetings", "会议公告"),
            ("admin.slogans", "宣传标语"),
            ("admin.urgent_notices", "紧急通知"),
        ],
    ),
    (
        "屏幕与终端",
        [
            ("display_console.terminals", "终端管理"),
            ("display_console.playlists", "节目单"),
            ("display_console.schedules", "轮播时段"),
            ("display_console.led_controllers", "LED 控制卡"),
            ("display_console.proof_of_play", "播放记录"),
            ("monitoring.dashboard", "设备监控"),
            ("monitoring.power", "关屏时段"),
        ],
    ),
    (
        "排队叫号",
        [
            ("calling_console.index", "叫号器与窗口屏"),
            ("calling_console.stats", "等候与办理统计"),
        ],
    ),
    (
        "预警信息",
        [
            ("alerts_console.alerts", "收到的预警"),
            ("alerts_console.feeds", "预警接入源"),
            ("alerts_console.refused", "拒收文档"),
            ("alerts_console.settings", "演练与处置设置"),
        ],
    ),
    (
        "问询与评价",
        [
            ("feedback_console.queue", "问询办理"),
            ("feedback_console.ratings", "好差评回访"),
            ("feedback_console.refused", "离线未受理"),
            ("feedback_console.stats", "办理统计"),
        ],
    ),
    (
        "系统设置",
        [
            ("admin.catalogue", "公开目录"),
            ("admin.halls", "大厅与窗口"),
            ("admin.users", "用户与角色"),
            ("admin.hall_grants", "大厅授权"),
            ("admin.ledger", "审计日志"),
        ],
    ),
]


def has_endpoint(endpoint: str) -> bool:
    return endpoint in current_app.view_functions


def may_open(endpoint: str) -> bool:
    """The endpoint exists and the current user holds a role it requires."""
    view = current_app.view_functions.get(endpoint)
    if view is None:
        return False
    if endpoint in hall_scope.CITY_ONLY_ENDPOINTS and hall_scope.is_hall_user():
        return False
    roles = getattr(view, "required_roles", None)
    if roles is None or not roles:
        return True
    return current_user.is_authenticated and current_user.has_role(*roles)


def nav_link(endpoint: str, label: str, **values) -> Markup:
    """An <a> to ``endpoint`` if it exists and the user may open it, else ''."""
    if not may_open(endpoint):
        return Markup("")
    try:
        href = url_for(endpoint, **values)
    except BuildError:
        return Markup("")
    active = ' class="active" aria-current="page"' if request.endpoint == endpoint else ""
    return Markup(f'<a href="{escape(href)}"{active}>{escape(label)}</a>')


def admin_nav() -> list[tuple[str, list[tuple[str, str]]]]:
    """Groups with at least one link the user may open."""
    return [(group, links) for group, links in NAV if any(may_open(e) for e, _ in links)]
