"""A phone for demos and training: the text goes through the same inbound path as a real
SMS (gateway.inbound.receive), and the page shows that phone's whole conversation."""
from __future__ import annotations

import json
import uuid

from flask import redirect, render_template, request, url_for
from sqlalchemy import select

from console.blueprint import bp
from console.auth import role_required
from console.forms import SimulatorForm
from models.db import db
from gateway.base import InboundEvent
from gateway.inbound import receive
from models import Contact, Message

CHANNEL = "sms"


def _conversation(address: str, limit: int = 40) -> list[Message]:
    contact = db.session.execute(select(Contact).where(Contact.channel == CHANNEL, Contact.address == address)
                                 ).scalar_one_or_none()
    if contact is None:
        return []
    stmt = (select(Message).where(Message.contact_id == contact.id)
            .order_by(Message.created_at.desc(), Message.id.desc()).limit(limit))
    return list(reversed(db.session.execute(stmt).scalars().all()))


@bp.route("/simulator", methods=["GET", "POST"])
@role_required("admin", "officer")
def simulator():
    form = SimulatorForm(data={"phone": request.args.get("phone", "+8613800000000")} if request.method == "GET"
                         else None)
    if form.validate_on_submit():
        event = InboundEvent(channel=CHANNEL, provider_id=f"SIM{uuid.uuid4().hex}", address=form.phone.data,
                             body=form.text.data, to="simulator")
        receive(event, json.dumps({"simulator": True, "from": form.phone.data, "body": form.text.data},
                                  ensure_ascii=False))
        return redirect(url_for("console.simulator", phone=form.phone.data))
    messages = _conversation(form.phone.data or "")
    return render_template("console/simulator.html", form=form, messages=messages)
