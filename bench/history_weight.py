"""How much weight a county's imported history (LEDGER_TRAINING_WEIGHT) should get
against the seed corpus: the issue's protocol on our own held-out letters.

    .venv/bin/python -m bench.history_weight [--weights 0 1 2 3 5]

Half of nlp/data/check/check_letters.jsonl (even lines) plays the imported 台账: each row a
training record with its issue type, department and township, urgent by the lexicon's
verdict (as `cases import` rows are, cases/learning.py) and the weight under test. A model
is trained on the seed corpus plus that half, and scored on the other half (odd lines) and
on check_short.jsonl (short messages must not suffer). Weight 0 is the seed alone. Prints
one JSON line per weight. The shipped model never trains on the check sets; only the
throwaway models of this bench do.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
CHECK = REPO / "nlp" / "data" / "check"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--weights", type=float, nargs="+", default=[0, 1, 2, 3, 5])
    args = parser.parse_args()
    from nlp import load_classifier
    from nlp.analyzer import get_analyzer
    from nlp.evaluate import scores
    from nlp.normalize import normalize
    from nlp.records import load_jsonl
    from nlp.training import load_seed, train

    letters = load_jsonl(str(CHECK / "check_letters.jsonl"))
    short = load_jsonl(str(CHECK / "check_short.jsonl"))
    history, judged = letters[0::2], letters[1::2]
    rules = get_analyzer().urgent
    seed = load_seed()
    for weight in args.weights:
        rows = [{"text": r["text"], "issue_type": r["issue_type"], "department": r["department"],
                 "township": r.get("township"), "weight": weight,
                 "urgent": any(not h.negated for h in rules.find(normalize(r["text"])))}
                for r in history] if weight > 0 else []
        with tempfile.TemporaryDirectory() as tmp:
            train(seed + rows, tmp)
            clf = load_classifier(tmp)
            out = {"weight": weight, "history_rows": len(rows)}
            for name, records in (("letters_other_half", judged), ("check_short", short)):
                preds = [c.to_dict() for c in clf.classify_many([r["text"] for r in records])]
                s = scores(records, preds)
                out[name] = {"type_acc": s["issue_type"]["accuracy"], "type_f1": s["issue_type"]["macro_f1"],
                             "dept_acc": s["department"]["accuracy"], "auto_share": s["auto_route"]["share"],
                             "auto_acc": s["auto_route"]["accuracy"]}
        print(json.dumps(out, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
