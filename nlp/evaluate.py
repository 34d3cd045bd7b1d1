"""Scoring a classifier on labelled records (the evaluation format of taxonomy.md)."""
from __future__ import annotations

from collections import Counter
from typing import Any, Iterable, Protocol

from .records import load_jsonl

__all__ = ["auto_route_figures", "evaluate", "expected_calibration_error", "load_jsonl", "predict_all",
           "report", "scores"]
ECE_BINS = 10


class _Classifies(Protocol):
    def classify(self, text: str) -> Any: ...


def macro_f1(gold: list[str], pred: list[str]) -> float:
    """Macro F1 over the classes present in gold or predicted (sklearn's convention)."""
    labels = sorted(set(gold) | set(pred))
    f1s = []
    for lab in labels:
        tp = sum(g == p == lab for g, p in zip(gold, pred))
        fp = sum(p == lab != g for g, p in zip(gold, pred))
        fn = sum(g == lab != p for g, p in zip(gold, pred))
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(f1s) / len(f1s) if f1s else 0.0


def _accuracy(gold: list, pred: list) -> float:
    return sum(g == p for g, p in zip(gold, pred)) / len(gold) if gold else 0.0


def predict_all(clf: _Classifies, records: Iterable[dict]) -> list[dict]:
    return [clf.classify(r["text"]).to_dict() for r in records]


def scores(records: list[dict], preds: list[dict]) -> dict:
    """The figures of ``evaluate`` from records and their predictions."""
    def col(rows: list[dict], key: str) -> list:
        return [r.get(key) for r in rows]
    gold_u, pred_u = [bool(r.get("urgent")) for r in records], [bool(p["urgent"]) for p in preds]
    tp = sum(g and p for g, p in zip(gold_u, pred_u))
    out = {"n": len(records)}
    for key in ("issue_type", "department"):
        g, p = col(records, key), col(preds, key)
        out[key] = {"accuracy": round(_accuracy(g, p), 4), "macro_f1": round(macro_f1(g, p), 4)}
    out["township"] = {"accuracy": round(_accuracy(col(records, "township"), col(preds, "township")), 4)}
    out["urgent"] = {"precision": round(tp / sum(pred_u), 4) if sum(pred_u) else 0.0,
                     "recall": round(tp / sum(gold_u), 4) if sum(gold_u) else 0.0}
    out["calibration"] = {f"{key}_ece": round(expected_calibration_error(
        [float(p[f"{key}_confidence"]) for p in preds],
        [g == p for g, p in zip(col(records, key), col(preds, key))]), 4) for key in ("issue_type", "department")}
    out["auto_route"] = auto_route_figures(records, preds)
    return out


def expected_calibration_error(confidences: list[float], correct: list[bool], bins: int = ECE_BINS) -> float:
    """ECE: the confidences cut into ``bins`` equal-width bins; the mean over bins, weighted
    by their share of the predictions, of |accuracy in the bin - mean confidence in the bin|."""
    if not confidences:
        return 0.0
    sums: dict[int, list[float]] = {}
    for conf, ok in zip(confidences, correct):
        b = min(int(conf * bins), bins - 1)
        acc = sums.setdefault(b, [0.0, 0.0, 0.0])
        acc[0] += 1
        acc[1] += conf
        acc[2] += float(ok)
    return sum(abs(hits - conf) for _, conf, hits in sums.values()) / len(confidences)


def auto_route_figures(records: list[dict], preds: list[dict]) -> dict[str, float]:
    """share: of the messages, those that would skip triage (``auto_routed``); accuracy: of
    those, the share with issue type and department both right."""
    routed = [(r, p) for r, p in zip(records, preds) if p.get("auto_routed")]
    right = sum(r.get("issue_type") == p["issue_type"] and r.get("department") == p["department"]
                for r, p in routed)
    return {"share": round(len(routed) / len(records), 4) if records else 0.0,
            "accuracy": round(right / len(routed), 4) if routed else 0.0}


def evaluate(clf: _Classifies, records: list[dict]) -> dict:
    """{"n", "issue_type": {accuracy, macro_f1}, "department": {...}, "township": {accuracy},
    "urgent": {precision, recall}, "calibration": {issue_type_ece, department_ece},
    "auto_route": {share, accuracy}}"""
    return scores(records, predict_all(clf, records))


def confused_pairs(gold: list[str], pred: list[str], top: int = 10) -> list[tuple[str, str, int]]:
    pairs = Counter((g, p) for g, p in zip(gold, pred) if g != p)
    return [(g, p, n) for (g, p), n in pairs.most_common(top)]


def confusion_table(gold: list[str], pred: list[str]) -> str:
    labels = sorted(set(gold) | set(pred))
    counts = Counter(zip(gold, pred))
    short = [lab[:5] for lab in labels]
    lines = ["gold\\pred  " + " ".join(f"{s:>5}" for s in short)]
    for lab in labels:
        lines.append(f"{lab[:10]:<10} " + " ".join(f"{counts[(lab, p)] or '.':>5}" for p in labels))
    return "\n".join(lines)


def report(clf: _Classifies, records: list[dict], top: int = 10) -> str:
    """Text report: the figures, worst confused pairs, confusion matrices, urgent misses."""
    preds = predict_all(clf, records)
    lines = [f"figures: {scores(records, preds)}"]
    for key in ("issue_type", "department", "township"):
        gold, pred = [str(r.get(key)) for r in records], [str(p[key]) for p in preds]
        lines.append(f"\n== {key}: worst confused pairs (gold -> predicted: count)")
        lines += [f"  {g} -> {p}: {n}" for g, p, n in confused_pairs(gold, pred, top)]
        if key != "township":
            lines += ["", confusion_table(gold, pred)]
    gold_u = [bool(r.get("urgent")) for r in records]
    pred_u = [p["urgent"] for p in preds]
    lines.append(f"\n== urgent: missed {sum(g and not p for g, p in zip(gold_u, pred_u))}, "
                 f"false alarms {sum(p and not g for g, p in zip(gold_u, pred_u))}")
    return "\n".join(lines)
