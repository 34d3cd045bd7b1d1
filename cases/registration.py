"""登记 by staff: a letter (来信), visit (来访) or call (来电) becomes a case with the same
numbering, clock and classification as an SMS petition (cases.services.open_case and
cases.classification.classify). The petitioner's 身份证号 is sealed (cases.identity)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from cases import identity, services, workflow
from cases.classification import classify
from cases.outbox import queue_message
from cases.replies import Replies
from models import Case, Contact, Message, MessageState, Petitioner, utcnow
from models.db import db

FORMS = {"letter": "来信", "visit": "来访", "call": "来电"}
_PHONE = re.compile(r"^\+?\d{5,15}$")


@dataclass(frozen=True)
class Registration:
    form: str                      # letter | visit | call
    content: str
    name: str = ""
    phone: str = ""
    id_number: str = ""
    address: str = ""
    township: str = ""
    village: str = ""
    headcount: int = 1


def normalize_phone(raw: str) -> str | None:
    """'138 0000 0000' -> '+8613800000000'; other digits kept with their +; '' -> None.
    Raises ValueError on anything that is not a phone number."""
    digits = re.sub(r"[\s\-()（）]", "", raw or "")
    if not digits:
        return None
    if not _PHONE.match(digits):
        raise ValueError("电话号码格式不对")
    if len(digits) == 11 and digits.startswith("1"):
        return "+86" + digits
    return digits if digits.startswith("+") else digits


def register(entry: Registration, actor: str, user_id: int | None = None) -> tuple[Case, list[Message]]:
    """Open the case, seal the petitioner's data, classify it now (the staff member sees the
    result at once) and, with a phone, queue the receipt SMS. Nothing is committed."""
    if entry.form not in FORMS:
        raise ValueError("unknown 信访形式")
    sealed = identity.seal(entry.id_number) if entry.id_number.strip() else None
    phone = normalize_phone(entry.phone)
    contact = _contact(phone) if phone else None
    message = Message(direction="in", channel=entry.form, address=phone or actor, body=entry.content,
                      contact=contact, state=MessageState.PROCESSED, intent="petition", processed_at=utcnow())
    db.session.add(message)
    db.session.flush()
    case = services.open_case(contact, message, actor=actor, user_id=user_id)
    case.citizen_name = entry.name or None
    case.village = entry.village or None
    db.session.add(Petitioner(case_id=case.id, name=entry.name or None, phone=phone, address=entry.address or None,
                              township=entry.township or None, village=entry.village or None,
                              id_encrypted=sealed.encrypted if sealed else None,
                              id_digest=sealed.digest if sealed else None, id_masked=sealed.masked if sealed else None))
    if entry.headcount > 1:
        workflow.workflow_of(case).headcount = entry.headcount
    outbound = classify(case)
    if entry.township:  # staff heard it from the petitioner: it overrides the machine's guess
        case.township, case.township_confidence = entry.township, 1.0
    services.record_event(case, "registered_by_staff", actor, after={"form": FORMS[entry.form],
                          "headcount": entry.headcount}, user_id=user_id)
    return case, outbound + _receipt(case, contact)


def _contact(phone: str) -> Contact:
    contact = db.session.execute(select(Contact).where(Contact.channel == "sms", Contact.address == phone)
                                 ).scalar_one_or_none()
    if contact is None:
        contact = Contact(channel="sms", address=phone, dialogue={})
        db.session.add(contact)
        db.session.flush()
    return contact


def _receipt(case: Case, contact: Contact | None) -> list[Message]:
    """The petitioner's case number by SMS, as an SMS petitioner gets it."""
    if contact is None:
        return []
    replies = Replies(current_app.extensions["templates"], contact.language)
    body = replies.render("ack", number=case.number, deadline=replies.date(case.due_at, current_app.config["TIMEZONE"]))
    return [queue_message(contact.address, contact.channel, body, "ack", contact=contact, case=case)]
