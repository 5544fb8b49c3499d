"""Console forms for handling requests and bad ratings (WTForms, as the whole console)."""

from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField
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
    public = BooleanField("公开答复（在触摸查询机上展示，按下方预览隐去个人信息）")
    public_question = TextAreaField(
        "改写后的问题（提问人未同意公开时必填：不含个人信息，匿名公开）",
        validators=[Length(max=1000)],
    )
    masked_words = TextAreaField(
        "另外隐去的词语（每行一个，如地址、单位、亲属姓名）", validators=[Length(max=1000)]
    )
    # The 预览 button shows the page with these values, stored nowhere.
    preview = SubmitField("预览公开效果")


class ExtendForm(ConsoleForm):
    reason = StringField("延期理由", validators=[DataRequired("请填写延期理由"), Length(max=500)])


class NoteForm(ConsoleForm):
    note = TextAreaField("情况说明", validators=[DataRequired("请填写情况说明"), Length(max=2000)])
    # Which button: 记录回访 or 整改完成.
    step = SelectField(
        "步骤", choices=[("contact", "记录回访"), ("resolve", "整改完成")], default="resolve"
    )
