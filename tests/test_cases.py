"""The case service: lifecycle, clocks, numbering under concurrency."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from cases import services
from cases.numbering import next_case_number
from models.db import db
from models import Case, CaseState, Contact, Message


def _case(app) -> Case:
    contact = Contact(channel="sms", address="+8613800000000", dialogue={})
    message = Message(direction="in", channel="sms", provider_id="SM1", address=contact.address,
                      body="东屯镇欠薪", state="received", contact=contact)
    db.session.add_all([contact, message])
    db.session.flush()
    return services.open_case(contact, message, now=datetime(2026, 11, 27, 2, 0))


def test_open_case_sets_number_and_fifteen_day_clock(app):
    with app.app_context():
        case = _case(app)
        assert case.number == "YJ2611270001"  # 02:00 UTC is 10:00 in 延津
        assert case.due_at == datetime(2026, 12, 12, 2, 0)


def test_local_day_decides_the_number(app):
    with app.app_context():
        contact = Contact(channel="sms", address="+8613800000000", dialogue={})
        message = Message(direction="in", channel="sms", provider_id="SM2", address="x", body="x",
                          state="received", contact=contact)
        db.session.add_all([contact, message])
        case = services.open_case(contact, message, now=datetime(2026, 11, 27, 17, 0))  # 01:00 next day local
        assert case.number.startswith("YJ261128")


def test_lifecycle_clocks(app):
    with app.app_context():
        case = _case(app)
        t0 = datetime(2026, 11, 28)
        with pytest.raises(services.TransitionError, match="unit"):
            services.transition(case, CaseState.ACCEPTED, "user:officer", now=t0)
        case.department = "hrss"
        [accepted] = services.transition(case, CaseState.ACCEPTED, "user:officer", now=t0)
        assert case.due_at == t0 + timedelta(days=60) and case.accepted_at == t0
        assert "已受理" in accepted.body and "人力资源" in accepted.body and accepted.kind == "notice_accepted"
        assert services.transition(case, CaseState.IN_PROGRESS, "user:handler", now=t0 + timedelta(days=1)) == []
        assert case.due_at == t0 + timedelta(days=60)
        with pytest.raises(services.TransitionError, match="reason"):
            services.transition(case, CaseState.EXTENDED, "user:handler", now=t0 + timedelta(days=50))
        [extended] = services.transition(case, CaseState.EXTENDED, "user:handler", reason="需要现场勘验",
                                         now=t0 + timedelta(days=50))
        assert case.due_at == t0 + timedelta(days=90) and "需要现场勘验" in extended.body
        [answered] = services.transition(case, CaseState.ANSWERED, "user:handler", answer="工资已全额发放" * 40,
                                         now=t0 + timedelta(days=80))
        assert case.due_at == t0 + timedelta(days=110)
        assert answered.segments <= 3 and "复查" in answered.body
        with pytest.raises(services.TransitionError, match="note"):
            services.transition(case, CaseState.CLOSED, "user:officer", now=t0 + timedelta(days=111))
        services.transition(case, CaseState.CLOSED, "user:officer", note="已化解，群众满意",
                            now=t0 + timedelta(days=111))
        assert case.due_at is None and case.closed_at is not None
        kinds = [(e.kind, (e.after or {}).get("state")) for e in case.events]
        assert kinds[-1] == ("state", "closed") and len([k for k in kinds if k[0] == "state"]) == 5


@pytest.mark.parametrize("path", [
    [CaseState.CLOSED],
    [CaseState.ANSWERED],
    [CaseState.NOT_ACCEPTED, CaseState.ACCEPTED],
    [CaseState.ACCEPTED, CaseState.EXTENDED, CaseState.EXTENDED],
    [CaseState.ACCEPTED, CaseState.REGISTERED],
])
def test_illegal_transitions_are_refused(app, path):
    with app.app_context():
        case = _case(app)
        case.department = "hrss"
        with pytest.raises(services.TransitionError):
            for state in path:
                services.transition(case, state, "user:x", reason="r", route="litigation", answer="a", note="n")


def test_not_accepted_names_the_right_route(app):
    with app.app_context():
        case = _case(app)
        [notice] = services.transition(case, CaseState.NOT_ACCEPTED, "user:officer", route="litigation")
        assert "诉讼" in notice.body and case.closed_at is not None


def test_correction_becomes_a_training_example(app):
    from models import TrainingExample

    with app.app_context():
        case = _case(app)
        case.issue_type, case.department, case.needs_triage = "rural", "agriculture", True
        example = services.correct(case, {"issue_type": "labor", "department": "hrss", "urgent": False}, "user:li")
        assert example.issue_type == "labor" and example.department == "hrss" and example.text == case.text
        assert case.needs_triage is False and case.issue_type_confidence == 1.0
        assert case.events[-1].kind == "corrected" and case.events[-1].before == {"issue_type": "rural",
                                                                               "department": "agriculture"}
        assert services.correct(case, {"issue_type": "labor"}, "user:li") is None
        db.session.flush()
        assert db.session.execute(select(TrainingExample)).scalar_one().case_id == case.id


def test_notices_to_an_opted_out_citizen_are_kept_not_sent(app):
    with app.app_context():
        case = _case(app)
        case.contact.opted_out = True
        [notice] = services.transition(case, CaseState.NOT_ACCEPTED, "user:officer", route="discipline")
        assert notice.state == "suppressed" and "纪委" in notice.body


def test_concurrent_numbering_never_collides(app):
    """Many workers at once get distinct consecutive numbers (real row locks on PostgreSQL)."""
    numbers, errors = [], []

    def worker():
        try:
            with app.app_context():
                numbers.append(next_case_number("YJ", "261127"))
                db.session.commit()
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # SQLite serialises writers; a busy timeout may surface as an error but never a duplicate.
        assert len(set(numbers)) == len(numbers)
    else:
        assert not errors
        assert sorted(numbers) == [f"YJ261127{i:04d}" for i in range(1, 13)]
