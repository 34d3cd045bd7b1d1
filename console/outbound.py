"""Failed and stuck outbound messages, with the error, the attempts and a resend button
(admin and officer). Stuck: queued and overdue longer than the sweeper's grace period."""
from __future__ import annotations

from datetime import timedelta

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import and_, func, or_, select

from cases.outbox import dispatch, resend
from console import access
from console.auth import audit
from console.blueprint import bp
from gateway.backlog import FAILED_OUT
from models import Case, Message, MessageState, utcnow
from models.db import db

LIMIT = 200


def _allowed() -> None:
    if not access.can(current_user, "outbound"):
        abort(403)


def problem_messages(now, grace: timedelta):
    overdue = and_(Message.state == MessageState.QUEUED,
                   func.coalesce(Message.next_attempt_at, Message.created_at) <= now - grace)
    lost = and_(Message.state == MessageState.SENDING, Message.next_attempt_at <= now)
    return (select(Message, Case.number).outerjoin(Case, Case.id == Message.case_id)
            .where(Message.direction == "out", or_(Message.state.in_(FAILED_OUT), overdue, lost))
            .order_by(Message.id.desc()).limit(LIMIT))


@bp.get("/outbound")
def outbound():
    _allowed()
    grace = timedelta(seconds=current_app.config["SWEEP_GRACE_SECONDS"])
    rows = db.session.execute(problem_messages(utcnow(), grace)).all()
    return render_template("console/outbound.html", rows=rows, now=utcnow())


@bp.post("/outbound/<int:message_id>/resend")
def resend_message(message_id: int):
    _allowed()
    message = db.session.get(Message, message_id) or abort(404)
    if not resend(message):
        flash("这条消息不能重发（已发送或不是发出的消息）。", "error")
        return redirect(url_for("console.outbound"))
    audit("resend", current_user.username, current_user.id, message_id=message_id)
    db.session.commit()
    dispatch([message])
    flash("已重新发送。", "ok")
    return redirect(url_for("console.outbound"))
