"""WTForms of the display console (terminals, groups, playlists, schedules, LED
delivery), in the console's one style: every refusal names its field in Chinese,
nothing is cut short or replaced, and what was typed comes back in the form.

Choices that come from the database (halls, groups, playlists, targets) are set
by the views."""

from __future__ import annotations

import ipaddress
import re

from wtforms import BooleanField, DateField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget, RadioInput

from admin.forms import (
    ChoiceField,
    ChoicesField,
    ConsoleForm,
    WholeNumberField,
    choices,
    in_range,
    strip,
)
from content_feed.vocabulary import (
    LED_COLOR_MODES,
    LED_DELIVERY,
    ONBON_LENGTH_FORMS,
    ONBON_WORD_ORDERS,
    TERMINAL_KINDS,
)
from display.daypart import (
    DAY_CHOICES,
    WEEKDAY_NAMES,
    Daypart,
    chosen_days,
    day_choice,
    minutes,
)
from display.led.onbon.commands import DEVICE_TYPES, MAX_AREAS
from display.led.palette import COLOUR_NAMES
from display.playlist import ENTRY_KINDS, RULES, is_local_url
from shared.ids import DB_INT_MAX


def line(label: str, limit: int, *, required: bool = False, default: str | None = None):
    """A line of text, trimmed; refused past ``limit`` characters, never cut."""
    validators = [DataRequired(f"请填写{label}")] if required else []
    validators.append(Length(max=limit, message=f"{label}不能超过 {limit} 个字符"))
    filters = [strip] + ([lambda v: v or default] if default is not None else [])
    return StringField(label, validators=validators, filters=filters, default=default or "")


def number(label: str, low: int, high: int, default: int):
    return WholeNumberField(label, default=default, validators=[in_range(label, low, high)])


class DayField(DateField):
    """A date (YYYY-MM-DD) or nothing; a refusal names the field."""

    def __init__(self, label=None, **kwargs):
        super().__init__(label, validators=[Optional()], **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(f"{self.label.text}应为日期 YYYY-MM-DD") from None


def refuse(field, message: str) -> bool:
    field.errors = [*field.errors, message]
    return False


# -- terminals ---------------------------------------------------------------------


class TerminalForm(ConsoleForm):
    name = line("名称", 120, required=True)
    kind = ChoiceField(
        "类型", choices=choices(TERMINAL_KINDS), default="wall", invalid="终端类型无效"
    )
    hall_id = ChoiceField("服务大厅", coerce=int, invalid="服务大厅不存在")
    group_ids = ChoicesField(
        "分组",
        coerce=int,
        invalid="分组不存在",
        render_kw={"class": "check-list"},
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    active = BooleanField("启用", default=True)
    width = number("宽度", 8, 16384, 1920)
    height = number("高度", 8, 16384, 1080)
    color_mode = ChoiceField("LED 颜色模式", choices=choices(LED_COLOR_MODES), default="mono")
    led_color = ChoiceField("单色屏颜色", choices=list(COLOUR_NAMES.items()), default="red")
    font_size = number("字号", 8, 64, 16)
    scroll_speed = number("滚动速度", 1, 500, 32)


class NewTerminalForm(TerminalForm):
    code = line("终端编号", 40, required=True)

    def validate_code(self, field):
        if not all(c.isascii() and (c.isalnum() or c in "-_") for c in field.data):
            raise ValidationError("终端编号只能用字母、数字、- 和 _")


class GroupForm(ConsoleForm):
    name = line("分组名称", 80, required=True)


class PlaylistForm(ConsoleForm):
    name = line("节目单名称", 80, required=True)


# -- playlist entries ----------------------------------------------------------------

# Which reference each fixed kind needs.
REFERENCE = {
    "item_headline": "item_id",
    "item_page": "item_id",
    "guide": "guide_id",
    "slogan": "slogan_id",
    "meeting": "meeting_id",
}


class EntryForm(ConsoleForm):
    """One entry of a playlist; which fields count depends on its kind."""

    kind = ChoiceField("类型", choices=choices(ENTRY_KINDS), invalid="节目类型无效")
    duration_seconds = number("时长", 1, 3600, 10)
    # The operator types a title and picks; the pick fills the hidden number.
    ref_title = line("内容标题", 200)
    ref_id = WholeNumberField(
        "内容", validators=[Optional(), in_range("内容", 1, DB_INT_MAX)], widget=HiddenInput()
    )
    # Checked by validate() for the kinds that use them.
    rule = ChoiceField("规则", choices=choices(RULES), validate_choice=False)
    category = ChoiceField("公开目录", validate_choice=False, default="")
    limit = number("条数", 1, 50, 10)
    show = BooleanField("显示全文（默认只显示标题）", false_values=("", "false", "0"))
    title = line("标题", 100)
    url = line("网址", 500)
    text = line("说明文字", 200)
    caption = line("二维码下方文字", 40)

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        kind = self.kind.data
        if kind in REFERENCE and self.ref_id.data is None and not self.ref_title.data:
            ok = refuse(self.ref_title, "请输入标题并从列表中选择内容")
        if kind == "rule":
            if self.rule.data not in RULES:
                ok = refuse(self.rule, "请选择规则")
            known = {value for value, _label in self.category.choices or []}
            if self.rule.data == "newest_items" and self.category.data not in known:
                ok = refuse(self.category, "公开目录不存在")
        if kind in ("qr_card", "image") and not self.url.data and not self.url.errors:
            ok = refuse(self.url, "请填写二维码网址" if kind == "qr_card" else "请填写图片地址")
        if kind == "image" and self.url.data and not is_local_url(self.url.data):
            ok = refuse(self.url, "图片须来自本服务器（以 / 开头的地址），大厅内网不访问互联网")
        return ok

    def params(self) -> dict:
        kind = self.kind.data
        if kind in REFERENCE:
            return {REFERENCE[kind]: self.ref_id.data}
        if kind == "rule":
            params = {"rule": self.rule.data, "limit": self.limit.data}
            if self.rule.data == "newest_items" and self.category.data:
                params["category"] = self.category.data
            if self.show.data:
                params["show"] = "item_page"
            return params
        keys = ("url", "title", "text", "caption") if kind == "qr_card" else ("url", "title")
        return {k: self[k].data for k in keys}


# -- rotation schedules --------------------------------------------------------------


def checkboxes(label: str, options, **kwargs):
    """Several choices as a list of checkboxes."""
    return ChoicesField(
        label,
        choices=options,
        coerce=int,
        render_kw={"class": "check-list"},
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        **kwargs,
    )


class ScheduleForm(ConsoleForm):
    name = line("名称", 80)
    playlist_id = ChoiceField("节目单", coerce=int, invalid="节目单不存在")
    # "t:<terminal id>" or "g:<group id>", offered by the view.
    target = ChoiceField("终端或分组", invalid="请选择终端或分组")
    date_from = DayField("开始日期")
    date_to = DayField("结束日期")
    days = ChoiceField(
        "哪些天",
        choices=[(k, label) for k, (label, _stored) in DAY_CHOICES.items()],
        default="every",
        invalid="请选择哪些天播放",
        widget=ListWidget(prefix_label=False),
        option_widget=RadioInput(),
        render_kw={"class": "check-list"},
    )
    weekdays = checkboxes(
        "自选星期", [(n, f"周{name}") for n, name in enumerate(WEEKDAY_NAMES)], invalid="星期无效"
    )
    start_time = line("开始时间", 5, default="00:00")
    end_time = line("结束时间", 5, default="24:00")
    priority = number("优先级", -1000, 1000, 0)
    is_default = BooleanField("默认计划（没有其他计划生效时播放）")
    active = BooleanField("启用", default=True)

    def day_of_week(self) -> str:
        """The chosen days in their stored form."""
        if self.days.data == "chosen":
            return chosen_days(self.weekdays.data or [])
        return DAY_CHOICES[self.days.data][1]

    def show_days(self, stored: str) -> None:
        """Tick what a saved schedule has."""
        try:
            self.days.data, self.weekdays.data = day_choice(stored)
        except ValueError:
            self.days.data, self.weekdays.data = "chosen", []

    def check_days(self) -> bool:
        """The days and the times of day (also a power schedule's)."""
        ok = True
        if self.days.data == "chosen" and not self.weekdays.data and not self.weekdays.errors:
            ok = refuse(self.weekdays, "请至少勾选一天")
        for box in (self.start_time, self.end_time):
            if not box.errors:
                try:
                    minutes(box.data)
                except ValueError as exc:
                    ok = refuse(box, str(exc))
        return ok

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        ok = self.check_days() and ok
        if ok:
            try:
                Daypart(
                    self.day_of_week(),
                    self.start_time.data,
                    self.end_time.data,
                    self.date_from.data,
                    self.date_to.data,
                ).validate()
            except ValueError as exc:
                ok = refuse(self.date_to, str(exc))
        return ok


# -- LED delivery (pull, or push to a controller card) -------------------------------

HOSTNAME = re.compile(
    r"^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*"
    r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$"
)
ANY_DEVICE = 0xFFFE


def device_type(value) -> int:
    """A card model as posted (decimal, or 0x… typed by hand); empty is the wildcard."""
    if value in ("", None):
        return ANY_DEVICE
    return int(value, 0) if isinstance(value, str) else int(value)


DOTTED_NUMBERS = re.compile(r"^[0-9.]+$")
CLOCK = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


def card_address_error(host: str) -> str | None:
    """Why ``host`` cannot be a card's address, or None. Digits and dots are an IPv4
    address or nothing (``999.1.1.1`` is no host name: a top-level label is never all
    digits); anything else an IP address or a host name."""
    try:
        ipaddress.ip_address(host)
        return None
    except ValueError:
        pass
    if DOTTED_NUMBERS.match(host):
        return "IP 地址无效：应为四段 0–255 的数字，如 192.168.1.50"
    if not HOSTNAME.match(host) or host.rsplit(".", 1)[-1].isdigit():
        return "控制卡地址应为 IP 地址（如 192.168.1.50）或主机名"
    return None


class DeliveryForm(ConsoleForm):
    protocol = ChoiceField("投送方式", choices=choices(LED_DELIVERY), default="pull")
    host = line("控制卡地址", 255)
    port = number("端口", 1, 65535, 5005)
    device_type = ChoiceField(
        "控制卡型号", coerce=device_type, validate_choice=False, default=ANY_DEVICE
    )
    area_id = WholeNumberField("动态区编号", default=0)
    area_x = number("区域左上角 X", 0, 8191, 0)
    area_y = number("区域左上角 Y", 0, 8191, 0)
    speed_level = number("移动速度等级", 0, 255, 4)
    green_first = BooleanField("双基色数据先绿后红", false_values=("", "false", "0"))
    brightness = WholeNumberField("亮度", validators=[Optional(), in_range("亮度", 0, 15)])
    word_order = ChoiceField("字节顺序", choices=choices(ONBON_WORD_ORDERS), default="lsb")
    length_form = ChoiceField("长度字段", choices=choices(ONBON_LENGTH_FORMS), default="sdk")
    screen_on = line("开屏时间", 5)
    screen_off = line("关屏时间", 5)

    PUSH_FIELDS = (
        "host", "port", "device_type", "area_id", "area_x", "area_y", "speed_level",
        "green_first", "brightness", "word_order", "length_form", "screen_on", "screen_off",
    )  # fmt: skip

    def validate(self, extra_validators=None) -> bool:
        if self.protocol.data == "pull":
            # Pulled frames need no card: its settings stay as they were, unused.
            others = [f for name, f in self._fields.items() if name not in self.PUSH_FIELDS]
            return all([f.validate(self) for f in others])
        ok = super().validate(extra_validators)
        host = self.host.data
        if not host:
            ok = refuse(self.host, "请填写控制卡地址")
        elif not self.host.errors and (problem := card_address_error(host)):
            ok = refuse(self.host, problem)
        if self.protocol.data == "huidu":
            return self._validate_times() and ok
        generation = self.protocol.data.removeprefix("onbon-")
        kinds = DEVICE_TYPES.get(generation, {})
        if not self.device_type.errors and self.device_type.data not in (ANY_DEVICE, *kinds):
            ok = refuse(self.device_type, f"型号不属于 {generation.upper()} 系列")
        top = MAX_AREAS.get(generation, 1) - 1
        area = self.area_id.data
        if not self.area_id.errors and not 0 <= area <= top:
            ok = refuse(self.area_id, f"动态区编号应在 0 到 {top} 之间")
        return ok

    def _validate_times(self) -> bool:
        ok = True
        for field in (self.screen_on, self.screen_off):
            if field.data and not CLOCK.match(field.data):
                ok = refuse(field, f"{field.label.text}应为 24 小时制的 时:分，如 08:30")
        if ok and bool(self.screen_on.data) != bool(self.screen_off.data):
            empty = self.screen_off if self.screen_on.data else self.screen_on
            ok = refuse(empty, "开屏和关屏时间须同时填写（都不填则一直开屏）")
        if ok and self.screen_on.data and self.screen_on.data == self.screen_off.data:
            ok = refuse(self.screen_off, "关屏时间不能与开屏时间相同")
        return ok
