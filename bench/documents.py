"""Written documents and 一案一册 benchmark: one case through acceptance (受理告知书, 交办单),
督办 and the answer (处理意见书), timed per state change with its document; then the case
given a long thread (messages in and out) and events, and its 一案一册 built.

    .venv/bin/python bench/documents.py [--messages 200] [--repeat 5]

On a temporary SQLite file. Prints the median time of each step and the sizes."""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.console import make_app  # noqa: E402


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def one_case(i: int, messages: int) -> dict[str, float]:
    from cases import services, workflow
    from cases.dossier import Viewer, dossier_pdf
    from models import CaseState, Contact, Message
    from models.db import db

    contact = Contact(channel="sms", address=f"+86138{i:08d}", dialogue={})
    first = Message(direction="in", channel="sms", provider_id=f"B{i}", address=contact.address,
                    body="东屯镇某建筑公司拖欠我三个月工资共一万二千元，多次讨要无果。" * 10, state="received", contact=contact)
    db.session.add_all([contact, first])
    db.session.flush()
    case = services.open_case(contact, first)
    case.department, case.issue_type, case.township, case.citizen_name = "hrss", "labor", "dongtun", "王小明"
    out = {"accept + 受理告知书 + 交办单": timed(lambda: services.transition(case, CaseState.ACCEPTED, "user:o")),
           "督办 + 督办单": timed(lambda: workflow.supervise(case, "请上报核查情况", date(2030, 1, 1), "user:o")),
           "answer + 处理意见书": timed(lambda: services.transition(case, CaseState.ANSWERED, "user:h",
                                                              answer="责令足额支付" * 20, note="经核查属实" * 20))}
    for n in range(messages):
        db.session.add(Message(direction="in" if n % 2 else "out", channel="sms", address=contact.address,
                               body=f"第{n}条：" + "补充材料说明" * 15, state="received", case_id=case.id))
        services.add_note(case, f"第{n}次电话联系", "user:o")
    db.session.commit()
    viewer = Viewer("officer", "王小明", contact.address)
    data: list[bytes] = []
    out["一案一册"] = timed(lambda: data.append(dossier_pdf(case, viewer)))
    out["一案一册 KB"] = len(data[0]) / 1024
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    folder = tempfile.mkdtemp()
    app = make_app(f"sqlite:///{folder}/bench.db")
    app.config["DOCUMENT_DIR"] = Path(folder) / "documents"
    results: dict[str, list[float]] = {}
    with app.app_context():
        for i in range(args.repeat):
            for key, value in one_case(i, args.messages).items():
                results.setdefault(key, []).append(value)
    for key, values in results.items():
        print(f"{key:32s} {statistics.median(values):8.1f}{'' if 'KB' in key else ' ms'}")


if __name__ == "__main__":
    main()
