"""Benchmark of nlp.classify: throughput against raw jieba, cold start, peak memory.

    .venv/bin/python bench/classify.py [--model-dir DIR] [--texts FILE.jsonl] [--rounds 3]

Prints messages per second of ``classify`` and of raw ``jieba.lcut`` (the global jieba,
default mode) on the same texts in the same process, their ratio, the cold start (a fresh
interpreter: import, load, first classify) and its peak memory, and, when rjieba is
installed, how often its segmentation agrees with jieba's on the corpus.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

COLD = """
import sys, time
t0 = time.perf_counter()
from nlp import load_classifier
clf = load_classifier(sys.argv[1])
clf.classify("马庄乡小周庄村拖欠工资三个月了")
t1 = time.perf_counter()
for text in sys.stdin.read().splitlines():
    clf.classify(text)
# VmHWM, not ru_maxrss: Linux carries the parent's peak across fork+exec into ru_maxrss
hwm = next(line for line in open("/proc/self/status") if line.startswith("VmHWM")).split()[1]
print(t1 - t0, int(hwm) / 1024, clf.analyzer.tokenizer.backend)
"""


def texts_from(path: str | None) -> list[str]:
    from nlp.training import load_jsonl, load_seed
    records = load_jsonl(path) if path else load_seed()
    return [r["text"] for r in records]


def rate(fn, texts: list[str], rounds: int) -> float:
    best = min(_timed(fn, texts) for _ in range(rounds))
    return len(texts) / best


def _timed(fn, texts: list[str]) -> float:
    start = time.perf_counter()
    for text in texts:
        fn(text)
    return time.perf_counter() - start


def cold_start(model_dir: Path, texts: list[str]) -> tuple[float, float, str]:
    out = subprocess.run([sys.executable, "-c", COLD, str(model_dir)], input="\n".join(texts),
                         capture_output=True, text=True, check=True, cwd=REPO)
    seconds, mem_mb, backend = out.stdout.split()
    return float(seconds), float(mem_mb), backend


def rjieba_agreement(texts: list[str]) -> dict | None:
    """Share of texts segmented identically by the two backends (same user dictionary)."""
    try:
        import rjieba  # noqa: F401
    except ImportError:
        return None
    from nlp.config import load_taxonomy
    from nlp.normalize import normalize
    from nlp.tokenizer import Tokenizer, user_words
    words = user_words(load_taxonomy())
    py, rs = Tokenizer(words, backend="jieba"), Tokenizer(words, backend="rjieba")
    norm = [normalize(t) for t in texts]
    cuts = [(py.cut(t), rs.cut(t)) for t in norm]
    same_tokens = sum(len(set(_spans(a)) & set(_spans(b))) for a, b in cuts)
    return {"texts_identical": round(sum(a == b for a, b in cuts) / len(cuts), 4),
            "token_agreement": round(same_tokens / max(1, sum(len(a) for a, _ in cuts)), 4),
            "jieba_msgs_per_s": round(rate(py.cut, norm, 3)), "rjieba_msgs_per_s": round(rate(rs.cut, norm, 3))}


def _spans(words: list[str]) -> list[tuple[int, int]]:
    out, i = [], 0
    for w in words:
        out.append((i, i + len(w)))
        i += len(w)
    return out


def _with_backend(clf, backend: str):
    """The same model over a tokenizer of the given backend."""
    from nlp.analyzer import Analyzer
    from nlp.classifier import Classifier
    from nlp.tokenizer import get_tokenizer
    taxonomy = clf.analyzer.taxonomy
    return Classifier(Analyzer(taxonomy, get_tokenizer(taxonomy, backend)), clf.bundle, clf.model_version)


def ensure_model(model_dir: str | None) -> Path:
    from nlp.store import current_version
    from nlp.training import load_seed, train
    path = Path(model_dir) if model_dir else Path(tempfile.mkdtemp(prefix="nlp-bench-"))
    if current_version(path) is None:
        train(load_seed(), path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model-dir", help="a model dir (default: train one into a temp dir)")
    parser.add_argument("--texts", help="JSONL with a text field (default: the seed corpus)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    import jieba
    from nlp import load_classifier
    texts = texts_from(args.texts)
    model_dir = ensure_model(args.model_dir)
    clf = load_classifier(model_dir)
    jieba.lcut("预热")  # build jieba's dictionary before timing
    for text in texts[:200]:
        clf.classify(text)
    jieba_rate = rate(jieba.lcut, texts, args.rounds)
    clf_rate = rate(clf.classify, texts, args.rounds)
    py_rate = rate(_with_backend(clf, "jieba").classify, texts, args.rounds)
    seconds, mem_mb, backend = cold_start(model_dir, texts)
    result = {"texts": len(texts), "tokenizer_backend": backend,
              "jieba_lcut_msgs_per_s": round(jieba_rate), "classify_msgs_per_s": round(clf_rate),
              "ratio": round(clf_rate / jieba_rate, 3),
              "classify_jieba_backend_msgs_per_s": round(py_rate), "ratio_jieba_backend": round(py_rate / jieba_rate, 3),
              "cold_start_s": round(seconds, 3),
              "peak_memory_mb": round(mem_mb, 1), "rjieba": rjieba_agreement(texts)}
    print(f"classify {clf_rate:,.0f} msg/s vs raw jieba.lcut {jieba_rate:,.0f} msg/s "
          f"(ratio {clf_rate / jieba_rate:.2f}, backend {backend}); cold start {seconds:.2f} s; "
          f"peak memory {mem_mb:.0f} MB")
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
