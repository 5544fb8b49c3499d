"""A ledger change in staff's words: each changed field under its Chinese label
(the label of the console form field that edits it), each value in words (states,
kinds and roles by their names, 是/否 for yes and no) — never JSON."""

from __future__ import annotations

from functools import lru_cache

from wtforms.fields.core import UnboundField

from content_feed import vocabulary as v
from display.led.palette import COLOUR_NAMES

# Fields no form edits, or whose form label says something else.
EXTRA_LABELS = {
    "state": "状态",
    "entries": "节目",
    "published_at": "发布时间",
    "published_by_id": "发布人",
    "withdrawn_at": "撤回时间",
    "terminal_id": "终端",
    "group_id": "分组",
    "playlist_id": "节目单",
    "hall_id": "服务大厅",
    "hall_ids": "服务大厅",
    "token_hash": "终端令牌",
    "roles": "角色",
    "assignee_id": "经办人",
    "due_on": "答复期限",
    "day_of_week": "哪些天",
    "archived_at": "归档时间",
    "archive_reason": "归档原因",
    "index_number": "索引号",
    "cancelled_at": "撤销时间",
    "sort_order": "排列顺序",
    "params": "内容",
    "filename": "文件名",
    "content_type": "文件类型",
    "size": "大小",
    "colour": "颜色",
}
# Value words: every vocabulary of the domain, and the LED colours.
VALUE_WORDS: dict[str, str] = {}
for table in (
    v.SCOPES,
    v.TIMELINESS,
    v.DISCLOSURE_MODES,
    v.TERMINAL_KINDS,
    v.LED_COLOR_MODES,
    v.LED_DELIVERY,
    v.REVISION_STATES,
    v.ITEM_STATES,
    v.GUIDE_STATES,
    v.ROLES,
    v.INQUIRY_KINDS,
    v.INQUIRY_STATES,
    v.MATERIAL_FORMS,
    v.MATERIAL_NECESSITY,
    COLOUR_NAMES,
):
    VALUE_WORDS.update({str(k): str(label) for k, label in table.items()})


def _form_classes():
    from admin import forms as admin_forms
    from display.console import forms as display_forms
    from inquiries.console import forms as inquiry_forms

    for module in (admin_forms, display_forms, inquiry_forms):
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, admin_forms.ConsoleForm):
                yield value


@lru_cache(maxsize=1)
def field_labels() -> dict[str, str]:
    labels: dict[str, str] = {}
    for form in _form_classes():
        for name in dir(form):
            field = getattr(form, name, None)
            if isinstance(field, UnboundField):
                label = field.kwargs.get("label") or (field.args[0] if field.args else None)
                if isinstance(label, str) and label:
                    labels.setdefault(name, label)
    return {**labels, **EXTRA_LABELS}


def label(name: str) -> str:
    return field_labels().get(name, "其他")


def words(value) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list | tuple):
        return "、".join(words(x) for x in value) or "（空）"
    if isinstance(value, dict):
        return "；".join(f"{label(k)}：{words(x)}" for k, x in value.items())
    text = str(value)
    return VALUE_WORDS.get(text, text)


def changes(before: dict | None, after: dict | None) -> list[tuple[str, str, str]]:
    """(field label, before, after) for each field the entry holds."""
    before, after = before or {}, after or {}
    rows = []
    for name in list(dict.fromkeys([*before, *after])):
        rows.append(
            (
                label(name),
                words(before.get(name)) if name in before else "",
                words(after.get(name)) if name in after else "",
            )
        )
    return rows
