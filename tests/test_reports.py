"""Periodic reports against counts computed here, independently, over the rows inserted:
a seeded database of a few hundred cases over three months (2025), the monthly report of
November against October, its xlsx opened with openpyxl and its PDF with pypdf, the CLI,
and the console's archive page with audited downloads."""
from __future__ import annotations

import io
import os
import random
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from cases.reports import build, period
from cases.report_files import tables, to_xlsx
from cases.report_pdf import to_pdf
from console.models import AuditLog
from console.report_archive import names_for
from models.db import db
from models import Case, CaseGroup, CaseState, HotspotAlert, User
from sqlalchemy import select, update
from tests.console.console_helpers import PASSWORD, Staff

TZ = "Asia/Shanghai"
LOCAL, UTC = ZoneInfo(TZ), ZoneInfo("UTC")
CHANNELS = ["sms", "wechat", "web", "visit", "letter"]
ISSUES = ["labor", "land", "urban", "rural", None]
TOWNS = ["dongtun", "fengzhuang", "wanglou", "tapu", None]
UNITS = ["hrss", "natural_resources", "housing", "township_gov", None]
STATES = [CaseState.ACCEPTED, CaseState.ANSWERED, CaseState.CLOSED, CaseState.NOT_ACCEPTED,
          CaseState.REGISTERED, CaseState.MERGED]
RATINGS = [None, "satisfied", "basically", "unsatisfied"]
NOW = datetime(2026, 1, 15)  # naive UTC, after every deadline of the seeded cases


def _seed(count: int = 420, seed: int = 15) -> list[dict]:
    """Cases received between 2025-08-20 and 2025-12-05 (local), with random clocks."""
    rng = random.Random(seed)
    start = datetime(2025, 8, 20, tzinfo=LOCAL)
    rows = []
    for i in range(count):
        local = start + timedelta(minutes=rng.randrange(0, 107 * 24 * 60))
        received = local.astimezone(UTC).replace(tzinfo=None)
        state = rng.choice(STATES)
        row = {"number": f"YJ{i:08d}", "state": state, "channel": rng.choice(CHANNELS),
               "issue_type": rng.choice(ISSUES), "township": rng.choice(TOWNS), "department": rng.choice(UNITS),
               "urgent": rng.random() < 0.08, "received_at": received, "accepted_at": None,
               "answered_at": None, "closed_at": None, "extended": False, "rating": None}
        if state == CaseState.NOT_ACCEPTED:
            row["closed_at"] = received + timedelta(days=rng.uniform(1, 25))
        elif state != CaseState.REGISTERED:
            row["accepted_at"] = received + timedelta(days=rng.uniform(0.5, 22))
            row["extended"] = rng.random() < 0.2
            if state in (CaseState.ANSWERED, CaseState.CLOSED):
                row["answered_at"] = row["accepted_at"] + timedelta(days=rng.uniform(10, 100))
                row["rating"] = rng.choice(RATINGS)
        rows.append(row)
    db.session.add_all(Case(text="", **row) for row in rows)
    db.session.commit()
    _link_repeats_and_groups(rows, random.Random(seed + 1000))
    return rows


def _link_repeats_and_groups(rows: list[dict], rng: random.Random) -> None:
    """About one case in ten repeats an earlier one; eight group petitions formed over the
    months, each holding a few cases. Kept on the rows as numbers and plain dicts."""
    ids = dict(db.session.execute(select(Case.number, Case.id)).all())
    totals: Counter = Counter()
    for i, row in enumerate(rows):
        row["repeat_of"], row["group"] = None, None
        if i > 20 and rng.random() < 0.1:
            row["repeat_of"] = rows[rng.randrange(0, 20)]["number"]  # a few matters come back often
            totals[row["repeat_of"]] += 1
    for number, total in totals.items():
        db.session.execute(update(Case).where(Case.number == number).values(repeat_count=total))
    for row in rows:
        if row["repeat_of"]:
            db.session.execute(update(Case).where(Case.number == row["number"])
                               .values(repeat_of_id=ids[row["repeat_of"]], repeat_count=totals[row["repeat_of"]]))
    start = datetime(2025, 9, 1)
    free = [r for r in rows]
    for g in range(8):
        members = [free.pop(rng.randrange(len(free))) for _ in range(rng.randint(3, 7))]
        group = CaseGroup(kind=rng.choice(["burst", "joint"]), township=members[0]["township"], village="前屯村",
                          issue_type=members[0]["issue_type"], petitioners=rng.randint(3, 9),
                          declared=rng.choice([None, 12, 30]),
                          created_at=start + timedelta(days=rng.uniform(0, 95)))
        db.session.add(group)
        db.session.flush()
        info = {"id": group.id, "created_at": group.created_at, "size": group.size, "kind": group.kind}
        for member in members:
            member["group"] = info
        db.session.execute(update(Case).where(Case.number.in_([m["number"] for m in members]))
                           .values(group_id=group.id))
    db.session.commit()


def _local_month(moment: datetime) -> tuple[int, int]:
    local = moment.replace(tzinfo=UTC).astimezone(LOCAL)
    return local.year, local.month


def _expected(rows: list[dict], month: tuple[int, int]) -> dict:
    """The month's figures by the definitions in docs/reports.md, in plain Python."""
    live = [r for r in rows if r["state"] != CaseState.MERGED]
    intake = [r for r in live if _local_month(r["received_at"]) == month]

    def unit(r):
        return (r["department"] or "", (r["township"] or "") if r["department"] == "township_gov" else "")

    accept_due, accept_late, answer_due, answer_late = Counter(), Counter(), Counter(), Counter()
    for r in live:
        deadline = r["received_at"] + timedelta(days=15)
        if _local_month(deadline) == month and deadline < NOW:
            decided = r["accepted_at"] or (r["closed_at"] if r["state"] == CaseState.NOT_ACCEPTED else None)
            accept_due[unit(r)] += 1
            accept_late[unit(r)] += decided is None or decided > deadline
        if r["accepted_at"]:
            deadline = r["accepted_at"] + timedelta(days=90 if r["extended"] else 60)
            if _local_month(deadline) == month and deadline < NOW:
                answer_due[unit(r)] += 1
                answer_late[unit(r)] += r["answered_at"] is None or r["answered_at"] > deadline
    answered = [r for r in live if r["answered_at"] and _local_month(r["answered_at"]) == month]
    rated = [r for r in answered if r["rating"]]
    hotspots = Counter((r["township"], r["issue_type"]) for r in intake if r["township"] and r["issue_type"])
    groups = {r["group"]["id"]: r["group"] for r in rows if r["group"] and _local_month(r["group"]["created_at"]) == month}
    group_cases = Counter(r["group"]["id"] for r in live if r["group"])
    return {
        "intake": len(intake), "by_channel": Counter(r["channel"] for r in intake),
        "by_issue": Counter(r["issue_type"] or "" for r in intake),
        "by_township": Counter(r["township"] or "" for r in intake),
        "by_unit": Counter(unit(r) for r in intake),
        "accept_due": +accept_due, "accept_late": +accept_late, "answer_due": +answer_due,
        "answer_late": +answer_late, "answered": len(answered), "rated": len(rated),
        "satisfied": sum(r["rating"] in ("satisfied", "basically") for r in rated),
        "urgent": sorted(r["number"] for r in intake if r["urgent"]), "hotspots": hotspots,
        "repeats": Counter(r["repeat_of"] for r in intake if r["repeat_of"]),
        "groups": sorted((g["size"], group_cases[g["id"]]) for g in groups.values()),
    }


@pytest.fixture
def seeded(app):
    with app.app_context():
        rows = _seed()
    return rows


def test_periods_follow_the_local_calendar():
    assert period("weekly", date(2025, 11, 13)).first == date(2025, 11, 10)  # a Thursday: its Monday
    assert period("weekly", date(2025, 11, 13)).label == "2025-W46"
    assert period("monthly", date(2025, 11, 30)).previous().first == date(2025, 10, 1)
    assert period("monthly", date(2024, 2, 10)).last == date(2024, 2, 29)
    assert period("daily", date(2025, 1, 1)).previous().label == "2024-12-31"
    # local midnight in China is 16:00 UTC the day before
    assert period("daily", date(2025, 3, 2)).bounds(TZ) == (datetime(2025, 3, 1, 16), datetime(2025, 3, 2, 16))
    with pytest.raises(ValueError):
        period("yearly", date(2025, 1, 1))


def test_monthly_report_matches_counts_computed_from_the_rows(app, seeded):
    with app.app_context():
        report = build("monthly", date(2025, 11, 15), TZ, NOW)
    for figures, month in ((report.current, (2025, 11)), (report.before, (2025, 10))):
        want = _expected(seeded, month)
        assert want["intake"] > 80 and want["accept_due"] and want["answer_due"] and want["rated"]
        assert figures.intake == want["intake"]
        for key in ("by_channel", "by_issue", "by_township", "by_unit", "accept_due", "accept_late",
                    "answer_due", "answer_late", "hotspots"):
            assert +getattr(figures, key) == want[key], key
        assert (figures.answered, figures.rated, figures.satisfied) == (want["answered"], want["rated"],
                                                                       want["satisfied"])
        assert sorted(u[0] for u in figures.urgent) == want["urgent"]
        assert figures.repeats == sum(want["repeats"].values()) > 0
        assert sorted((g.size, g.cases) for g in figures.groups) == want["groups"]
    rows = report.repeat_rows()
    assert {r.first: r.in_period for r in rows} == dict(_expected(seeded, (2025, 11))["repeats"])
    totals = Counter(r["repeat_of"] for r in seeded if r["repeat_of"])
    assert all(r.total == totals[r.first] for r in rows)
    assert [r.in_period for r in rows] == sorted((r.in_period for r in rows), reverse=True)
    assert report.current.groups and report.before.groups  # the seed forms groups in both months


def test_hotspot_alerts_raised_in_the_period_are_listed(app, seeded):
    opened = [datetime(2025, 10, 31, 15, 59), datetime(2025, 10, 31, 16, 0), datetime(2025, 11, 20, 3, 0)]
    with app.app_context():
        for at in opened:  # the first is 23:59 on 31 October, local; the others in November
            db.session.add(HotspotAlert(township="dongtun", issue_type="land", opened_at=at, last_case_at=at,
                                        count=9, observed=9, expected=1.2, threshold=6, window_days=7))
        db.session.commit()
        report = build("monthly", date(2025, 11, 15), TZ, NOW)
        sheet = {t.title: t for t in tables(report, names_for(app))}["热点预警"]
    assert [a.opened_at for a in report.current.alerts] == opened[1:] and len(report.before.alerts) == 1
    assert sheet.rows[0] == ["2025-11-01 00:00", "东屯镇", "", "自然资源", 9, 1.2]
    top = report.top_hotspots()
    want = _expected(seeded, (2025, 11))["hotspots"]
    assert [n for _, n, _, _ in top] == sorted(want.values(), reverse=True)[:10]
    by_number = {r["number"]: r for r in seeded}
    for (town, issue), _, before, examples in top:
        assert before == _expected(seeded, (2025, 10))["hotspots"][(town, issue)]
        assert 1 <= len(examples) <= 3
        assert all((by_number[n]["township"], by_number[n]["issue_type"]) == (town, issue) for n in examples)


def test_xlsx_has_one_formatted_sheet_per_table_with_numbers_as_numbers(app, seeded):
    with app.app_context():
        report = build("monthly", date(2025, 11, 15), TZ, NOW)
        names = names_for(app)
        book = load_workbook(io.BytesIO(to_xlsx(report, names)))
        expected_tables = tables(report, names)
    assert book.sheetnames == [t.title for t in expected_tables]
    want = _expected(seeded, (2025, 11))
    summary = {row[0]: row[1:] for row in book["总览"].iter_rows(min_row=2, values_only=True)}
    assert summary["来件总数"][0] == want["intake"]
    assert isinstance(summary["来件总数"][0], int)
    assert summary["满意率(%)"][0] == round(100 * want["satisfied"] / want["rated"], 1)
    assert summary["来件总数"][2] == want["intake"] - _expected(seeded, (2025, 10))["intake"]
    assert summary["重复信访件数"][0] == sum(want["repeats"].values())
    assert summary["集体访批次"][0] == len(want["groups"])
    assert summary["集体访人数"][0] == sum(size for size, _ in want["groups"])
    repeat_sheet = {row[0]: row[3] for row in book["重复信访"].iter_rows(min_row=2, values_only=True)}
    assert repeat_sheet == dict(want["repeats"])
    assert sorted((row[5], row[6]) for row in book["集体访"].iter_rows(min_row=2, values_only=True)) == want["groups"]
    towns = {row[0]: row[1] for row in book["按乡镇"].iter_rows(min_row=2, values_only=True)}
    assert towns["东屯镇"] == want["by_township"]["dongtun"]
    assert towns["未识别"] == want["by_township"][""]
    urgent = [row[0] for row in book["紧急事件"].iter_rows(min_row=2, values_only=True)]
    assert sorted(urgent) == want["urgent"]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        assert sheet.column_dimensions["A"].width >= 8


def test_pdf_is_a4_with_chinese_text_and_the_figures(app, seeded):
    with app.app_context():
        report = build("monthly", date(2025, 11, 15), TZ, NOW)
        pdf = to_pdf(report, names_for(app), "延津县")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 2
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(float(width)), round(float(height))) == (595, 842)  # A4 in points
    text = "".join(page.extract_text() for page in reader.pages)
    want = _expected(seeded, (2025, 11))
    for needle in ("延津县信访月报（2025-11-01 至 2025-11-30）", "来件总数", "满意率", "按期受理率",
                   "东屯镇", "热点", "紧急事件", "本期", "上期", want["urgent"][0]):
        assert needle in text, needle
    assert f"来件总数\n{want['intake']}\n" in text
    assert reader.metadata.title.startswith("延津县信访月报")


def _login(app, role: str) -> Staff:
    with app.app_context():
        user = User(username=f"r_{role}", role=role, department="hrss" if role == "handler" else None)
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()
    staff = Staff(app.test_client())
    assert staff.login(f"r_{role}").status_code == 302
    return staff


def test_cli_archives_and_console_lists_and_audits_downloads(make_app, tmp_path):
    app = make_app(REPORTS_DIR=tmp_path / "reports")
    with app.app_context():
        from tests.conftest import _empty_tables
        _empty_tables()
        rows = _seed(120, seed=7)
    result = app.test_cli_runner().invoke(args=["reports", "build", "monthly", "--date", "2025-11-03"])
    assert result.exit_code == 0, result.output
    intake = _expected(rows, (2025, 11))["intake"]
    assert f"monthly 2025-11: {intake} cases" in result.output
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == ["monthly-2025-11.pdf", "monthly-2025-11.xlsx"]

    leader = _login(app, "leader")
    page = leader.get("/console/report-files").get_data(as_text=True)
    assert "monthly-2025-11.xlsx" in page and "月报" in page
    download = leader.get("/console/report-files/monthly-2025-11.xlsx")
    assert download.status_code == 200
    assert load_workbook(io.BytesIO(download.data))["总览"]["B2"].value == intake
    for hostile in ("..%2Fsecret_key", "monthly-2025-11.exe", ".monthly-2025-11.pdf.part", "daily-2025-13-99.pdf"):
        assert leader.get(f"/console/report-files/{hostile}").status_code == 404
    assert _login(app, "handler").get("/console/report-files").status_code == 403
    with app.app_context():
        log = db.session.query(AuditLog).filter_by(kind="report_download").all()
        assert [(e.username, e.detail) for e in log] == [("r_leader", {"file": "monthly-2025-11.xlsx"})]


def test_console_builds_a_chosen_period_and_refuses_bad_input(make_app, tmp_path):
    app = make_app(REPORTS_DIR=tmp_path / "reports")
    with app.app_context():
        from tests.conftest import _empty_tables
        _empty_tables()
        rows = _seed(150, seed=3)
    officer = _login(app, "officer")
    page = "/console/report-files"
    done = officer.post(page, {"kind": "weekly", "day": "2025-11-05"}, token_from=page, follow_redirects=True)
    assert "已生成周报 2025-W45" in done.get_data(as_text=True)
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == ["weekly-2025-W45.pdf", "weekly-2025-W45.xlsx"]
    workbook = load_workbook(tmp_path / "reports" / "weekly-2025-W45.xlsx")
    start, end = datetime(2025, 11, 2, 16), datetime(2025, 11, 9, 16)  # Monday to Sunday, local
    assert workbook["总览"]["B2"].value == sum(start <= r["received_at"] < end and r["state"] != CaseState.MERGED
                                               for r in rows)
    for form in ({"kind": "weekly", "day": "2025-13-01"}, {"kind": "yearly", "day": "2025-11-05"},
                 {"kind": "daily", "day": "0001-01-01"}, {"kind": "daily", "day": "x" * 5000}, {}):
        answer = officer.post(page, form, token_from=page, follow_redirects=True)
        assert answer.status_code == 200 and "按 2025-11-30 的格式" in answer.get_data(as_text=True)
    assert len(list((tmp_path / "reports").iterdir())) == 2
    assert officer.client.post(page, data={"kind": "daily", "day": "2025-11-05"}).status_code == 400  # no CSRF
    assert _login(app, "handler").post(page, {"kind": "daily", "day": "2025-11-05"}).status_code == 403
    with app.app_context():
        log = db.session.query(AuditLog).filter_by(kind="report_build").all()
        assert [(e.username, e.detail) for e in log] == [("r_officer", {"report": "weekly", "period": "2025-W45"})]


def test_cli_rejects_a_bad_kind_date_or_folder(runner, tmp_path):
    assert runner.invoke(args=["reports", "build", "yearly"]).exit_code == 2
    assert runner.invoke(args=["reports", "build", "daily", "--date", "2025-02-30"]).exit_code == 2
    early = runner.invoke(args=["reports", "build", "daily", "--date", "0001-01-01"])
    assert early.exit_code == 1 and "outside" in early.output
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = runner.invoke(args=["reports", "build", "daily", "--date", "2025-02-03", "--out", str(blocker / "x")])
    assert result.exit_code == 1 and "cannot write to" in result.output


@pytest.mark.skipif(not os.environ.get("REPORT_IMAGES"),
                    reason="set REPORT_IMAGES=docs/img to draw the pages shown in docs/reports.md")
def test_draw_report_pages_for_the_docs(app, seeded):
    """REPORT_IMAGES=docs/img .venv/bin/python -m pytest tests/test_reports.py -k draw_report -k sqlite"""
    import pypdfium2

    out = Path(os.environ["REPORT_IMAGES"])
    out.mkdir(parents=True, exist_ok=True)
    with app.app_context():
        report = build("monthly", date(2025, 11, 15), TZ, NOW)
        pdf = pypdfium2.PdfDocument(to_pdf(report, names_for(app), "延津县"))
    for index in range(min(2, len(pdf))):
        image = pdf[index].render(scale=1.4).to_pil()
        image.save(out / f"report-monthly-{index + 1}.png", optimize=True)
        assert image.size[0] > 800
