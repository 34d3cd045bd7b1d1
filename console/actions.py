"""Staff actions on one case. Each goes through cases.services (which writes the CaseEvent
with who, before and after), commits once, then dispatches the notices it queued."""
from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_login import current_user

from cases import services
from cases.outbox import dispatch
from cases.services import TransitionError
from console import access
from console.blueprint import bp
from console.forms import AssignForm, ConfirmForm, CorrectForm, MergeForm, NoteForm, ReplyForm, TransitionForm
from console.helpers import state_names
from models.db import db
from models import Case, Message

REQUIREMENTS = {
    "only once": "每件信访事项只能延期一次（《信访工作条例》第三十四条）。",
    "responsible unit": "受理前须先确定责任单位。",
    "needs a route": "不予受理须选择告知信访人的法定途径。",
    "needs a reason": "须写明理由，告知信访人。",
    "needs a answer": "须填写处理意见（答复内容）。",
    "needs a note": "办结须写明化解情况（不化解不销号）。",
    "merge into": "只能并入另一件在办的信访件。",
    "already pending": "已有延期申请待单位负责人批准。",
    "no extension request": "没有待批准的延期申请。",
}


def _load(case_id: int, action: str, state: str | None = None) -> Case:
    case = access.case_or_404(case_id, current_user)  # out of scope: 404 before anything else
    if not access.can(current_user, action, state):
        abort(403)
    return case


def _done(case: Case, message: str, outbound: list[Message] | None = None):
    db.session.commit()
    dispatch(outbound or [])
    flash(message, "ok")
    return _back(case)


def _back(case: Case):
    return redirect(url_for("console.case_page", case_id=case.id))


def _refused(case: Case, exc: TransitionError, target: str | None = None):
    db.session.rollback()
    text = str(exc)
    message = next((zh for key, zh in REQUIREMENTS.items() if key in text), None)
    if message is None and target:
        names = state_names()
        message = f"不能从「{names.get(case.state, case.state)}」变为「{names.get(target, target)}」：办理流程不允许。"
    flash(message or text, "error")
    return _back(case)


def _invalid(case: Case, form):
    flash("；".join(f"{form[name].label.text}：{'，'.join(errs)}" for name, errs in form.errors.items())
          or "表单无效，请重试。", "error")
    return _back(case)


@bp.post("/cases/<int:case_id>/correct")
def correct(case_id: int):
    case = _load(case_id, "correct")
    form = CorrectForm()
    if not form.validate_on_submit():
        return _invalid(case, form)
    changes = {"issue_type": form.issue_type.data, "department": form.department.data,
               "township": form.township.data or None, "urgent": bool(form.urgent.data)}
    example = services.correct(case, changes, current_user.actor, user_id=current_user.id)
    if example is None:
        services.confirm(case, current_user.actor, user_id=current_user.id)
        return _done(case, "分类未改变，已确认。")
    return _done(case, "已更正分类，并记为训练样本。")


@bp.post("/cases/<int:case_id>/confirm")
def confirm(case_id: int):
    case = _load(case_id, "correct")
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.confirm(case, current_user.actor, user_id=current_user.id)
    return _done(case, "已确认机器分类。")


@bp.post("/cases/<int:case_id>/move")
def move(case_id: int):
    form = TransitionForm()
    target = form.state.data or ""
    case = _load(case_id, "move", target)
    if not form.validate_on_submit():
        return _invalid(case, form)
    if target == "not_accepted" and form.route.data == "other" and not (form.reason.data or "").strip():
        return _refused(case, TransitionError("needs a reason"))
    if target == "extended":
        return _request_extension(case, form.reason.data or "")
    try:
        outbound = services.transition(case, target, current_user.actor, note=form.note.data or None,
                                       reason=form.reason.data or None, answer=form.answer.data or None,
                                       route=form.route.data if target == "not_accepted" else None,
                                       user_id=current_user.id)
    except TransitionError as exc:
        return _refused(case, exc, target)
    told = "，已通知信访人" if outbound else ""
    return _done(case, f"状态已变更为「{state_names().get(target, target)}」{told}。", outbound)


def _request_extension(case: Case, reason: str):
    """Art. 34: a handler asks, the unit's 负责人 decides; nothing changes for the citizen yet."""
    try:
        services.request_extension(case, reason, current_user.actor, user_id=current_user.id)
    except TransitionError as exc:
        return _refused(case, exc, "extended")
    return _done(case, "已提交延期申请，待单位负责人批准。")


@bp.post("/cases/<int:case_id>/extension/<decision>")
def decide_extension(case_id: int, decision: str):
    case = _load(case_id, "decide_extension")
    if decision not in ("approve", "refuse") or not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        outbound = services.decide_extension(case, decision == "approve", current_user.actor,
                                             user_id=current_user.id)
    except TransitionError as exc:
        return _refused(case, exc, "extended")
    return _done(case, "已批准延期，已告知信访人。" if decision == "approve" else "未批准延期。", outbound)


@bp.post("/cases/<int:case_id>/assign")
def assign(case_id: int):
    case = _load(case_id, "assign_person")
    form = AssignForm()
    if not form.validate_on_submit():
        return _invalid(case, form)
    department = form.department.data or None
    if department and not access.can(current_user, "assign_unit"):
        abort(403)
    outbound = services.assign(case, current_user.actor, department=department,
                               assignee=form.assignee.data.strip(), user_id=current_user.id)
    return _done(case, "已更新责任单位和责任人。", outbound)


@bp.post("/cases/<int:case_id>/reply")
def reply(case_id: int):
    case = _load(case_id, "reply")
    form = ReplyForm()
    if not form.validate_on_submit():
        return _invalid(case, form)
    outbound = services.staff_reply(case, form.text.data.strip(), current_user.actor, user_id=current_user.id)
    return _done(case, "回复已发送。" if outbound else "该件无联系方式，回复已记录。", outbound)


@bp.post("/cases/<int:case_id>/note")
def note(case_id: int):
    case = _load(case_id, "note")
    form = NoteForm()
    if not form.validate_on_submit():
        return _invalid(case, form)
    services.add_note(case, form.text.data.strip(), current_user.actor, user_id=current_user.id)
    return _done(case, "备注已保存。")


@bp.post("/cases/<int:case_id>/conflict/clear")
def clear_conflict(case_id: int):
    """An officer finds the petition is not about the unit's own staff (回避 mark cleared)."""
    case = _load(case_id, "correct")
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.clear_conflict(case, current_user.actor, user_id=current_user.id)
    return _done(case, "已解除“涉及本单位人员”标记。")


@bp.post("/cases/<int:case_id>/merge")
def merge(case_id: int):
    case = _load(case_id, "merge")
    form = MergeForm()
    if not form.validate_on_submit():
        return _invalid(case, form)
    into = access.case_by_number(form.into.data, current_user)
    if into is None:
        flash(f"未找到编号为 {form.into.data} 的信访件。", "error")
        return _back(case)
    try:
        services.merge(case, into, current_user.actor, user_id=current_user.id)
    except TransitionError as exc:
        return _refused(case, exc, "merged")
    return _done(case, f"已并入 {into.number}。")
