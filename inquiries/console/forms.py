"""Console forms for handling requests and bad ratings (WTForms, as the whole console)."""

from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from admin.forms import ConsoleForm
from content_feed.vocabulary import INQUIRY_STATES


class AssignForm(ConsoleForm):
    assignee = SelectField("承办人", coerce=int, validators=[Optional()])
    department = StringField("承办部门", validators=[Length(max=100)])


class StateForm(ConsoleForm):
    state = SelectField("办理状态", choices=list(INQUIRY_STATES.items()))
    reason = StringField("理由（暂不能办时必填）", validators=[Length(max=500)])


class ReplyForm(ConsoleForm):
    text = TextAreaField("答复", validators=[DataRequired("请填写答复内容"), Length(max=4000)])
    public = BooleanField("公开答复（在触摸查询机上展示，个人信息自动隐去）")
    public_question = TextAreaField(
        "改写后的问题（提问人未同意公开时必填：不含个人信息，匿名公开）",
        validators=[Length(max=1000)],
    )


class ExtendForm(ConsoleForm):
    reason = StringField("延期理由", validators=[DataRequired("请填写延期理由"), Length(max=500)])


class NoteForm(ConsoleForm):
    note = TextAreaField("情况说明", validators=[DataRequired("请填写情况说明"), Length(max=2000)])
    # Which button: 记录回访 or 整改完成.
    step = SelectField(
        "步骤", choices=[("contact", "记录回访"), ("resolve", "整改完成")], default="resolve"
    )
