"""The ledger in Chinese: a name for every action written to it, and each object
shown by its title with a link to its page (not ``item 48``)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from markupsafe import Markup, escape
from sqlalchemy import select
from werkzeug.routing import BuildError

from admin.nav import may_open
from content_feed import models as m
from content_feed.db import db

# Every action written by the workflow, the console, the display console, uploads and jobs.
ACTION_LABELS = {
    "item.draft": "起草事项",
    "item.edit": "修改草稿",
    "item.revise": "修订事项",
    "item.propose": "提出",
    "item.review": "审核通过",
    "item.pre_disclose": "预公开",
    "item.publish": "审批并公开",
    "item.reject": "退回",
    "item.archive": "归档",
    "item.stale": "逾期未更新",
    "guide.create": "创建指南",
    "guide.update": "修改指南",
    "guide.publish": "上线",
    "guide.archive": "下线",
    "meeting.create": "创建会议公告",
    "meeting.update": "修改会议公告",
    "meeting.publish": "发布会议公告",
    "meeting.withdraw": "撤回会议公告",
    "slogan.create": "新增宣传标语",
    "slogan.update": "修改宣传标语",
    "urgent.create": "发布紧急通知",
    "urgent.update": "修改紧急通知",
    "urgent.cancel": "撤销紧急通知",
    "category.create": "新增公开目录",
    "category.update": "修改公开目录",
    "hall.create": "新增服务大厅",
    "hall.update": "修改服务大厅",
    "window.create": "新增窗口",
    "window.update": "修改窗口",
    "user.create": "创建用户",
    "user.update": "修改用户",
    "user.password": "重设密码",
    "hall_grant.grant": "按大厅授权",
    "hall_grant.update": "修改大厅授权",
    "hall_grant.revoke": "收回大厅授权",
    "attachment.add": "上传附件",
    "attachment.remove": "删除附件",
    "auth.login": "登录",
    "auth.fail": "登录失败",
    "inquiry.assign": "交办问询",
    "inquiry.state": "更改办理状态",
    "inquiry.reply": "答复问询",
    "inquiry.extend": "延长答复期限",
    "inquiry.reminder": "办理提醒",
    "personal_data.view": "查看个人信息",
    "rating.contact": "差评回访",
    "rating.resolve": "差评整改",
    "refused_submission.follow_up": "跟进离线未受理提交",
    "terminal.create": "登记终端",
    "terminal.update": "修改终端",
    "terminal.token": "签发终端令牌",
    "terminal.deactivate": "停用终端",
    "terminal.activate": "启用终端",
    "terminal_group.create": "新建终端分组",
    "playlist.create": "新建节目单",
    "playlist.update": "修改节目单",
    "playlist_entry.create": "添加节目",
    "playlist_entry.update": "调整节目",
    "playlist_entry.delete": "删除节目",
    "schedule.create": "新建轮播时段",
    "schedule.update": "修改轮播时段",
    "schedule.delete": "删除轮播时段",
    "system.backup": "数据库备份",
    "system.leader": "节点接管定时任务",
    "guide.import": "导入办事指南",
    "guide.import_create": "导入新建指南草稿",
    "guide.import_revision": "导入指南修订",
    "guide.revision_discard": "放弃导入修订",
    "led_controller.update": "修改LED控制卡推送设置",
    "auth.logout": "退出登录",
    "user.totp_on": "启用动态口令",
    "user.totp_off": "停用动态口令",
    "slogan.publish": "发布标语",
    "slogan.withdraw": "撤下标语",
    "demo.remove": "删除演示内容",
    "alert.receive": "收到预警",
    "alert.refuse": "拒收预警文档",
    "alert.show": "预警上屏",
    "alert.cancelled": "预警被撤销下屏",
    "alert.updated": "预警被更新下屏",
    "alert.expired": "预警到期下屏",
    "alert.ended": "人工结束预警",
    "alert.feed_silent": "预警接入源静默",
    "alert.feed_back": "预警接入源恢复",
    "alert_feed.create": "新增预警接入源",
    "alert_feed.update": "修改预警接入源",
    "alert_feed.token": "生成预警推送令牌",
    "alert_policy.update": "修改预警设置",
    "alert_hall_area.update": "设置大厅预警区域",
    "monitor.alert": "设备离线告警",
    "monitor.recover": "设备恢复在线",
    "monitor.command": "遥控屏幕",
    "power_schedule.create": "新建关屏时段",
    "power_schedule.delete": "删除关屏时段",
}


@dataclass(frozen=True)
class Kind:
    name: str  # what the object is, in Chinese
    model: type | None = None
    title: str = "title"  # attribute read as its title
    endpoint: str = ""  # console page of one object
    arg: str = ""


OBJECT_KINDS = {
    "item": Kind("公开事项", m.Item, "title", "admin.item_detail", "item_id"),
    "item_revision": Kind("事项修订", m.ItemRevision, "title"),
    "guide": Kind("办事指南", m.Guide, "name", "admin.guide_edit", "guide_id"),
    "meeting_notice": Kind("会议公告", m.MeetingNotice, "title"),
    "slogan": Kind("宣传标语", m.Slogan, "text"),
    "urgent_notice": Kind("紧急通知", m.UrgentNotice, "title"),
    "category": Kind("公开目录", m.Category, "name"),
    "hall": Kind("服务大厅", m.Hall, "name"),
    "hall_window": Kind("窗口", m.Window, "label"),
    "user": Kind("用户", m.User, "username"),
    "hall_grant": Kind("大厅授权", m.HallGrant, "label"),
    "attachment": Kind("附件", m.Attachment, "filename"),
    "inquiry": Kind("问询", m.Inquiry, "receipt_no", "feedback_console.inquiry", "inquiry_id"),
    "rating": Kind("好差评", m.Rating, "receipt_no", "feedback_console.rating", "rating_id"),
    "refused_submission": Kind("离线未受理提交", m.RefusedSubmission, "kind"),
    "terminal": Kind("终端", m.Terminal, "name", "display_console.terminal_edit", "terminal_id"),
    "terminal_group": Kind("终端分组", m.TerminalGroup, "name"),
    "playlist": Kind("节目单", m.Playlist, "name", "display_console.playlist", "playlist_id"),
    "playlist_entry": Kind("节目", m.PlaylistEntry, "kind"),
    "rotation_schedule": Kind(
        "轮播时段", m.RotationSchedule, "name", "display_console.schedule_edit", "schedule_id"
    ),
}


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


def object_titles(entries) -> dict[tuple[str, str], str]:
    """(object_type, object_id) → title, one query per type for a page of entries."""
    wanted: dict[str, set[int]] = {}
    for e in entries:
        if e.object_type in OBJECT_KINDS and str(e.object_id).isdigit():
            wanted.setdefault(e.object_type, set()).add(int(e.object_id))
    titles: dict[tuple[str, str], str] = {}
    for kind_name, ids in wanted.items():
        kind = OBJECT_KINDS[kind_name]
        if kind.model is None:
            continue
        rows = db.session.execute(select(kind.model).where(kind.model.id.in_(ids))).scalars()
        for row in rows:
            titles[(kind_name, str(row.id))] = str(getattr(row, kind.title, "") or "")
    return titles


def object_link(entry, titles: dict) -> Markup:
    """The object of a ledger row: its kind, its title, a link where there is a page."""
    if not entry.object_type:
        return Markup("")
    kind = OBJECT_KINDS.get(entry.object_type)
    if kind is None:
        return escape(f"{entry.object_type} {entry.object_id}")
    title = titles.get((entry.object_type, str(entry.object_id))) or f"#{entry.object_id}"
    text = escape(f"{kind.name}：{title}")
    if kind.endpoint and str(entry.object_id).isdigit() and may_open(kind.endpoint):
        try:
            href = url_for(kind.endpoint, **{kind.arg: int(entry.object_id)})
        except BuildError:
            return text
        return Markup(f'<a href="{escape(href)}">{text}</a>')
    return text


def object_text(entry, titles: dict) -> str:
    """The same as :func:`object_link`, as plain text (for the CSV)."""
    kind = OBJECT_KINDS.get(entry.object_type)
    if kind is None:
        return f"{entry.object_type} {entry.object_id}".strip()
    return (
        f"{kind.name}：{titles.get((entry.object_type, str(entry.object_id))) or entry.object_id}"
    )
