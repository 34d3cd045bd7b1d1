"""The outbound queue: retries on temporary errors, stops on permanent ones, rate limits,
reply windows, exactly-once claims. Only the outside world is fake (a local HTTP server
answering like Twilio's REST API); the real twilio client talks to it."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from models.db import db
from cases.outbox import dispatch, queue_message
from gateway.outbound import retry_due
from handlers.outbound import _claim, send_message
from models import Contact, Message, utcnow
from tests.conftest import _empty_tables
from tests.fakes_channels import twilio_error


@pytest.fixture
def twilio_app(make_app, fake):
    app = make_app(TWILIO_ACCOUNT_SID="AC" + "1" * 32, TWILIO_FROM="+15005550006", TWILIO_API_BASE=fake.url,
                   OUTBOUND_RETRY_DELAYS=[0, 0, 0])
    with app.app_context():
        _empty_tables()
    return app


def send(app, body="【延津信访】您的信访件已受理。", address="+8613800000000", channel="sms",
         contact_inbound_ago: timedelta | None = None) -> int:
    with app.app_context():
        contact = None
        if contact_inbound_ago is not None:
            contact = Contact(channel=channel, address=address, dialogue={}, opted_out=False,
                              last_inbound_at=utcnow() - contact_inbound_ago)
            db.session.add(contact)
        message = queue_message(address, channel, body, "notice", contact=contact)
        db.session.commit()
        dispatch([message])
        return message.id


def load(app, message_id: int) -> Message:
    with app.app_context():
        message = db.session.get(Message, message_id)
        db.session.expunge(message)
        return message


def test_temporary_failure_then_success_arrives_exactly_once(twilio_app, fake):
    fake.twilio_script = [twilio_error(503, 20503)]
    message_id = send(twilio_app)
    first = load(twilio_app, message_id)
    assert first.state == "queued" and first.attempts == 1 and "20503" in first.error
    assert fake.twilio_sent() == []
    with twilio_app.app_context():
        assert retry_due(utcnow() + timedelta(seconds=1)) == 1
        send_message(message_id)                            # a duplicate job changes nothing
        assert retry_due(utcnow() + timedelta(hours=1)) == 0
    message = load(twilio_app, message_id)
    assert message.state == "sent" and message.attempts == 2 and message.provider_id.startswith("SM")
    [sent] = fake.twilio_sent()
    assert sent["To"] == "+8613800000000" and sent["From"] == "+15005550006"
    assert sent["StatusCallback"] == f"https://gateway.example.org/webhooks/twilio/status?m={message_id}"


def test_network_error_is_temporary(make_app):
    app = make_app(TWILIO_ACCOUNT_SID="AC" + "1" * 32, TWILIO_FROM="+15005550006",
                   TWILIO_API_BASE="http://127.0.0.1:9", SEND_TIMEOUT=2)
    with app.app_context():
        _empty_tables()
    message = load(app, send(app))
    assert message.state == "queued" and "unreachable" in message.error and message.next_attempt_at


def test_opted_out_error_stops_and_marks_contact(twilio_app, fake):
    fake.twilio_script = [twilio_error(400, 21610)]
    message_id = send(twilio_app, contact_inbound_ago=timedelta(days=3))
    message = load(twilio_app, message_id)
    assert message.state == "failed" and message.error == "twilio 21610" and message.status_rank == 3
    with twilio_app.app_context():
        assert db.session.execute(select(Contact.opted_out)).scalar_one() is True
        assert retry_due(utcnow() + timedelta(days=1)) == 0
    assert len(fake.requests) == 1


def test_permanent_error_is_not_retried(twilio_app, fake):
    fake.twilio_script = [twilio_error(400, 21211)]
    message = load(twilio_app, send(twilio_app, address="+86123"))
    assert message.state == "failed" and "21211" in message.error and message.attempts == 1


def test_gives_up_after_the_configured_retries(twilio_app, fake):
    fake.twilio_script = [twilio_error(500, 20500)] * 4
    message_id = send(twilio_app)
    with twilio_app.app_context():
        for _ in range(3):
            retry_due(utcnow() + timedelta(seconds=1))
    message = load(twilio_app, message_id)
    assert message.state == "failed" and message.attempts == 4 and "gave up" in message.error
    assert fake.twilio_sent() == []


def test_a_message_is_claimed_once(twilio_app):
    with twilio_app.app_context():
        message = queue_message("+8613800000000", "sms", "x", "notice")
        db.session.commit()
        assert _claim(message.id) is True
        assert _claim(message.id) is False


def test_rate_limit_counts_segments_per_channel(make_app, fake):
    app = make_app(TWILIO_ACCOUNT_SID="AC" + "1" * 32, TWILIO_FROM="+15005550006", TWILIO_API_BASE=fake.url,
                   OUTBOUND_SEGMENTS_PER_MINUTE={"sms": 3})
    with app.app_context():
        _empty_tables()
    two_segments = "长" * 100
    ids = [send(app, f"{two_segments}{i}", address=f"+861380000000{i}") for i in range(3)]
    states = [load(app, i).state for i in ids]
    assert states.count("sent") == 1 and states.count("queued") == 2
    deferred = [load(app, i) for i in ids if load(app, i).state == "queued"]
    assert all(m.error == "rate limited" and m.next_attempt_at and m.attempts == 0 for m in deferred)


@pytest.mark.parametrize("hours, state", [(2, "sent"), (25, "failed")])
def test_whatsapp_free_text_only_within_24_hours(twilio_app, fake, hours, state):
    message_id = send(twilio_app, address="whatsapp:+8613800000009", channel="whatsapp",
                      contact_inbound_ago=timedelta(hours=hours))
    message = load(twilio_app, message_id)
    assert message.state == state
    if state == "sent":
        assert fake.twilio_sent()[0]["From"] == "whatsapp:+15005550006"
    else:
        assert "window" in message.error and fake.requests == []


def test_without_credentials_messages_go_to_the_outbox(app):
    message = load(app, send(app))
    assert message.state == "outbox" and message.attempts == 0


def test_retry_command_sends_due_messages(twilio_app, fake):
    fake.twilio_script = [twilio_error(503, 20503)]
    message_id = send(twilio_app)
    with twilio_app.app_context():
        db.session.get(Message, message_id).next_attempt_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    result = twilio_app.test_cli_runner().invoke(args=["outbound", "retry"])
    assert result.exit_code == 0 and "1 messages" in result.output
    assert load(twilio_app, message_id).state == "sent" and len(fake.twilio_sent()) == 1


def test_queued_retry_through_rq(make_app, fake, redis_url):
    from rq import SimpleWorker
    from rq.registry import ScheduledJobRegistry

    app = make_app(TWILIO_ACCOUNT_SID="AC" + "1" * 32, TWILIO_FROM="+15005550006", TWILIO_API_BASE=fake.url,
                   REDIS_URL=redis_url, RQ_QUEUE="test-outbound", OUTBOUND_RETRY_DELAYS=[0])
    with app.app_context():
        _empty_tables()
    fake.twilio_script = [twilio_error(429, 20429)]
    message_id = send(app)
    with app.app_context():
        queue = app.extensions["rq_queue"]
        SimpleWorker([queue], connection=queue.connection).work(burst=True)
        assert len(ScheduledJobRegistry(queue=queue)) == 1    # the retry, scheduled by the job
        retry_due(utcnow() + timedelta(seconds=1))             # or handed over by the sweep
        SimpleWorker([queue], connection=queue.connection).work(burst=True, with_scheduler=True)
    message = load(app, message_id)
    assert message.state == "sent" and message.attempts == 2 and len(fake.twilio_sent()) == 1


def test_a_claim_lost_with_its_worker_is_released_after_the_lease(twilio_app, fake):
    from handlers.outbound import LEASE

    with twilio_app.app_context():
        message = queue_message("+8613800000000", "sms", "【延津信访】通知", "notice")
        db.session.commit()
        message_id = message.id
        assert _claim(message_id)                          # ... and the worker dies here
        assert retry_due(utcnow() + timedelta(minutes=1)) == 0
        assert retry_due(utcnow() + LEASE + timedelta(seconds=1)) == 1
    sent = load(twilio_app, message_id)
    assert sent.state == "sent" and sent.attempts == 2 and len(fake.twilio_sent()) == 1
