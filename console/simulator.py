"""A phone for demos and training: the text goes through the same inbound path as a real
SMS (gateway.inbound.receive), and the page shows that phone's whole conversation. It plays
only test numbers, never a real citizen's, and every use is audited with the staff user."""
from __future__ import annotations

import json
import uuid

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from console.blueprint import bp
from console.auth import audit, role_required
from console.forms import SimulatorForm
from models.db import db
from gateway.base import InboundEvent
from gateway.inbound import receive
from models import Contact, Message
from models.contact import mask_address

CHANNEL = "sms"
SIM = "SIM"  # provider id prefix of simulated messages


def _conversation(address: str, limit: int = 40) -> list[Message]:
    contact = db.session.execute(select(Contact).where(Contact.channel == CHANNEL, Contact.address == address)
                                 ).scalar_one_or_none()
    if contact is None:
        return []
    stmt = (select(Message).where(Message.contact_id == contact.id)
            .order_by(Message.created_at.desc(), Message.id.desc()).limit(limit))
    return list(reversed(db.session.execute(stmt).scalars().all()))


def simulated_number(address: str) -> bool:
    """A test number (SIMULATOR_PREFIX), or one that never sent anything but simulated
    messages: staff may not rate, opt out or write as a real citizen."""
    if address.startswith(current_app.config["SIMULATOR_PREFIX"]):
        return True
    contact = db.session.execute(select(Contact).where(Contact.channel == CHANNEL, Contact.address == address)
                                 ).scalar_one_or_none()
    if contact is None:
        return True
    real = select(Message.id).where(Message.contact_id == contact.id, Message.direction == "in",
                                    Message.provider_id.not_like(f"{SIM}%")).limit(1)
    return db.session.execute(real).first() is None


@bp.route("/simulator", methods=["GET", "POST"])
@role_required("admin", "officer")
def simulator():
    form = SimulatorForm(data={"phone": request.args.get("phone", "+8613800000000")} if request.method == "GET"
                         else None)
    if form.validate_on_submit():
        if not simulated_number(form.phone.data):
            flash("模拟器只能用于测试号码（以配置的测试前缀开头）或只收过模拟短信的号码，不能冒用真实信访人。", "error")
            return render_template("console/simulator.html", form=form, messages=[]), 403
        # Every use is audited with the staff user: what the citizen "did" here was staff.
        audit("simulate", current_user.username, current_user.id, phone=mask_address(form.phone.data),
              chars=len(form.text.data))
        event = InboundEvent(channel=CHANNEL, provider_id=f"{SIM}{uuid.uuid4().hex}", address=form.phone.data,
                             body=form.text.data, to="simulator")
        # A template-only SMS provider answers through the outbox, as the real callback does.
        receive(event, json.dumps({"simulator": True, "staff": current_user.username, "from": form.phone.data,
                                   "body": form.text.data}, ensure_ascii=False),
                deliver=current_app.config["SMS_PROVIDER"] != "twilio")
        return redirect(url_for("console.simulator", phone=form.phone.data))
    messages = _conversation(form.phone.data or "")
    return render_template("console/simulator.html", form=form, messages=messages)
