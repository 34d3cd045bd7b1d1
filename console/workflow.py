"""The bureau's workflow on the console: 签收 and 退回 by the unit, 督办 by the bureau and the
unit's report, 包案 by a leader, 回访 by the handler, and the board that lists what waits.

Every change goes through cases.workflow (which writes the case's events); each view
commits once, then dispatches the staff SMS it queued."""
from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from cases import workflow
from cases.outbox import dispatch
from console import access
from console.blueprint import bp
from console.helpers import EVENT_NAMES, FIELD_NAMES
from console.queries import unsigned_late
from models import CallBack, Case, CaseWorkflow, Message, Supervision, utcnow
from models.db import db

# Who may do which workflow step (on top of the case scope of console.access).
ROLES = {"sign": ("admin", "officer", "handler"), "supervise": ("admin", "officer", "leader"),
         "report": ("admin", "officer", "handler"), "package": ("admin", "leader"),
         "callback": ("admin", "officer", "handler")}
CALLBACK_NAMES = {"satisfied": "满意", "unsatisfied": "不满意", "unreachable": "联系不上"}
WORKFLOW_EVENTS = {"handed": "交办", "signed": "签收", "returned": "退回", "supervised": "督办",
                   "supervision_answered": "督办回复", "packaged": "领导包案", "callback": "回访",
                   "reminded": "催办", "escalated": "超期督办", "registered_by_staff": "登记"}
WORKFLOW_FIELDS = {"unit": "单位", "sign_due_at": "签收期限", "sms": "短信条数", "late": "超时",
                   "due_date": "报告期限", "leader": "包案领导", "callback": "回访结果", "stage": "环节",
                   "deadline": "期限", "form": "信访形式", "headcount": "人数"}
# The console's event names are one table (console.helpers); the workflow adds its own.
EVENT_NAMES.update(WORKFLOW_EVENTS)
FIELD_NAMES.update(WORKFLOW_FIELDS)
ERRORS = {"nothing to sign for": "该件没有待签收的交办。", "only a case handed over": "只能退回已交办且未签收的件。",
          "needs a reason": "退回须写明理由（如：不属本单位职责）。", "needs a note": "督办须写明要求。",
          "already answered": "该督办已回复。", "needs text": "请填写办理情况。", "already taken": "您已包案。",
          "no call-back": "该件没有回访任务。", "unknown call-back": "请选择回访结果。",
          "needs a responsible unit": "交办前须先确定责任单位。"}


def allowed(action: str) -> bool:
    return current_user.role in ROLES[action]


def _load(case_id: int, action: str) -> Case:
    case = access.case_or_404(case_id, current_user)
    if not allowed(action):
        abort(403)
    return case


def _finish(case: Case, message: str, outbound: list[Message] | None = None):
    db.session.commit()
    dispatch(outbound or [])
    flash(message, "ok")
    return redirect(url_for("console.case_page", case_id=case.id))


def _refuse(case: Case, exc: Exception):
    db.session.rollback()
    text = str(exc)
    flash(next((zh for key, zh in ERRORS.items() if key in text), "此操作现在不能进行。"), "error")
    return redirect(url_for("console.case_page", case_id=case.id))


def _text(name: str, limit: int) -> str:
    return (request.form.get(name) or "").strip()[:limit]


@bp.post("/cases/<int:case_id>/sign")
def sign_for(case_id: int):
    case = _load(case_id, "sign")
    try:
        workflow.sign_for(case, current_user.actor, user_id=current_user.id)
    except workflow.WorkflowError as exc:
        return _refuse(case, exc)
    return _finish(case, "已签收。")


@bp.post("/cases/<int:case_id>/give-back")
def give_back(case_id: int):
    case = _load(case_id, "sign")
    try:
        workflow.give_back(case, _text("reason", 500), current_user.actor, user_id=current_user.id)
    except workflow.WorkflowError as exc:
        return _refuse(case, exc)
    return _finish(case, "已退回信访局重新交办。")


@bp.post("/cases/<int:case_id>/supervise")
def supervise(case_id: int):
    case = _load(case_id, "supervise")
    try:
        due = date.fromisoformat(request.form.get("due_date") or "")
    except ValueError:
        flash("请选择报告期限（日期）。", "error")
        return redirect(url_for("console.case_page", case_id=case.id))
    if due < utcnow().date():
        flash("报告期限不能早于今天。", "error")
        return redirect(url_for("console.case_page", case_id=case.id))
    try:
        outbound = workflow.supervise(case, _text("note", 500), due, current_user.actor, user_id=current_user.id)
    except workflow.WorkflowError as exc:
        return _refuse(case, exc)
    return _finish(case, "已发出督办。", outbound)


@bp.post("/supervisions/<int:item_id>/report")
def report(item_id: int):
    item = db.session.get(Supervision, item_id) or abort(404)
    case = _load(item.case_id, "report")
    try:
        workflow.answer_supervision(item, _text("response", 2000), current_user.actor, user_id=current_user.id)
    except workflow.WorkflowError as exc:
        return _refuse(case, exc)
    return _finish(case, "督办已回复。")


@bp.post("/cases/<int:case_id>/package")
def package(case_id: int):
    case = _load(case_id, "package")
    try:
        workflow.take_as_leader(case, current_user.username, current_user.actor, user_id=current_user.id)
    except workflow.WorkflowError as exc:
        return _refuse(case, exc)
    return _finish(case, "已包案。")


@bp.post("/cases/<int:case_id>/callback")
def callback(case_id: int):
    case = _load(case_id, "callback")
    try:
        workflow.record_callback(case, request.form.get("result") or "", _text("note", 1000),
                                 current_user.actor, user_id=current_user.id)
    except workflow.WorkflowError as exc:
        return _refuse(case, exc)
    return _finish(case, "回访结果已记录。")


@bp.get("/workflow")
def board():
    """What waits on someone: unsigned past the limit, returned, open 督办, call-backs, 包案."""
    now = utcnow()
    scoped = select(Case).where(access.scope(current_user))
    flow = scoped.join(CaseWorkflow, CaseWorkflow.case_id == Case.id)
    lists = {
        "unsigned": flow.where(unsigned_late(now)).order_by(CaseWorkflow.sign_due_at),
        "returned": flow.where(CaseWorkflow.returned_at.is_not(None)).order_by(CaseWorkflow.returned_at),
        "supervised": scoped.join(Supervision, Supervision.case_id == Case.id)
                            .where(Supervision.responded_at.is_(None)).order_by(Supervision.due_date),
        "callbacks": scoped.join(CallBack, CallBack.case_id == Case.id)
                           .where(CallBack.done_at.is_(None)).order_by(CallBack.due_at),
        "packaged": flow.where(CaseWorkflow.leader.is_not(None)).order_by(CaseWorkflow.leader_since.desc()),
    }
    rows = {name: db.session.execute(stmt.limit(200)).scalars().unique().all() for name, stmt in lists.items()}
    return render_template("console/workflow.html", rows=rows, now=now)


@bp.context_processor
def _workflow_helpers() -> dict:
    return {"workflow_allowed": allowed, "case_supervisions": workflow.open_supervisions,
            "callback_name": lambda r: CALLBACK_NAMES.get(r, r or "")}
