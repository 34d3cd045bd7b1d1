"""Reading views: the queues, the per-unit overview and the case page."""
from __future__ import annotations

import logging

from flask import current_app, render_template, request
from flask_login import current_user

from console import access, queries
from console.blueprint import bp
from console.answers import answer_templates
from console.forms import (AssignForm, ConfirmForm, CorrectForm, FilterForm, MergeForm, NoteForm, ReplyForm,
                           TransitionForm)
from console.helpers import state_names
from console.queries import QUEUES, Filters
from cases import search
from cases.services import TRANSITIONS
from models import Case, CaseState, utcnow
from models.db import db

LINK_ARGS = ("queue", *Filters.__dataclass_fields__)
log = logging.getLogger(__name__)
DEFAULT_QUEUE = {"admin": "triage", "officer": "triage", "handler": "open", "head": "extension", "leader": "overdue"}


def filters_from_request() -> tuple[FilterForm, Filters]:
    form = FilterForm(formdata=request.args, state_names=state_names())
    form.validate()
    values = {name: (field.data if not field.errors else None) for name, field in form._fields.items()}
    clean = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items() if v not in (None, "")}
    return form, Filters(**clean)


@bp.get("/")
def queue():
    name = request.args.get("queue") or DEFAULT_QUEUE.get(current_user.role, "all")
    name = name if name in QUEUES else "all"
    form, filters = filters_from_request()
    now = utcnow()
    stmt = queries.cases_stmt(current_user, name, filters, now, current_app.config["TIMEZONE"])
    page = queries.paginate(stmt, request.args.get("page", 1, type=int), key=Case.id)
    # Only the filter's own names go back into links: a reserved url_for name (fmt,
    # endpoint, _method, _external...) in the query string would otherwise be a 500.
    args = {k: v for k, v in request.args.items() if k in LINK_ARGS}
    return render_template("console/queue.html", queue=name, form=form, page=page, args=args,
                           counts=queries.queue_counts(current_user, now), now=now,
                           terms=search.query_terms(filters.q) if filters.q else [])


@bp.get("/units")
def units():
    rows = queries.unit_counts(current_user, utcnow())
    return render_template("console/units.html", rows=rows)


@bp.get("/cases/<int:case_id>")
def case_page(case_id: int):
    case = access.case_or_404(case_id, current_user)
    correct = CorrectForm(formdata=None, data={"issue_type": case.issue_type, "department": case.department,
                                               "township": case.township or "", "urgent": case.urgent})
    moves = [s for s in TRANSITIONS.get(case.state, ()) if s != CaseState.MERGED
             and access.can(current_user, "move", s)]
    return render_template(
        "console/case.html", case=case, thread=queries.thread(case), merged_here=queries.merged_here(case),
        correct=correct, confirm=ConfirmForm(), moves=moves, move_form=TransitionForm(),
        decide=access.can(current_user, "decide_extension") and bool(case.extension_request),
        assign=AssignForm(formdata=None, data={"assignee": case.assignee or ""}), reply=ReplyForm(),
        note=NoteForm(), merge=MergeForm(), answers=answer_templates(case), now=utcnow(),
        can_merge=CaseState.MERGED in TRANSITIONS.get(case.state, ()) and access.can(current_user, "merge"),
        template_only=template_only(case))


def template_only(case) -> bool:
    """The case's channel sends only approved SMS templates (Tencent, Alibaba): free text
    written here cannot reach the citizen by SMS."""
    return case.channel == "sms" and current_app.config.get("SMS_PROVIDER", "twilio") != "twilio"


ERRORS = {403: ("无权访问", "您的账号无权查看或办理此项。"), 404: ("未找到", "该页面或信访件不存在，或不在您的办理范围内。"),
          400: ("请求无效", "页面已过期或表单无效，请返回刷新后重试。"),
          429: ("请求过于频繁", "请求过于频繁，请稍后再试。"),
          405: ("不支持的操作", "该网址不支持这种请求方式，请从页面上的按钮进入。"),
          413: ("内容过大", "提交的内容超过了大小上限，请缩小后重试。"),
          500: ("系统出错", "系统暂时出错，已记录。请稍后重试；已保存的内容不会丢失。")}


@bp.errorhandler(400)
@bp.errorhandler(403)
@bp.errorhandler(404)
@bp.errorhandler(429)
@bp.errorhandler(405)
@bp.errorhandler(413)
@bp.errorhandler(500)
def _error(exc):
    code = getattr(exc, "code", None) or 500
    if code == 500:
        db.session.rollback()  # the failed request's changes must not ride along with the page
        log.error("console error: %s", getattr(exc, "original_exception", None) or exc)
    title, message = ERRORS.get(code, ("出错了", ""))
    return render_template("console/error.html", code=code, title=title, message=message), code
