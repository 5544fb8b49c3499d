"""The 设备监控 forms: a command to screens, a power schedule."""

from __future__ import annotations

from admin.forms import ChoiceField, ConsoleForm
from display.console.forms import ScheduleForm, checkboxes, line

ACTIONS = {
    "reload": "重新加载",
    "fetch": "立即更新内容",
    "identify": "显示终端编号",
    "screenshot": "截图",
    "off": "关屏",
    "on": "开屏",
}


class CommandForm(ConsoleForm):
    action = ChoiceField("命令", choices=list(ACTIONS.items()), invalid="请选择命令")
    terminal_ids = checkboxes("大屏", [], invalid="终端不存在或不在您的大厅")
    group_id = ChoiceField("或整个分组", coerce=int, default=0, invalid="分组不存在")


class PowerForm(ConsoleForm):
    """Days and times as in a rotation schedule: the same words, the same checks."""

    name = line("名称", 80)
    target = ChoiceField("终端或分组", invalid="请选择终端或分组")
    days = ScheduleForm.days
    weekdays = ScheduleForm.weekdays
    start_time = line("关屏时间", 5, default="20:00")
    end_time = line("开屏时间", 5, default="08:00")

    day_of_week = ScheduleForm.day_of_week
    check_days = ScheduleForm.check_days

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        return self.check_days() and ok
