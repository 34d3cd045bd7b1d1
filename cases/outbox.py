"""Every message we send is first a row here: an outbound Message in the outbox, written in
the caller's transaction. After the commit, ``dispatch`` hands the queued rows to the send
job (gateway's senders read them); the domain never calls a provider itself."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import distinct, func, select

from cases.jobs import jobs
from cases.replies import Rendered, Replies, segments
from models import Case, Contact, Message, MessageState, utcnow
from models.db import db

# Sent ahead of everything else, never held back by the citizen-notice rate limit (pages)
# and run at once when the queue is down.
URGENT_KINDS = ("page", "safety", "alert")
STAFF_KINDS = ("page", "alert", "hotspot")  # to the on-duty officer, not to a citizen


def queue_message(address: str, channel: str, body: str, kind: str, *, contact: Contact | None = None,
                  case: Case | None = None, unsolicited: bool = False) -> Message:
    """Record one outbound message. Unsolicited messages to an opted-out contact are kept
    but never sent. The caller commits, then calls ``dispatch``."""
    suppressed = unsolicited and contact is not None and contact.opted_out
    template = {"key": body.key, "values": body.values} if isinstance(body, Rendered) else None
    body = as_sent(channel, body)
    message = Message(direction="out", channel=channel, address=address, body=body, kind=kind,
                      contact=contact, case=case, segments=segments(body),
                      state=MessageState.SUPPRESSED if suppressed else MessageState.QUEUED, template=template)
    db.session.add(message)
    return message


def as_sent(channel: str, text: str) -> str:
    """What the handset will show. With a template-only SMS provider (Tencent, Alibaba) a
    reply goes out as its approved template (config/sms_templates.yaml), so that is the text
    we record; anything else is the text itself."""
    provider = current_app.config.get("SMS_PROVIDER", "twilio")
    catalogue = current_app.extensions["sms_catalogue"]
    if channel != "sms" or provider == "twilio" or not isinstance(text, Rendered) or catalogue.get(text.key) is None:
        return str(text)
    return catalogue.render(text.key, text.values, provider)


def page_on_duty(case: Case) -> list[Message]:
    """Urgent case: one SMS to each on-duty officer's phone, at once. A sender already
    paged for within the hour is not paged for again (the case tops the urgent queue), and
    past PAGE_HOURLY_LIMIT paged cases in an hour one summary page replaces the rest: a
    flood of urgent posts must not bury the duty phone."""
    replies = Replies(current_app.extensions["templates"])
    since = utcnow() - timedelta(hours=1)
    if _paged_sender(case, since):
        return []
    paged = _paged_cases(since)
    if paged >= current_app.config["PAGE_HOURLY_LIMIT"]:
        if _recent(since, "page_summary"):
            return []
        body = replies.render("page_summary", count=paged + 1)
        return [queue_message(phone, "sms", body, "page_summary") for phone in current_app.config["ONDUTY_PHONES"]]
    taxonomy = current_app.extensions["taxonomy"]
    body = replies.render("page", number=case.number, township=taxonomy.township_name(case.township),
                          issue=taxonomy.issue_type_name(case.issue_type))
    return [queue_message(phone, "sms", body, "page", case=case)
            for phone in current_app.config["ONDUTY_PHONES"]]


def _paged_sender(case: Case, since: datetime) -> bool:
    if case.contact_id is None:
        return False
    stmt = (select(Message.id).join(Case, Case.id == Message.case_id)
            .where(Message.kind == "page", Message.created_at >= since, Case.contact_id == case.contact_id,
                   Case.id != case.id).limit(1))
    return db.session.execute(stmt).first() is not None


def _paged_cases(since: datetime) -> int:
    stmt = select(func.count(distinct(Message.case_id))).where(Message.kind == "page", Message.created_at >= since)
    return db.session.execute(stmt).scalar_one()


def _recent(since: datetime, kind: str) -> bool:
    stmt = select(Message.id).where(Message.kind == kind, Message.created_at >= since).limit(1)
    return db.session.execute(stmt).first() is not None


def dispatch(messages: list[Message]) -> None:
    """After the commit that recorded them: hand queued messages to the send job."""
    for message in messages:
        if message.state == MessageState.QUEUED:
            jobs().send_message(message.id, urgent=message.kind in URGENT_KINDS)


RESENDABLE = (MessageState.FAILED, MessageState.UNDELIVERED, MessageState.QUEUED)


def resend(message: Message) -> bool:
    """Staff send a failed, undelivered or stuck outbound message again, from a fresh
    count of attempts. False when it is not one of those. The caller commits, then
    calls ``dispatch``."""
    if message.direction != "out" or message.state not in RESENDABLE:
        return False
    message.state, message.status_rank, message.attempts = MessageState.QUEUED, 0, 0
    message.next_attempt_at, message.error = None, None
    return True
