"""Flask-WTF forms. Every POST form carries a CSRF token; the filter form is a GET."""
from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import (BooleanField, HiddenField, PasswordField, SelectField, StringField,
                     TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp

from models import CaseState

NOT_ACCEPTED_ROUTES = [("litigation", "诉讼/仲裁/行政复议"), ("discipline", "检举控告(纪检监察)"),
                       ("no_reaccept", "已复查复核，不再受理(条例第三十六条)"), ("other", "其他(写明理由)")]
CHANNELS = [("sms", "短信"), ("whatsapp", "WhatsApp"), ("messenger", "Messenger"), ("wechat", "微信"),
            ("web", "网页"), ("letter", "来信"), ("visit", "来访"), ("phone", "电话"), ("call", "来电"),
            ("ledger", "台账")]


class Form(FlaskForm):
    """Validation messages in Chinese (WTForms' own zh catalogue; no Flask-Babel needed)."""
    class Meta:
        locales = ("zh",)

        def get_translations(self, form):
            return super(FlaskForm.Meta, self).get_translations(form)


def _options(pairs: list[tuple[str, str]]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def _choices(kind: str, blank: str | None = "全部") -> list[SelectChoice]:
    table = getattr(current_app.extensions["taxonomy"], kind)
    head = [("", blank)] if blank is not None else []
    return _options(head + [(code, row["name"]) for code, row in table.items()])


_DATE = re.compile(r"^\s*(?:(\d{4})\s*[-/.年]\s*)?(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")


class ChineseDateField(StringField):
    """A day typed as staff write it: 2026年12月1日, 2026-12-01, 2026/12/1, 2026.12.1, or
    12月1日 (this year). Shown back as 2026年12月1日. A plain text box: the browser's own date
    picker shows the browser's locale (mm/dd/yyyy on an English system), not Chinese."""

    def process_formdata(self, valuelist):
        raw = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if not raw:
            return
        compact = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", raw)
        match = compact or _DATE.match(raw)
        if match is None:
            raise ValueError("日期格式应为 2026年12月1日 或 2026-12-01")
        year = match.group(1) or datetime.now(ZoneInfo(current_app.config["TIMEZONE"])).year
        try:
            self.data = date(int(year), int(match.group(2)), int(match.group(3)))
        except ValueError as exc:
            raise ValueError("没有这一天") from exc

    def _value(self) -> str:
        if isinstance(self.data, date):
            return f"{self.data.year}年{self.data.month}月{self.data.day}日"
        return self.raw_data[0] if self.raw_data else ""


class LoginForm(Form):
    username = StringField("用户名", validators=[DataRequired(), Length(max=64)])
    password = PasswordField("密码", validators=[DataRequired(), Length(max=256)])


class FilterForm(Form):
    """The queue filters, read from the query string."""
    class Meta:
        csrf = False

    q = StringField("搜索", validators=[Optional(), Length(max=100)])
    issue_type = SelectField("问题类型", validators=[Optional()])
    department = SelectField("责任单位", validators=[Optional()])
    township = SelectField("乡镇", validators=[Optional()])
    channel = SelectField("渠道", choices=_options([("", "全部"), *CHANNELS]), validators=[Optional()])
    state = SelectField("状态", validators=[Optional()])
    date_from = ChineseDateField("自", validators=[Optional()])
    date_to = ChineseDateField("至", validators=[Optional()])

    def __init__(self, *args, state_names: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.issue_type.choices = _choices("issue_types")
        self.department.choices = _choices("departments")
        self.township.choices = _choices("townships")
        self.state.choices = _options([("", "全部")] + [(s, state_names.get(s, s)) for s in CaseState.ALL])


class CorrectForm(Form):
    issue_type = SelectField("问题类型")
    department = SelectField("责任单位")
    township = SelectField("乡镇")
    urgent = BooleanField("紧急")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.issue_type.choices = _choices("issue_types", None)
        self.department.choices = _choices("departments", None)
        self.township.choices = _choices("townships", "(未识别)")


class ConfirmForm(Form):
    pass


class TransitionForm(Form):
    """One form for every move; the service says which field a move needs."""
    state = HiddenField(validators=[DataRequired()])
    route = SelectField("去向", choices=_options(NOT_ACCEPTED_ROUTES), validators=[Optional()])
    reason = TextAreaField("理由", validators=[Optional(), Length(max=500)])
    answer = TextAreaField("处理意见", validators=[Optional(), Length(max=1000)])
    note = TextAreaField("办结说明", validators=[Optional(), Length(max=1000)])


class AssignForm(Form):
    department = SelectField("责任单位", validators=[Optional()])
    assignee = StringField("责任人", validators=[Optional(), Length(max=64)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.department.choices = _choices("departments", "(不变)")


class ReplyForm(Form):
    text = TextAreaField("回复内容", validators=[DataRequired(), Length(max=500)])


class NoteForm(Form):
    text = TextAreaField("内部备注", validators=[DataRequired(), Length(max=2000)])


class MergeForm(Form):
    into = StringField("并入案件编号", validators=[DataRequired(), Length(max=20)])


class SimulatorForm(Form):
    phone = StringField("模拟手机号", default="+8613800000000",
                        validators=[DataRequired(), Regexp(r"^\+?\d{5,15}$", message="手机号格式不对")])
    text = TextAreaField("短信内容", validators=[DataRequired(), Length(max=1000)])


def unit_choices(blank: str) -> list[SelectChoice]:
    """Every unit a handler can belong to: departments, and each township's government."""
    taxonomy = current_app.extensions["taxonomy"]
    pairs = [("", blank)] + [(code, row["name"]) for code, row in taxonomy.departments.items()
                             if code != "township_gov"]
    pairs += [(f"township_gov:{code}", row["name"] + "政府") for code, row in taxonomy.townships.items()]
    return _options(pairs)


ROLE_CHOICES = [("officer", "登记分办"), ("handler", "承办单位"), ("leader", "领导"), ("admin", "管理员")]


class StaffCreateForm(Form):
    username = StringField("用户名", validators=[DataRequired(), Length(max=64),
                                                Regexp(r"^[\w.\-]+$", message="只能用字母、数字、汉字、点、横线和下划线")])
    role = SelectField("角色", choices=_options(ROLE_CHOICES))
    unit = SelectField("单位（承办单位必填）", validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit.choices = unit_choices("（无）")


class StaffRoleForm(Form):
    role = SelectField("角色", choices=_options(ROLE_CHOICES))
    unit = SelectField("单位", validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit.choices = unit_choices("（无）")


class StaffActionForm(Form):
    """Disable, enable, reset password: a button with a CSRF token."""


class PasswordForm(Form):
    current = PasswordField("当前密码（或一次性密码）", validators=[DataRequired(), Length(max=256)])
    new = PasswordField("新密码（至少8位）", validators=[DataRequired(), Length(min=8, max=256)])
    repeat = PasswordField("再次输入新密码", validators=[DataRequired(), Length(max=256)])
