"""Hotspot alerts on synthetic streams: months of quiet Poisson noise raise nothing; a burst
raises ONE alert to the on-duty phones with the cases behind it, and later cases of the
surge join it. Streams are drawn from fixed seeds, so every run sees the same cases."""
from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from cases import hotspots
from models import Case, HotspotAlert, Message
from models.db import db
from tests.conftest import _empty_tables

DUTY = ["+8613900000001", "+8613900000002"]
START = datetime(2026, 1, 5, 0, 0)
TOWNS = ("dongtun", "wanglou", "sizhai", "yulin")
ISSUES = ("labor", "land", "urban")
VILLAGES = ("前屯村", "后屯村", "小店村")
RATES = (0.1, 0.3, 0.6, 1.0)   # cases per day, one per township (each issue alike)


@pytest.fixture
def app(make_app):
    app = make_app(ONDUTY_PHONES=DUTY)
    with app.app_context():
        _empty_tables()
    return app


def noise(seed: int, days: int, start: datetime = START,
          towns: tuple[str, ...] = TOWNS) -> list[tuple[datetime, str, str, str | None]]:
    """Quiet Poisson arrivals per township × issue type; half the cases name a village.
    `towns`: only those townships' streams (a test of one key needs no other)."""
    rng = random.Random(seed)
    events = []
    for town, rate in zip(TOWNS, RATES):
        if town not in towns:
            continue
        for issue in ISSUES:
            at = start
            while True:
                at += timedelta(days=rng.expovariate(rate))
                if at >= start + timedelta(days=days):
                    break
                events.append((at, town, issue, rng.choice(VILLAGES) if rng.random() < 0.5 else None))
    return events


def burst(day: float, town: str, issue: str, count: int, village: str | None = None, hours: float = 40,
          start: datetime = START):
    """`count` cases of one key within `hours`, from `day` on."""
    step = hours / count
    return [(start + timedelta(days=day, hours=i * step), town, issue, village) for i in range(count)]


class Stream:
    """Feeds cases in time order as the classifier would: each stored, then judged."""

    def __init__(self) -> None:
        self.serial = 0
        self.ids: list[int] = []

    def feed(self, events) -> list[Message]:
        outbound = []
        for at, town, issue, village in sorted(events, key=lambda e: e[0]):
            self.serial += 1
            case = Case(number=f"T{self.serial:07d}", channel="sms", text="", township=town, issue_type=issue,
                        village=village, received_at=at, state="registered")
            db.session.add(case)
            db.session.flush()
            self.ids.append(case.id)
            outbound += hotspots.check(case, now=at)
            if self.serial % 200 == 0:
                db.session.commit()
        db.session.commit()
        return outbound


def alerts() -> list[HotspotAlert]:
    return list(db.session.execute(select(HotspotAlert).order_by(HotspotAlert.id)).scalars())


def numbers(alert: HotspotAlert) -> set[str]:
    return {link.case.number for link in alert.cases}


@pytest.mark.parametrize("seed", [1])
def test_months_of_quiet_noise_raise_no_alert(app, seed, sqlite_only):
    with app.app_context():
        outbound = Stream().feed(noise(seed, days=180))
        assert db.session.query(Case).count() > 900  # six months, twelve keys, 36 villages
        assert alerts() == [] and outbound == []


def test_a_burst_raises_one_alert_with_its_cases_and_later_cases_join_it(app):
    with app.app_context():
        stream = Stream()
        stream.feed(noise(3, days=120, towns=("sizhai",)))
        # a sudden matter: 15 wage cases in 司寨 (0.6 a day of each type normally) within 40 hours
        spike = burst(120, "sizhai", "labor", 15)
        outbound = stream.feed(spike)
        found = alerts()
        assert len(found) == 1
        alert = found[0]
        assert (alert.township, alert.issue_type, alert.village) == ("sizhai", "labor", None)
        assert alert.open_key is not None and alert.observed >= alert.threshold >= hotspots.MIN_COUNT
        spike_numbers = {f"T{n:07d}" for n in range(stream.serial - 14, stream.serial + 1)}
        assert spike_numbers <= numbers(alert)  # every case of the burst is behind the alert
        # one page per on-duty phone, not one per case
        assert sorted(m.address for m in outbound) == DUTY and {m.kind for m in outbound} == {"hotspot"}
        assert "司寨乡" in outbound[0].body and "劳动和社会保障" in outbound[0].body

        more = stream.feed(burst(122, "sizhai", "labor", 3))  # the surge goes on: they join, no page
        assert more == [] and len(alerts()) == 1 and alerts()[0].count == len(numbers(alerts()[0]))
        assert f"T{stream.serial:07d}" in numbers(alerts()[0])


def test_the_alert_closes_when_quiet_and_a_new_surge_raises_a_new_one(app):
    with app.app_context():
        stream = Stream()
        stream.feed(noise(4, days=100) + burst(100, "dongtun", "land", 8))
        assert len(alerts()) == 1
        stream.feed(burst(140, "dongtun", "land", 9))   # weeks later, another surge
        first, second = alerts()
        assert first.open_key is None and first.closed_by == "system"
        assert second.open_key is not None and not numbers(first) & numbers(second)


def test_a_village_surge_inside_a_busy_township_raises_the_village_alert(app):
    with app.app_context():
        stream = Stream()
        # 榆林 has a case of each type a day: 8 more from one village do not stand out there,
        # but that village had about one a week
        stream.feed(noise(5, days=100) + burst(100, "yulin", "urban", 8, village="小店村", hours=30))
        (alert,) = alerts()
        assert (alert.township, alert.village) == ("yulin", "小店村")
        assert all(link.case.village == "小店村" for link in alert.cases)


def test_a_few_cases_are_never_a_surge_and_without_history_nothing_is_judged(app):
    with app.app_context():
        stream = Stream()
        assert stream.feed(burst(0, "sizhai", "land", 20)) == []  # a new deployment: no baseline yet
        stream.feed(burst(60, "wanglou", "urban", 3, hours=5))  # 0 → 3 in five hours
        assert alerts() == []


def test_threshold_is_the_conditional_poisson_test_with_a_floor():
    assert hotspots.threshold(0, 0.07) == hotspots.MIN_COUNT  # 0 → 5 in a week, after quiet months
    assert hotspots.binomial_tail(0, 3, 0.5) == 1.0 and hotspots.binomial_tail(4, 3, 0.5) == 0.0
    assert abs(hotspots.binomial_tail(2, 3, 0.5) - 0.5) < 1e-12
    k = hotspots.threshold(91, 0.07)  # about seven a week before
    assert hotspots.binomial_tail(k, 91 + k, 0.07) < hotspots.ALPHA <= hotspots.binomial_tail(k - 1, 90 + k, 0.07)
    assert hotspots.threshold(9, 0.2) > hotspots.threshold(9 * 4, 0.07)  # a thin history asks for more


def test_the_classification_job_judges_each_case_it_classifies(app):
    from cases.classification import detect_repeats_and_groups
    from models import utcnow

    start = utcnow() - timedelta(days=60)
    with app.app_context():
        stream = Stream()
        stream.feed(noise(8, days=59, start=start) + burst(58, "dongtun", "land", 7, hours=20, start=start))
        db.session.query(HotspotAlert).delete()  # judged again below, through the job's own path
        db.session.commit()
        case = Case(number="T9999999", channel="sms", text="东屯镇征地补偿款至今未发", township="dongtun",
                    issue_type="land", received_at=utcnow(), state="registered")
        db.session.add(case)
        db.session.flush()
        outbound = [m for m in detect_repeats_and_groups(case) if m.kind == "hotspot"]
        db.session.commit()
        (alert,) = alerts()
        assert "T9999999" in numbers(alert) and sorted(m.address for m in outbound) == DUTY
