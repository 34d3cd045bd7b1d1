"""`flask cases import`: a historical 信访台账 becomes closed cases that notify nobody and
training examples; bad rows are reported, re-imports add nothing, hostile files are refused."""
from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from cases.ledger_fields import Names
from config import load_ledger_spec, load_taxonomy
from models import Case, CaseEvent, Message, TrainingExample
from models.db import db

HEADERS = {
    "a": ["序号", "登记日期", "信访人", "联系电话", "信访形式", "反映问题", "问题类别", "责任单位", "乡镇", "办理结果"],
    "b": ["序号", "来信日期", "姓名", "手机", "来源", "主要诉求", "内容分类", "承办单位", "属地", "办结情况"],
    "c": ["序号", "信访日期", "姓名", "电话", "来源", "事项", "问题类别", "交办单位", "乡镇", "办理结果"],
}
ROWS = [
    [1, date(2023, 5, 12), "张三", 13800000001, "来信", "东屯镇工地拖欠农民工工资三个月", "劳动社保", "人社局", "东屯", "已督促支付"],
    [2, "2023年6月1日", "李四", "139-0000-0002", "网上信访", "小区门口烧烤油烟太大晚上睡不着", "环境保护", "环保局", "城关镇", ""],
    [3, "2023/7/2 09:30", "王五", "", "来访", "卫生院乱收费不给发票", "卫生计生", "卫生计生委", "王楼镇", "已退费"],
    [4, 20230703, "赵六", "", "电话", "宅基地被邻居占了", "国土资源", "国土资源局", "马庄乡", ""],
    [5, "2023.7.4", "钱七", "", "来信", "超市卖过期食品", "商贸旅游", "工商局", "县直", ""],
    [6, "2023-07-05", "孙八", "", "来访", "低保评选优亲厚友", "民政", "东屯镇人民政府", "", ""],
]


def write_xlsx(path: Path, header: list, rows: list, title: str | None = None) -> Path:
    book = Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def write_csv(path: Path, header: list, rows: list, encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows([[c.isoformat() if isinstance(c, (date, datetime)) else c for c in row] for row in rows])
    return path


def run(runner, *args):
    result = runner.invoke(args=["cases", "import", *map(str, args)])
    assert "Traceback" not in result.output, result.output
    return result


def count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


@pytest.mark.parametrize("variant,kind", [("a", "xlsx"), ("b", "csv"), ("c", "xlsx")])
def test_every_header_variant_imports_closed_cases_with_taxonomy_codes(app, runner, tmp_path, variant, kind):
    path = tmp_path / f"ledger.{kind}"
    if kind == "xlsx":
        write_xlsx(path, HEADERS[variant], ROWS, title="延津县2023年信访台账" if variant == "c" else None)
    else:
        write_csv(path, HEADERS[variant], ROWS)
    result = run(runner, path)
    assert result.exit_code == 0, result.output
    assert "imported 6 of 6 rows; 0 already imported; 0 bad" in result.output
    with app.app_context():
        cases = {c.citizen_name: c for c in db.session.execute(select(Case)).scalars()}
        labels = {name: (c.issue_type, c.department, c.township) for name, c in cases.items()}
        assert labels == {"张三": ("labor", "hrss", "dongtun"), "李四": ("environment", "ecology", "wenyan"),
                          "王五": ("health", "health", "wanglou"), "赵六": ("land", "natural_resources", "mazhuang"),
                          "钱七": ("market", "market", None), "孙八": ("civil", "township_gov", "dongtun")}
        first = cases["张三"]
        assert first.state == "closed" and first.contact_id is None and first.due_at is None
        assert not first.needs_triage and first.channel == "letter" and first.citizen_phone == "+8613800000001"
        assert first.number.startswith("YJ230512") and first.received_at == datetime(2023, 5, 11, 16, 0)
        assert cases["李四"].citizen_phone == "+8613900000002" and cases["李四"].channel == "web"
        assert cases["王五"].received_at == datetime(2023, 7, 2, 1, 30)
        event = db.session.execute(select(CaseEvent).where(CaseEvent.case_id == first.id)).scalar_one()
        assert event.kind == "imported" and event.note == "已督促支付" and event.after["row"] == (3 if variant == "c" else 2)
        examples = db.session.execute(select(TrainingExample)).scalars().all()
        assert len(examples) == 6 and {e.source for e in examples} == {"ledger"}
        assert {e.case_id for e in examples} == {c.id for c in cases.values()}
        assert all(e.urgent is None for e in examples)  # the ledger did not say


@pytest.mark.parametrize("category,unit,expected", [
    ("卫生计生", "县卫生和计划生育委员会", ("health", "health", None)),
    ("环境保护类", "延津县环境保护局", ("environment", "ecology", None)),
    ("国土资源", "国土局", ("land", "natural_resources", None)),
    ("商贸旅游", "商务局", ("market", "market", None)),
    ("劳动和社会保障", "县人力资源和社会保障局", ("labor", "hrss", None)),
    ("城乡建设-房屋拆迁", "住建局", ("urban", "housing", None)),
    ("城乡建设", "城管", ("urban", "urban_management", None)),
    ("政法", "派出所", ("legal", "public_security", None)),
    ("政法", "东屯镇派出所", ("legal", "public_security", None)),
    ("农村农业", "县住建局、东屯镇政府", ("rural", "housing", None)),
    ("农村农业", "文岩街道办事处", ("rural", "township_gov", "wenyan")),
    ("ＬＡＢＯＲ", "", ("labor", "hrss", None)),
    ("纪检监察", "纪委监委", ("discipline", "discipline", None)),
])
def test_full_legacy_and_short_names_map_to_codes(category, unit, expected):
    names = Names(load_taxonomy(), load_ledger_spec())
    issue = names.issue_type(category)
    dept, town = names.unit(unit) if unit else (names.default_department[issue], None)
    assert (issue, dept, town) == expected


def test_bad_rows_are_reported_and_the_others_imported(app, runner, tmp_path):
    rows = [ROWS[0],
            [2, "2023-06-01", "李四", "", "来信", "", "劳动社保", "人社局", "", ""],
            [3, "2023-06-02", "王五", "", "来信", "路灯不亮", "外星事务", "人社局", "", ""],
            [4, "2023-06-03", "赵六", "", "来信", "医院乱收费", "卫生计生", "县人民医院", "", ""],
            [5, "2023/13/01", "钱七", "", "来信", "学校乱收费", "教育文体", "教育局", "", ""],
            [6, "", "孙八", "", "来信", "学校乱收费", "教育文体", "教育局", "", ""],
            [7, "2023-06-05", "周九", "", "来信", "学校乱收费", "", "教育局", "", ""],
            [8, "2023-06-06", "吴十", "", "来信", "学校乱收费", "教育文体", "教育局", "火星乡", ""],
            [9, "2099-01-01", "郑一", "", "来信", "学校乱收费", "教育文体", "教育局", "", ""],
            ["", "", "", "", "", "", "", "", "", ""],
            ROWS[1]]
    result = run(runner, write_xlsx(tmp_path / "bad.xlsx", HEADERS["a"], rows))
    assert result.exit_code == 0, result.output
    for line in ["row 3: no content", "row 4: unknown category '外星事务'", "row 5: unknown unit '县人民医院'",
                 "row 6: unreadable date '2023/13/01'", "row 7: no date", "row 8: no category",
                 "row 9: unknown township '火星乡'", "row 10: date out of range 2099-01-01",
                 "imported 2 of 10 rows; 0 already imported; 8 bad"]:
        assert line in result.output
    with app.app_context():
        assert {c.citizen_name for c in db.session.execute(select(Case)).scalars()} == {"张三", "李四"}
    errors = tmp_path / "errors.csv"
    again = run(runner, tmp_path / "bad.xlsx", "--errors", errors, "--show", "2")
    assert "... and 6 more bad rows" in again.output and "already imported" in again.output
    assert list(csv.reader(errors.open(encoding="utf-8-sig")))[1] == ["3", "no content"]


def test_reimport_and_a_csv_copy_add_nothing(app, runner, tmp_path):
    xlsx = write_xlsx(tmp_path / "l.xlsx", HEADERS["a"], ROWS)
    assert "imported 6 of 6" in run(runner, xlsx).output
    assert "imported 0 of 6 rows; 6 already imported" in run(runner, xlsx).output
    copy = write_csv(tmp_path / "l.csv", HEADERS["a"], ROWS, encoding="utf-8-sig")
    assert "imported 0 of 6 rows; 6 already imported" in run(runner, copy).output
    grown = write_xlsx(tmp_path / "l2.xlsx", HEADERS["a"], [ROWS[0], ROWS[0], *ROWS, [7, *ROWS[0][1:5], "新的一条", *ROWS[0][6:]]])
    assert "imported 1 of 9 rows; 8 already imported" in run(runner, grown).output
    with app.app_context():
        assert count(Case) == 7 and count(TrainingExample) == 7
        assert len({c.number for c in db.session.execute(select(Case)).scalars()}) == 7


def test_dry_run_only_checks(app, runner, tmp_path):
    path = write_xlsx(tmp_path / "l.xlsx", HEADERS["a"], [*ROWS, [9, "2023-01-01", "", "", "", "", "民政", "", "", ""]])
    result = run(runner, path, "--dry-run")
    assert result.exit_code == 0
    assert "would import 6 of 7 rows; 0 already imported; 1 bad (dry run: nothing stored)" in result.output
    assert "row 8: no content" in result.output
    with app.app_context():
        assert count(Case) == 0 and count(TrainingExample) == 0 and count(CaseEvent) == 0


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig", "utf-8"])
def test_csv_in_gbk_and_utf8(app, runner, tmp_path, encoding):
    path = write_csv(tmp_path / "l.csv", HEADERS["b"], ROWS, encoding=encoding)
    result = run(runner, path)
    assert "imported 6 of 6 rows" in result.output, result.output
    with app.app_context():
        case = db.session.execute(select(Case).where(Case.citizen_name == "王五")).scalar_one()
        assert case.text == "卫生院乱收费不给发票" and case.issue_type == "health"


def test_history_notifies_nobody(make_app, tmp_path):
    """Urgent history, a phone on file and an on-duty officer configured: still no outbound
    message, no page, no job."""
    from tests.conftest import _empty_tables

    app = make_app(ONDUTY_PHONES=["+8613900000001"])
    calls = []

    class Recording:
        def classify_case(self, case_id):
            calls.append(("classify", case_id))

        def send_message(self, message_id):
            calls.append(("send", message_id))

    app.extensions["jobs"] = Recording()
    with app.app_context():
        _empty_tables()
    header = [*HEADERS["a"], "是否紧急"]
    rows = [[*ROWS[0][:5], "再不给工资我就从楼上跳下去", *ROWS[0][6:], "是"], [*ROWS[1], ""]]
    result = run(app.test_cli_runner(), write_xlsx(tmp_path / "u.xlsx", header, rows))
    assert "imported 2 of 2" in result.output
    with app.app_context():
        assert count(Message) == 0 and calls == []
        urgent = db.session.execute(select(Case).where(Case.urgent.is_(True))).scalar_one()
        assert urgent.state == "closed" and urgent.contact is None and urgent.due_at is None
        example = db.session.execute(select(TrainingExample).where(TrainingExample.case_id == urgent.id)).scalar_one()
        assert example.urgent is True


def test_training_records_weigh_history_and_fill_unknown_urgency(app, runner, tmp_path):
    from cases.learning import training_records

    rows = [[1, "2023-05-12", "张三", "", "来信", "老板欠薪不给，再不给钱我就跳楼", "劳动社保", "人社局", "", ""],
            [2, "2023-05-13", "李四", "", "来信", "老板欠薪三个月不给", "劳动社保", "人社局", "", ""]]
    run(runner, write_xlsx(tmp_path / "l.xlsx", HEADERS["a"], rows))
    with app.app_context():
        db.session.add(TrainingExample(text="村里机井坏了", issue_type="rural", department="water", urgent=False))
        db.session.commit()
        records = training_records(2.5)
        assert [r.get("weight") for r in records] == [2.5, 2.5, None]  # corrections last: they win
        assert [r["urgent"] for r in records] == [True, False, False]
        assert [r["text"] for r in training_records(0)] == ["村里机井坏了"]


def test_nlp_train_learns_from_an_imported_ledger(make_app, tmp_path, sqlite_only):
    from tests.conftest import _empty_tables

    app = make_app(MODEL_DIR=tmp_path / "models", LEDGER_TRAINING_WEIGHT=3.0)
    app.extensions.pop("classifier")
    with app.app_context():
        _empty_tables()
    text = "村里的机井坏了浇不了地，找支书没人管"
    rows = [[i, f"2023-05-{i:02d}", "张三", "", "来信", text + suffix, "纪检监察", "纪委", "", ""]
            for i, suffix in enumerate(["", "，急", "，快来看看", "。"], start=1)]
    runner = app.test_cli_runner()
    assert "imported 4 of 4" in run(runner, write_xlsx(tmp_path / "l.xlsx", HEADERS["a"], rows)).output
    result = runner.invoke(args=["nlp", "train"])
    assert result.exit_code == 0, result.output
    assert "0 corrections and 4 ledger rows" in result.output
    with app.app_context():
        from cases.classifier import get_classifier

        assert get_classifier().classify(text).issue_type == "discipline"


# --- hostile files -------------------------------------------------------------------------

def test_not_an_xlsx_is_refused_politely(app, runner, tmp_path):
    fake = tmp_path / "ledger.xlsx"
    fake.write_text("序号,日期\n1,2\n", encoding="utf-8")
    result = run(runner, fake)
    assert result.exit_code != 0 and "not a readable .xlsx file" in result.output
    zipped = tmp_path / "zip.xlsx"
    import zipfile
    with zipfile.ZipFile(zipped, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    assert "not a readable .xlsx file" in run(runner, zipped).output


@pytest.mark.parametrize("name,content,message", [
    ("empty.xlsx", b"", "the file is empty"),
    ("empty.csv", b"", "the file is empty"),
    ("ledger.xls", b"\xd0\xcf\x11\xe0", "a ledger is an .xlsx or .csv file"),
    ("binary.csv", bytes(range(256)) * 10, "neither UTF-8 nor GBK"),
    ("noheader.csv", "甲,乙,丙\n1,2,3\n".encode(), "no header row in the first 10 rows names the fields"),
])
def test_unusable_files_are_refused(app, runner, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    result = run(runner, path)
    assert result.exit_code != 0 and message in result.output, result.output
    with app.app_context():
        assert count(Case) == 0


def test_header_only_imports_nothing(app, runner, tmp_path):
    for path in (write_xlsx(tmp_path / "h.xlsx", HEADERS["a"], []), write_csv(tmp_path / "h.csv", HEADERS["b"], [])):
        result = run(runner, path)
        assert result.exit_code == 0 and "imported 0 of 0 rows" in result.output


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_10_mb_cell_is_a_bad_row(app, runner, tmp_path, kind):
    huge = "欠薪" * (5 * 1024 * 1024)
    rows = [ROWS[0], [2, "2023-06-01", "李四", "", "来信", huge, "劳动社保", "人社局", "", ""], ROWS[1]]
    path = (write_xlsx if kind == "xlsx" else write_csv)(tmp_path / f"big.{kind}", HEADERS["a"], rows)
    result = run(runner, path)
    assert result.exit_code == 0, result.output
    assert "rows/s" not in result.output and "\r" not in result.output  # no progress bar off a terminal
    assert "row 3: content longer than 20000 characters" in result.output
    assert "imported 2 of 3 rows" in result.output


def test_formula_cells_are_never_evaluated(app, runner, tmp_path):
    rows = [[1, "2023-06-01", "李四", "", "来信", '=HYPERLINK("http://evil.example","点我")', "劳动社保", "人社局", "", ""],
            [2, "2023-06-02", "王五", "", "来信", "工资拖欠", '=IF(1,"劳动社保")', "人社局", "", ""],
            ROWS[0]]
    result = run(runner, write_xlsx(tmp_path / "f.xlsx", HEADERS["a"], rows))
    # openpyxl stores formulas without a computed value: the cells read as empty
    assert "row 2: no content" in result.output and "row 3: no category" in result.output
    csv_result = run(runner, write_csv(tmp_path / "f.csv", HEADERS["a"], rows[:1]))
    assert "imported 1 of 1" in csv_result.output  # in a csv it is plain text, kept as written
    with app.app_context():
        texts = {c.text for c in db.session.execute(select(Case)).scalars()}
        assert '=HYPERLINK("http://evil.example","点我")' in texts


def test_nul_and_control_characters_survive_both_databases(app, runner, tmp_path):
    rows = [[1, "2023-06-01", "李\x00四", "", "来信", "欠薪\x00三个月\x1b[31m", "劳动社保", "人社局\x00", "", ""]]
    result = run(runner, write_csv(tmp_path / "n.csv", HEADERS["a"], rows))
    assert "imported 1 of 1" in result.output, result.output
    with app.app_context():
        case = db.session.execute(select(Case)).scalar_one()
        assert case.citizen_name == "李四" and "\x00" not in case.text


def test_a_file_broken_part_way_keeps_the_rows_before(app, runner, tmp_path):
    import zipfile

    rows = [[i, "2023-06-01", f"人{i}", "", "来信", f"欠薪第{i}件", "劳动社保", "人社局", "", ""] for i in range(1, 3001)]
    good = write_xlsx(tmp_path / "good.xlsx", HEADERS["a"], rows)
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(broken, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) * 2 // 3]   # the sheet's XML ends mid-way
            dst.writestr(item, data)
    result = run(runner, broken)
    assert result.exit_code == 0, result.output
    assert "stopped: unreadable after row" in result.output
    with app.app_context():
        stored = count(Case)
    assert 1000 <= stored < 3000 and f"imported {stored} of {stored} rows" in result.output
