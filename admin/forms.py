"""WTForms for the console (Flask-WTF adds the CSRF token to each)."""

from __future__ import annotations

from datetime import timedelta
from itertools import islice

from flask import request
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from flask_wtf.form import SUBMIT_METHODS, _Auto
from werkzeug.datastructures import CombinedMultiDict
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.meta import DefaultMeta
from wtforms.validators import URL, DataRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from content_feed.text_hygiene import clean_text
from content_feed.time_limits import (
    COUNTED,
    UNFILLED,
    UNIT_CHOICES,
    WORKING_DAYS,
    TimeLimit,
    TimeLimitError,
)
from content_feed.timefmt import local, local_to_utc
from content_feed.vocabulary import (
    DISCLOSURE_MODES,
    MATERIAL_FORMS,
    MATERIAL_NECESSITY,
    ROLES,
    SCOPES,
    TIMELINESS,
    GuideState,
)

REQUIRED = "此项必填"
# Sort keys are small numbers; anything past this is a typo, not an order.
SORT_MAX = 1_000_000


class HallDateTimeField(DateTimeLocalField):
    """A wall-clock time in the hall's zone on screen, aware UTC in ``data``."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format="%Y-%m-%dT%H:%M", **kwargs)

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        return local(self.data).strftime("%Y-%m-%dT%H:%M") if self.data else ""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None:
            self.data = local_to_utc(self.data)


def choices(mapping: dict) -> list[tuple[str, str]]:
    return list(mapping.items())


def strip(value):
    return value.strip() if isinstance(value, str) else value


class WholeNumberField(IntegerField):
    """An integer box whose refusals name the field ("端口应为整数"). An empty box
    is the field's default, unless that is None (WTForms' IntegerField refuses
    an empty box; an optional number uses Optional() and no default)."""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        raw = valuelist[0].strip()
        if not raw and self.default is not None:
            self.data = self.default() if callable(self.default) else self.default
            return
        try:
            self.data = int(raw)
        except ValueError:
            self.data = None
            raise ValueError(f"{self.label.text}应为整数") from None


class NumberText(StringField):
    """A number box that may stay empty; the model's int (or None) shown as text."""

    def process_data(self, value):
        self.data = "" if value is None else str(value)


def in_range(label: str, low: int, high: int) -> NumberRange:
    return NumberRange(low, high, message=f"{label}应在 {low} 到 {high} 之间")


class NamedRefusal:
    """A <select> (or checkboxes) whose refusal names the field ("终端类型无效", or
    ``invalid``): a value not offered is refused, never replaced by a default.
    (WTForms' own message for several choices has no Chinese translation.)"""

    def __init__(self, label=None, validators=None, invalid: str = "", **kwargs):
        super().__init__(label, validators, **kwargs)
        self.invalid = invalid or f"{self.label.text}无效"

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(self.invalid) from None

    def pre_validate(self, form):
        try:
            super().pre_validate(form)
        except ValidationError:
            raise ValidationError(self.invalid) from None


class ChoiceField(NamedRefusal, SelectField):
    pass


class ChoicesField(NamedRefusal, SelectMultipleField):
    pass


def optional_url(form, field):
    if field.data:
        URL(message="请填写以 http:// 或 https:// 开头的网址")(form, field)


def _clean(value):
    return clean_text(value) if value else value


class ConsoleForm(FlaskForm):
    """Chinese messages from WTForms' own catalogue (no Babel needed)."""

    class Meta:
        locales = ["zh"]

        def get_translations(self, form):
            return DefaultMeta.get_translations(self, form)

        def bind_field(self, form, unbound_field, options):
            # Validated as stored: the flush hook would remove control characters
            # after the checks, so "x\x00" passed as new and collided with "x".
            if issubclass(unbound_field.field_class, (StringField, TextAreaField)):
                filters = [*unbound_field.kwargs.get("filters", ()), _clean]
                return unbound_field.bind(form=form, filters=filters, **options)
            return unbound_field.bind(form=form, **options)

        def wrap_formdata(self, form, formdata):
            # Console forms are HTML forms. Flask-WTF would read a JSON body as the
            # form, and a JSON list or string there is a crash, not a form error.
            if formdata is not _Auto:
                return formdata
            if request.method not in SUBMIT_METHODS:
                return None
            if request.files:
                return CombinedMultiDict((request.files, request.form))
            return request.form or None


class LoginForm(ConsoleForm):
    username = StringField("用户名", validators=[DataRequired(REQUIRED), Length(max=60)])
    password = PasswordField("密码", validators=[DataRequired(REQUIRED), Length(max=200)])


class TotpForm(ConsoleForm):
    code = StringField(
        "动态口令（验证器中的 6 位数字）", validators=[DataRequired(REQUIRED), Length(max=12)]
    )


class PasswordChangeForm(ConsoleForm):
    current = PasswordField("当前密码", validators=[DataRequired(REQUIRED), Length(max=200)])
    new = PasswordField("新密码", validators=[DataRequired(REQUIRED), Length(max=200)])
    repeat = PasswordField("再次输入新密码", validators=[DataRequired(REQUIRED), Length(max=200)])

    def validate_repeat(self, field):
        if field.data != self.new.data:
            raise ValidationError("两次输入的新密码不一致")


class TotpOffForm(ConsoleForm):
    password = PasswordField("当前密码", validators=[DataRequired(REQUIRED), Length(max=200)])
    code = StringField("动态口令", validators=[DataRequired(REQUIRED), Length(max=12)])


class ActionForm(ConsoleForm):
    """A bare form for buttons that post (CSRF only)."""


class ReasonForm(ConsoleForm):
    reason = TextAreaField("理由", validators=[DataRequired("请填写理由"), Length(max=2000)])


class GuideStateForm(ConsoleForm):
    """上线 / 下线 of a guide (the approver's buttons)."""

    state = SelectField(
        "状态", choices=[(GuideState.PUBLISHED, "公开（上线）"), (GuideState.ARCHIVED, "下线")]
    )


class AdoptRevisionForm(ConsoleForm):
    publish = BooleanField("采用并公开")


class BulkPublishForm(ConsoleForm):
    """The ticked drafts and revisions of an import, or all of them. Ids no longer
    waiting (published by someone else meanwhile) are left out by the view."""

    scope = SelectField(
        "范围", choices=[("selected", "公开所选"), ("all", "全部公开")], default="selected"
    )
    guide = ChoicesField("办事指南", coerce=int, validate_choice=False)
    revision = ChoicesField("导入修订", coerce=int, validate_choice=False)


class NoteForm(ConsoleForm):
    note = TextAreaField("意见", validators=[Optional(), Length(max=2000)])


class ItemForm(ConsoleForm):
    title = StringField("标题", validators=[DataRequired(REQUIRED), Length(max=200)])
    domain = SelectField("公开领域")
    category_id = SelectField("公开目录", coerce=int)
    scope = SelectField("公开范围", choices=choices(SCOPES))
    disclosure_mode = SelectField("公开属性", choices=choices(DISCLOSURE_MODES))
    timeliness = SelectField("公开时限", choices=choices(TIMELINESS))
    refresh_period_days = IntegerField(
        "更新周期（天，定期公开必填）", validators=[Optional(), NumberRange(1, 3660)]
    )
    valid_from = HallDateTimeField("公开开始时间", validators=[Optional()])
    valid_until = HallDateTimeField("公开结束时间", validators=[Optional()])
    publishing_body = StringField("发布机构", validators=[Optional(), Length(max=200)])
    subject = SelectField("主题分类", default="")
    document_number = StringField("发文字号", validators=[Optional(), Length(max=100)])
    written_on = DateField("成文日期", validators=[Optional()])
    summary = TextAreaField("内容概述（不超过100字）", validators=[Optional(), Length(max=100)])
    body = TextAreaField("正文（Markdown）", validators=[Optional(), Length(max=200_000)])
    online_url = URLField("网上链接", validators=[Optional(), optional_url, Length(max=500)])
    on_kiosk = BooleanField("在触摸查询机显示", default=True)
    on_wall = BooleanField("在大屏显示", default=True)
    on_led = BooleanField("在LED条屏显示")
    led_text = StringField("LED条屏文字（空则用标题）", validators=[Optional(), Length(max=120)])
    hall_ids = SelectMultipleField("适用大厅（不选为全部）", coerce=int)

    def validate_valid_until(self, field):
        if field.data and self.valid_from.data and field.data <= self.valid_from.data:
            raise ValidationError("结束时间须晚于开始时间")

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        # Checked here, not by a field validator: Optional() stops those when empty.
        if self.timeliness.data == "periodic" and not self.refresh_period_days.data:
            self.refresh_period_days.errors = [
                *self.refresh_period_days.errors,
                "定期公开的事项须填写更新周期（天）",
            ]
            ok = False
        return ok


# The surfaces an item targets, as the channels a proposal names.
CHANNELS = (("on_kiosk", "触摸查询机"), ("on_wall", "大屏"), ("on_led", "LED条屏"))


def channels_for(content) -> str:
    """公开渠道 as the item's surfaces say (what the propose form starts with)."""
    names = [label for attr, label in CHANNELS if getattr(content, attr, False)]
    return "、".join(names) or "仅在管理后台（未选择展示终端）"


class ProposeForm(ConsoleForm):
    note = TextAreaField(
        "提出说明（公开内容、范围、时间）", validators=[DataRequired(REQUIRED), Length(max=2000)]
    )
    channels = StringField(
        "公开渠道", default="触摸查询机、大屏", validators=[DataRequired(REQUIRED), Length(max=200)]
    )
    confidentiality_checked = BooleanField("已完成保密自查：不含国家秘密、工作秘密、个人隐私")
    comment_days = IntegerField(
        "预公开征求意见天数（不需要则留空）", validators=[Optional(), NumberRange(0, 3650)]
    )


# A guide's rows: text as long as the guide import takes (guide_import/parse.py).
ROW_TEXT_MAX = 20_000
MAX_ROWS = 500


class AttachmentField(ChoiceField):
    """A material's blank form or sample: the id of one of the guide's files (the
    view sets the choices), or 0 for none (posted as "" or stored as NULL)."""

    def __init__(self, label, **kwargs):
        super().__init__(
            label,
            coerce=lambda v: 0 if v in ("", None) else int(v),
            invalid="请选择本办事指南的附件",
            **kwargs,
        )

    def process_data(self, value):
        super().process_data(0 if value is None else value)


def at_most_rows(form, field):
    if len(field.entries) > MAX_ROWS:
        raise ValidationError(f"最多 {MAX_ROWS} 行，请删去多余的行")


class RowForm(Form):
    """One row of a guide's table (a FormField in a FieldList: the guide form
    carries the CSRF token). A row left wholly blank is no row (the editor always
    offers an empty one); a row with anything typed in needs its ``KEY`` field."""

    class Meta:
        locales = ["zh"]

    KEY = ""

    def is_blank(self) -> bool:
        return not any(f.data for f in self if isinstance(f, StringField))

    def validate(self, extra_validators=None) -> bool:
        if self.is_blank():
            return True
        ok = super().validate(extra_validators)
        key = self[self.KEY]
        if not key.data:
            key.errors = [*key.errors, f"请填写{key.label.text}，或清空这一行"]
            ok = False
        return ok

    def values(self) -> dict:
        """The row as model columns."""
        return dict(self.data)


class MaterialRow(RowForm):
    KEY = "name"
    name = StringField("材料名称", filters=[strip], validators=[Length(max=200)])
    form = ChoiceField("形式", choices=choices(MATERIAL_FORMS), default="original")
    copies = WholeNumberField("份数", default=1, validators=[in_range("份数", 0, 999)])
    necessity = ChoiceField("必要性", choices=choices(MATERIAL_NECESSITY), default="required")
    deferrable = BooleanField("容缺后补")
    source = StringField("来源", filters=[strip], validators=[Length(max=200)])
    notes = TextAreaField("填报须知", filters=[strip], validators=[Length(max=ROW_TEXT_MAX)])
    # Choices are the guide's own attachments, set by the view.
    blank_form_id = AttachmentField("空白表格")
    sample_id = AttachmentField("示例样表")

    def values(self) -> dict:
        data = super().values()
        data["blank_form_id"] = data["blank_form_id"] or None
        data["sample_id"] = data["sample_id"] or None
        return data


class StepRow(RowForm):
    KEY = "title"
    title = StringField("步骤", filters=[strip], validators=[Length(max=100)])
    description = TextAreaField("说明", filters=[strip], validators=[Length(max=ROW_TEXT_MAX)])


class FeeRow(RowForm):
    KEY = "name"
    name = StringField("收费项目", filters=[strip], validators=[Length(max=200)])
    standard = StringField("收费标准", filters=[strip], validators=[Length(max=200)])
    basis = TextAreaField("收费依据", filters=[strip], validators=[Length(max=ROW_TEXT_MAX)])


class FaqRow(RowForm):
    KEY = "question"
    question = TextAreaField("问题", filters=[strip], validators=[Length(max=ROW_TEXT_MAX)])
    answer = TextAreaField("解答", filters=[strip], validators=[Length(max=ROW_TEXT_MAX)])


class RowList(FieldList):
    """A guide's row table. Of the rows posted, one past the limit is read, so that
    at_most_rows refuses (not cuts) a longer table and a post of a million rows
    costs no more than that; a guide's own rows are all shown, however many.
    (FieldList's max_entries would cut silently, and fail on a longer guide.)"""

    def _extract_indices(self, prefix, formdata):
        return islice(sorted(set(super()._extract_indices(prefix, formdata))), MAX_ROWS + 1)


def rows_of(row_form, label: str) -> RowList:
    return RowList(FormField(row_form), label, validators=[at_most_rows])


class GuideForm(ConsoleForm):
    name = StringField("事项名称", validators=[DataRequired(REQUIRED), Length(max=200)])
    code = StringField("事项编码", validators=[DataRequired(REQUIRED), Length(max=60)])
    kind = StringField("事项类型", validators=[Optional(), Length(max=40)])
    basis = TextAreaField("设定依据", validators=[Optional()])
    implementing_body = StringField("实施主体", validators=[Optional(), Length(max=200)])
    conditions = TextAreaField("受理条件", validators=[Optional()])
    # A number box and its unit; an empty box goes with 即办, 无, 未填写 …
    statutory_value = NumberText("法定办结时限", filters=[strip])
    statutory_unit = ChoiceField("法定时限单位", choices=UNIT_CHOICES, default=WORKING_DAYS)
    promised_value = NumberText("承诺办结时限", filters=[strip])
    promised_unit = ChoiceField("承诺时限单位", choices=UNIT_CHOICES, default=WORKING_DAYS)
    is_free = BooleanField("不收费", default=True)
    location = StringField("办理地点", validators=[Optional(), Length(max=200)])
    window_id = SelectField("办理窗口", coerce=int)
    office_hours = StringField("办理时间", validators=[Optional(), Length(max=200)])
    consult_phone = StringField("咨询电话", validators=[Optional(), Length(max=40)])
    complaint_phone = StringField("监督投诉电话", validators=[Optional(), Length(max=40)])
    visits = IntegerField("到现场次数", default=1, validators=[NumberRange(0, 20)])
    online = BooleanField("可网上办理")
    online_url = URLField("网办地址", validators=[Optional(), optional_url, Length(max=500)])
    keywords = StringField("关键词", validators=[Optional(), Length(max=200)])
    summary = StringField("简介", validators=[Optional(), Length(max=200)])
    hall_id = SelectField("所属大厅", coerce=int)
    sort_order = IntegerField("排序", default=0, validators=[NumberRange(-SORT_MAX, SORT_MAX)])
    materials = rows_of(MaterialRow, "申请材料")
    steps = rows_of(StepRow, "办理流程")
    fees = rows_of(FeeRow, "收费项目（不收费可不填）")
    faqs = rows_of(FaqRow, "常见问题")

    def time_limit(self, prefix: str) -> TimeLimit:
        """The limit of ``prefix`` ("statutory", "promised"): a 0 is 当场办结."""
        raw = self[f"{prefix}_value"].data
        unit = self[f"{prefix}_unit"].data
        if not raw and unit in COUNTED:
            unit = UNFILLED  # no number typed: a limit not filled in, never 当场办结
        return TimeLimit.of(int(raw) if raw else None, unit)

    def validate_statutory_value(self, field):
        self._check_limit("statutory", field)

    def validate_promised_value(self, field):
        self._check_limit("promised", field)

    def _check_limit(self, prefix: str, field) -> None:
        raw = field.data or ""
        if self[f"{prefix}_unit"].data not in dict(UNIT_CHOICES):
            return  # the unit's own refusal says it
        if raw and not (raw.isascii() and raw.isdigit()):
            raise ValidationError(f"{field.label.text}应为整数")
        try:
            self.time_limit(prefix)
        except TimeLimitError as exc:
            raise ValidationError(str(exc)) from None


class MeetingForm(ConsoleForm):
    title = StringField("会议名称", validators=[DataRequired(REQUIRED), Length(max=200)])
    meeting_at = HallDateTimeField("开始时间", validators=[DataRequired(REQUIRED)])
    meeting_ends_at = HallDateTimeField("结束时间", validators=[DataRequired(REQUIRED)])
    place = StringField("地点", validators=[DataRequired(REQUIRED), Length(max=200)])
    topics = TextAreaField("议题", validators=[DataRequired(REQUIRED)])
    observer_quota = IntegerField("旁听名额", default=0, validators=[NumberRange(0, 1000)])
    eligibility = TextAreaField("旁听条件", validators=[Optional()])
    how_to_register = TextAreaField("报名方式", validators=[Optional()])
    register_until = HallDateTimeField("报名截止", validators=[Optional()])
    scope = SelectField("公开范围", choices=choices(SCOPES))
    hall_id = SelectField("所属大厅", coerce=int)

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        start, until = self.meeting_at.data, self.register_until.data
        if start and until and until >= start:
            self.register_until.errors = [*self.register_until.errors, "报名截止须早于会议开始时间"]
            ok = False
        known = start and self.lead_days is not None and self.now is not None
        if known and start - self.now < timedelta(days=self.lead_days):
            self.meeting_at.errors = [
                *self.meeting_at.errors,
                f"会议公告须在会议召开 {self.lead_days} 天前发布：本会议距今不足 "
                f"{self.lead_days} 天，请核对开始时间",
            ]
            ok = False
        return ok

    # Set by the view before validating: the lead in days and the current time.
    lead_days: int | None = None
    now = None

    def validate_meeting_ends_at(self, field):
        if field.data and self.meeting_at.data and field.data <= self.meeting_at.data:
            raise ValidationError("结束时间须晚于开始时间")


class SloganForm(ConsoleForm):
    text = StringField("标语", validators=[DataRequired(REQUIRED), Length(max=200)])
    hall_id = SelectField("所属大厅", coerce=int)
    active = BooleanField("启用", default=True)
    valid_from = HallDateTimeField("开始时间", validators=[Optional()])
    valid_until = HallDateTimeField("结束时间", validators=[Optional()])
    sort_order = IntegerField("排序", default=0, validators=[NumberRange(-SORT_MAX, SORT_MAX)])


class UrgentForm(ConsoleForm):
    title = StringField("标题", validators=[DataRequired(REQUIRED), Length(max=200)])
    body = TextAreaField("内容", validators=[Optional(), Length(max=5000)])
    starts_at = HallDateTimeField("开始时间", validators=[DataRequired(REQUIRED)])
    ends_at = HallDateTimeField("结束时间", validators=[DataRequired(REQUIRED)])
    hall_id = SelectField("大厅（不选为全部）", coerce=int)
    group_id = SelectField("终端分组（不选为该大厅全部终端）", coerce=int, default=0)
    on_kiosk = BooleanField("触摸查询机", default=True)
    on_wall = BooleanField("大屏", default=True)
    on_led = BooleanField("LED条屏", default=True)

    # The groups' halls (group id → hall id or None), set by the view with the choices.
    group_halls: dict[int, int | None] = {}

    def validate_ends_at(self, field):
        if field.data and self.starts_at.data and field.data <= self.starts_at.data:
            raise ValidationError("结束时间须晚于开始时间")

    def validate_group_id(self, field):
        group_hall = self.group_halls.get(field.data)
        if field.data and group_hall is not None and group_hall != (self.hall_id.data or None):
            raise ValidationError("所选分组不属于所选大厅：请改选该大厅的分组，或不选分组")


class CategoryForm(ConsoleForm):
    name = StringField("名称", validators=[DataRequired(REQUIRED), Length(max=60)])
    code = StringField(
        "代码（英文，用于链接）", validators=[DataRequired(REQUIRED), Length(max=60)]
    )
    domain = SelectField("公开领域")
    parent_id = SelectField("上级目录", coerce=int)
    required = BooleanField("“7+X”中的必设目录")
    sort_order = IntegerField("排序", default=0, validators=[NumberRange(-SORT_MAX, SORT_MAX)])
    active = BooleanField("启用", default=True)


class HallForm(ConsoleForm):
    code = StringField("代码", validators=[DataRequired(REQUIRED), Length(max=40)])
    name = StringField("名称", validators=[DataRequired(REQUIRED), Length(max=120)])
    address = StringField("地址", validators=[Optional(), Length(max=200)])
    opening_hours = StringField("开放时间", validators=[Optional(), Length(max=200)])
    phone = StringField("电话", validators=[Optional(), Length(max=40)])
    timezone = StringField("时区（空为系统默认）", validators=[Optional(), Length(max=64)])


class WindowForm(ConsoleForm):
    number = StringField("窗口号", validators=[DataRequired(REQUIRED), Length(max=20)])
    name = StringField("名称", validators=[DataRequired(REQUIRED), Length(max=120)])
    services = StringField("办理业务", validators=[Optional(), Length(max=500)])
    sort_order = IntegerField("排序", default=0, validators=[NumberRange(-SORT_MAX, SORT_MAX)])


class UserForm(ConsoleForm):
    username = StringField("用户名", validators=[DataRequired(REQUIRED), Length(max=60)])
    display_name = StringField("姓名", validators=[Optional(), Length(max=60)])
    department = StringField("部门", validators=[Optional(), Length(max=100)])
    roles = ChoicesField(
        "角色",
        choices=choices(ROLES),
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    active = BooleanField("启用", default=True)
    password = PasswordField(
        "初始密码（留空则不修改；用户首次登录时须改为自己的密码）",
        validators=[Optional(), Length(max=200)],
    )
    unlock = BooleanField("解除该账号在所有地址的登录锁定")
    clear_totp = BooleanField("停用该账号的动态口令（手机丢失时；用户可重新启用）")


class LedgerFilterForm(ConsoleForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    action = StringField("操作", validators=[Optional()])
    actor = StringField("操作人", validators=[Optional()])
    object_type = StringField("对象", validators=[Optional()])
    q = StringField("内容包含", validators=[Optional()])
    date_from = DateField("起始日期", validators=[Optional()])
    date_to = DateField("截止日期", validators=[Optional()])


class GuideImportForm(ConsoleForm):
    """An implementation-list export (实施清单) to check, then import."""

    file = FileField("实施清单文件（.xlsx 或 .csv）", validators=[FileRequired("请选择文件")])
    mapping = SelectField("列名映射", default="")
    hall_id = SelectField("新建指南所属大厅", coerce=int, default=0)
