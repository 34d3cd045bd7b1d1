"""矛盾纠纷 (信息员报告) on the console: the reports queue with township/month/state filters,
one report with its follow-up (state, notes, 转为信访件 through the case services), and the
month per township and officer (page and xlsx). Reports are scoped like cases
(access.report_scope): out of scope is 404."""
from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from cases import informant_month, informants
from cases.classification import classify
from cases.outbox import dispatch
from cases.services import TransitionError
from console import access, queries
from console.auth import audit
from console.blueprint import bp
from models import Informant, InformantReport, ReportState, utcnow
from models.db import db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NOTE_LIMIT = 2000


def _filters() -> dict[str, str]:
    args = {k: (request.args.get(k) or "").strip() for k in ("township", "month", "state")}
    if args["township"] not in current_app.extensions["taxonomy"].townships:
        args["township"] = ""
    if not informant_month.MONTH.match(args["month"]):
        args["month"] = ""
    if args["state"] not in ReportState.ALL:
        args["state"] = ""
    return args


@bp.get("/informants")
def informant_reports():
    args = _filters()
    stmt = select(InformantReport).where(access.report_scope(current_user))
    for column in ("township", "month", "state"):
        if args[column]:
            stmt = stmt.where(getattr(InformantReport, column) == args[column])
    stmt = stmt.order_by(InformantReport.urgent.desc(), InformantReport.received_at.desc(), InformantReport.id.desc())
    page = queries.paginate(stmt, request.args.get("page", 1, type=int))
    return render_template("console/informants.html", page=page, args=args, states=ReportState.NAMES,
                           shown_args={k: v for k, v in args.items() if v})


def _report_or_404(report_id: int) -> InformantReport:
    report = db.session.execute(select(InformantReport).where(InformantReport.id == report_id,
                                                              access.report_scope(current_user))
                                ).scalar_one_or_none()
    return report if report is not None else abort(404)


@bp.get("/informants/<int:report_id>")
def informant_report(report_id: int):
    report = _report_or_404(report_id)
    moves = [s for s in informants.MOVES[report.state] if s != ReportState.CONVERTED]
    return render_template("console/informant_report.html", report=report, states=ReportState.NAMES, moves=moves,
                           can_convert=ReportState.CONVERTED in informants.MOVES[report.state])


def _acting(report_id: int) -> InformantReport:
    report = _report_or_404(report_id)
    if not access.can(current_user, "informant_report"):
        abort(403)
    return report


def _note() -> str | None:
    note = (request.form.get("note") or "").strip()
    return note[:NOTE_LIMIT] or None


@bp.post("/informants/<int:report_id>/state")
def informant_report_state(report_id: int):
    report = _acting(report_id)
    state = request.form.get("state", "")
    try:
        if state == ReportState.CONVERTED:
            case = informants.convert(report, current_user.actor, current_user.id, _note())
            outbound = classify(case)
            db.session.commit()
            dispatch(outbound)
            flash(f"已转为信访件{case.number}。", "ok")
            return redirect(url_for("console.case_page", case_id=case.id))
        informants.move(report, state, current_user.actor, current_user.id, _note())
    except TransitionError:
        db.session.rollback()
        flash("该报告当前状态不能这样变更。", "error")
        return redirect(url_for("console.informant_report", report_id=report.id))
    db.session.commit()
    flash(f"已改为「{ReportState.NAMES[state]}」。", "ok")
    return redirect(url_for("console.informant_report", report_id=report.id))


@bp.post("/informants/<int:report_id>/note")
def informant_report_note(report_id: int):
    report = _acting(report_id)
    note = _note()
    if not note:
        flash("备注不能为空。", "error")
    else:
        informants.add_note(report, note, current_user.actor, current_user.id)
        db.session.commit()
        flash("已添加备注。", "ok")
    return redirect(url_for("console.informant_report", report_id=report.id))


def _month_args() -> tuple[str, str | None]:
    month = (request.args.get("month") or "").strip() or informants.local_month(utcnow())
    if not informant_month.MONTH.match(month):
        abort(400)
    township = request.args.get("township") or None
    if current_user.role in access.UNIT:  # a township's staff see their own township
        if not current_user.township:
            abort(403)
        township = current_user.township
    elif township not in current_app.extensions["taxonomy"].townships:
        township = None
    return month, township


@bp.get("/informants/month")
def informant_month_page():
    month, township = _month_args()
    report = informant_month.build(month, township)
    return render_template("console/informant_month.html", report=report, month=month, township=township or "")


@bp.get("/informants/month.xlsx")
def informant_month_xlsx():
    month, township = _month_args()
    report = informant_month.build(month, township)
    audit("informant_export", current_user.username, current_user.id, month=month,
          township=township or "")
    db.session.commit()
    name = current_app.extensions["taxonomy"].township_name
    data = informant_month.to_xlsx(report, name, lambda phone: access.phone(current_user, phone))
    return Response(data, mimetype=XLSX,
                    headers={"Content-Disposition": f"attachment; filename=xinxiyuan-{month}.xlsx"})


@bp.get("/informants/roster")
def informant_roster():
    if not access.can(current_user, "informant_roster"):
        abort(403)
    officers = db.session.execute(select(Informant).order_by(Informant.active.desc(), Informant.township,
                                                             Informant.village, Informant.name)).scalars().all()
    return render_template("console/informant_roster.html", officers=officers)
