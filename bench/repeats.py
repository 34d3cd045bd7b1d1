"""Repeat and group detection benchmark: the time one new case's detection takes when its
township already holds N cases of the last twelve months (the candidates it is compared with).

    .venv/bin/python -m bench.repeats [--cases 2000] [--rounds 30]

On DATABASE_URL when set, else a temporary SQLite file. Texts are seed-corpus petitions.
Prints the median and worst time per detection (each rolled back), after one warm-up."""
from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from datetime import timedelta

from sqlalchemy import insert

from bench.console import make_app


def seed(app, n: int, texts: list[str]) -> None:
    from models import Case, utcnow
    from models.db import db

    rng, now = random.Random(11), utcnow()
    rows = []
    for i in range(n):
        received = now - timedelta(minutes=rng.randint(60, 60 * 24 * 364))
        rows.append(dict(number=f"YJ{i:010d}", state="accepted", channel="sms", text=rng.choice(texts),
                         township="dongtun", village=f"{rng.randint(1, 40)}村", citizen_name=f"张{i}",
                         received_at=received, due_at=received, urgent=False, extended=False, flagged=False,
                         needs_triage=False, keywords=[], repeat_count=0, created_at=received, updated_at=received))
    with app.app_context():
        db.session.execute(insert(Case), rows)
        db.session.commit()


def detect_once(app, text: str) -> float:
    from cases.classification import detect_repeats_and_groups
    from models import Case, utcnow
    from models.db import db

    with app.app_context():
        case = Case(number="YJBENCH", state="registered", channel="sms", text=text, township="dongtun",
                    village="1村", citizen_name="李四", received_at=utcnow())
        db.session.add(case)
        db.session.flush()
        start = time.perf_counter()
        detect_repeats_and_groups(case)
        elapsed = time.perf_counter() - start
        db.session.rollback()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    from nlp.records import load_seed

    texts = [r["text"] for r in load_seed()]
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    app = make_app(url)
    seed(app, args.cases, texts)
    detect_once(app, texts[0])  # warm-up: tokenizer and IDF table
    times = [detect_once(app, random.Random(r).choice(texts)) for r in range(args.rounds)]
    print(f"repeat+group detection, {args.cases} cases in the township: "
          f"median {statistics.median(times) * 1000:.0f} ms, worst {max(times) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
