"""The alerts console's forms (Chinese refusals, as every console form)."""

from __future__ import annotations

import re

from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from admin.forms import ChoiceField, ConsoleForm, WholeNumberField, choices, in_range
from alerts.models import ACTIONS, LEVEL_NAMES


def http_url(form, field):
    value = (field.data or "").strip()
    if value and not re.match(r"^https?://[^\s/]+", value):
        raise ValidationError("请填写以 http:// 或 https:// 开头的网址")


class FeedForm(ConsoleForm):
    name = StringField("名称", validators=[DataRequired("请填写名称"), Length(max=100)])
    url = StringField(
        "拉取网址（CAP 文档或 ATOM/RSS 订阅）", validators=[Length(max=500), http_url]
    )
    interval_minutes = WholeNumberField(
        "拉取间隔（分钟）", default=1, validators=[in_range("拉取间隔", 1, 1440)]
    )
    silence_minutes = WholeNumberField(
        "静默告警（分钟）", default=30, validators=[in_range("静默告警", 0, 10080)]
    )
    active = BooleanField("启用", default=True)


class PolicyForm(ConsoleForm):
    drill_mode = BooleanField("演练模式（Exercise/Test 消息上屏，标注“演练”）")
    red_action = ChoiceField(LEVEL_NAMES["red"], choices=choices(ACTIONS))
    orange_action = ChoiceField(LEVEL_NAMES["orange"], choices=choices(ACTIONS))
    yellow_action = ChoiceField(LEVEL_NAMES["yellow"], choices=choices(ACTIONS))
    blue_action = ChoiceField(LEVEL_NAMES["blue"], choices=choices(ACTIONS))
    default_hours = WholeNumberField(
        "无有效期的预警显示时长（小时）", default=24, validators=[in_range("显示时长", 1, 168)]
    )


def division_code(form, field):
    if field.data and not re.fullmatch(r"\d{6}", field.data.strip()):
        raise ValidationError("行政区划代码应为 6 位数字（GB/T 2260），如 110102")


class CoordinateField(StringField):
    """A decimal degree, or empty."""

    def __init__(self, label, low: float, high: float, **kwargs):
        super().__init__(label, **kwargs)
        self.low, self.high = low, high

    def post_validate(self, form, validation_stopped):
        value = (self.data or "").strip()
        if not value:
            self.number = None
            return
        try:
            number = float(value)
        except ValueError:
            number = None
        if number is None or not self.low <= number <= self.high:
            self.errors.append(f"{self.label.text}应为 {self.low} 到 {self.high} 之间的十进制度数")
            self.number = None
            return
        self.number = number


class HallAreaForm(ConsoleForm):
    division_code = StringField("行政区划代码", validators=[Optional(), division_code])
    latitude = CoordinateField("纬度", -90, 90)
    longitude = CoordinateField("经度", -180, 180)

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if ok and (self.latitude.number is None) != (self.longitude.number is None):
            self.latitude.errors.append("纬度和经度须同时填写或同时留空")
            return False
        return ok and not self.latitude.errors and not self.longitude.errors


class EndForm(ConsoleForm):
    reason = TextAreaField("结束理由", validators=[DataRequired("请填写结束理由"), Length(max=500)])
