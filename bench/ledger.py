"""Ledger import benchmark: `flask cases import` of a generated 50,000-row 信访台账 (xlsx and
csv), on SQLite and, when DATABASE_URL names one, PostgreSQL. Prints rows per second for a
first import and for a re-import of the same file (which must add nothing).

Rows are seed-corpus texts (made unique) with categories, units and townships written in
the names clerks use (full, legacy, short), dates over seven years, and 1 % bad rows."""
from __future__ import annotations

import argparse
import csv
import os
import random
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import func, select, text

ROOT = Path(__file__).resolve().parent.parent
HEADER = ["序号", "登记日期", "信访人", "联系电话", "信访形式", "反映问题", "问题类别", "责任单位", "乡镇", "办理结果"]
FORMS = ["来信", "来访", "网上信访", "电话", "短信"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"


def ledger_rows(n: int, seed: int = 7) -> list[list]:
    from config import load_taxonomy
    from nlp.records import load_seed

    taxonomy, rng = load_taxonomy(), random.Random(seed)
    texts = [r for r in load_seed() if r.get("issue_type")]
    towns = [name for row in taxonomy.townships.values() for name in (row["name"], *row.get("aliases", []))]
    start = datetime(2019, 1, 1)
    rows = []
    for i in range(n):
        record = rng.choice(texts)
        issue = taxonomy.issue_types[record["issue_type"]]
        dept = taxonomy.departments[record.get("department") or issue["department"]]
        rows.append([i + 1, (start + timedelta(days=rng.randrange(2500))).date(),
                     rng.choice(SURNAMES) + rng.choice("明华强军丽芳"), f"139{rng.randrange(10**8):08d}",
                     rng.choice(FORMS), f"{record['text']}（登记第{i + 1}号）",
                     rng.choice([issue["name"], *issue.get("aliases", [])]),
                     rng.choice([dept["name"], *dept.get("short", [])]), rng.choice(towns), "已答复"])
        if i % 100 == 99:
            rows[-1][5] = ""            # a bad row: no content
    return rows


def write_files(rows: list[list], folder: Path) -> tuple[Path, Path]:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    xlsx = folder / "ledger.xlsx"
    book.save(xlsx)
    path = folder / "ledger.csv"
    with path.open("w", encoding="gbk", newline="", errors="replace") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows([[c.isoformat() if hasattr(c, "isoformat") else c for c in row] for row in rows])
    return xlsx, path


def make_app(url: str):
    from core.app import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "REDIS_URL": None})
    with app.app_context():
        from models.db import db

        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
        upgrade(directory=str(ROOT / "migrations"))
    return app


def timed_import(app, path: Path) -> tuple[float, float, str]:
    """Wall time and this process's CPU time (the machine is shared: wall time also counts
    waiting for a core; the database server's own CPU is in wall time only)."""
    runner = app.test_cli_runner()
    start, cpu = time.perf_counter(), time.process_time()
    result = runner.invoke(args=["cases", "import", str(path)])
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    if result.exit_code != 0:
        raise SystemExit(result.output)
    return elapsed, cpu, next(line for line in result.output.splitlines() if line.startswith("imported"))


def bench(label: str, url: str, files: tuple[Path, Path], n: int) -> None:
    for path in files:
        # a fresh database per file (deleting 50,000 cases costs more than importing them)
        app = make_app(f"{url}-{path.suffix[1:]}" if url.startswith("sqlite") else url)
        first, cpu, summary = timed_import(app, path)
        again, _, resummary = timed_import(app, path)
        with app.app_context():
            from models.db import db
            from models import Case

            cases = db.session.execute(select(func.count()).select_from(Case)).scalar_one()
            db.session.remove()
            db.engine.dispose()
        print(f"| {label} | {path.suffix[1:]} | {n} | {first:.1f} s ({cpu:.1f} s CPU) | {n / first:,.0f} | "
              f"{again:.1f} s | {cases} |", flush=True)
        print(f"    first:  {summary}\n    again:  {resummary}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=50_000, help="rows in the ledger")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        files = write_files(ledger_rows(args.n), folder)
        print(f"generated {args.n} rows in {time.perf_counter() - start:.1f} s "
              f"(xlsx {files[0].stat().st_size / 1e6:.1f} MB, csv {files[1].stat().st_size / 1e6:.1f} MB)")
        print("| database | file | rows | first import (wall, CPU of the importer) | rows/s | re-import | cases |")
        print("|---|---|---|---|---|---|---|")
        bench("SQLite", f"sqlite:///{folder / 'bench.db'}", files, args.n)
        url = os.environ.get("DATABASE_URL", "")
        if url.startswith("postgres"):
            bench("PostgreSQL", "postgresql+psycopg://" + url.split("://", 1)[1], files, args.n)


if __name__ == "__main__":
    main()
