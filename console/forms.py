"""Flask-WTF forms. Every POST form carries a CSRF token; the filter form is a GET."""
from __future__ import annotations

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, HiddenField, PasswordField, SelectField, StringField,
                     TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp

from models import CaseState

NOT_ACCEPTED_ROUTES = [("litigation", "诉讼/仲裁/行政复议"), ("discipline", "检举控告(纪检监察)"),
                       ("other", "其他(写明理由)")]
CHANNELS = [("sms", "短信"), ("whatsapp", "WhatsApp"), ("messenger", "Messenger"), ("wechat", "微信"),
            ("web", "网页"), ("letter", "来信"), ("visit", "来访"), ("call", "来电")]


def _options(pairs: list[tuple[str, str]]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def _choices(kind: str, blank: str | None = "全部") -> list[SelectChoice]:
    table = getattr(current_app.extensions["taxonomy"], kind)
    head = [("", blank)] if blank is not None else []
    return _options(head + [(code, row["name"]) for code, row in table.items()])


class LoginForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired(), Length(max=64)])
    password = PasswordField("密码", validators=[DataRequired(), Length(max=256)])


class FilterForm(FlaskForm):
    """The queue filters, read from the query string."""
    class Meta:
        csrf = False

    q = StringField("搜索", validators=[Optional(), Length(max=100)])
    issue_type = SelectField("问题类型", validators=[Optional()])
    department = SelectField("责任单位", validators=[Optional()])
    township = SelectField("乡镇", validators=[Optional()])
    channel = SelectField("渠道", choices=_options([("", "全部"), *CHANNELS]), validators=[Optional()])
    state = SelectField("状态", validators=[Optional()])
    date_from = DateField("自", validators=[Optional()])
    date_to = DateField("至", validators=[Optional()])

    def __init__(self, *args, state_names: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.issue_type.choices = _choices("issue_types")
        self.department.choices = _choices("departments")
        self.township.choices = _choices("townships")
        self.state.choices = _options([("", "全部")] + [(s, state_names.get(s, s)) for s in CaseState.ALL])


class CorrectForm(FlaskForm):
    issue_type = SelectField("问题类型")
    department = SelectField("责任单位")
    township = SelectField("乡镇")
    urgent = BooleanField("紧急")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.issue_type.choices = _choices("issue_types", None)
        self.department.choices = _choices("departments", None)
        self.township.choices = _choices("townships", "(未识别)")


class ConfirmForm(FlaskForm):
    pass


class TransitionForm(FlaskForm):
    """One form for every move; the service says which field a move needs."""
    state = HiddenField(validators=[DataRequired()])
    route = SelectField("去向", choices=_options(NOT_ACCEPTED_ROUTES), validators=[Optional()])
    reason = TextAreaField("理由", validators=[Optional(), Length(max=500)])
    answer = TextAreaField("处理意见", validators=[Optional(), Length(max=1000)])
    note = TextAreaField("办结说明", validators=[Optional(), Length(max=1000)])


class AssignForm(FlaskForm):
    department = SelectField("责任单位", validators=[Optional()])
    assignee = StringField("责任人", validators=[Optional(), Length(max=64)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.department.choices = _choices("departments", "(不变)")


class ReplyForm(FlaskForm):
    text = TextAreaField("回复内容", validators=[DataRequired(), Length(max=500)])


class NoteForm(FlaskForm):
    text = TextAreaField("内部备注", validators=[DataRequired(), Length(max=2000)])


class MergeForm(FlaskForm):
    into = StringField("并入案件编号", validators=[DataRequired(), Length(max=20)])


class SimulatorForm(FlaskForm):
    phone = StringField("模拟手机号", default="+8613800000000",
                        validators=[DataRequired(), Regexp(r"^\+?\d{5,15}$", message="手机号格式不对")])
    text = TextAreaField("短信内容", validators=[DataRequired(), Length(max=1000)])
