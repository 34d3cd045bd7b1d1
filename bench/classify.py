"""Benchmark of nlp.classify: throughput against raw jieba, cold start, peak memory.

    .venv/bin/python bench/classify.py [--model-dir DIR] [--texts FILE.jsonl] [--rounds 3]

Prints messages per second of raw ``jieba.lcut`` (the global jieba, default mode), of
``classify`` one message at a time and of the batch path (``nlp.batch.classify_records``,
chunks of 256) on the same short texts (the seed corpus's messages under 200 characters)
in the same process, and their ratios; the time per text of long letters by length
(linear in length?); the cold start (a fresh interpreter: import, load, first classify)
and its peak memory after classifying everything in batch; and, when rjieba is installed,
how often its segmentation agrees with jieba's. Times are CPU time of this process
(``time.process_time``), best of interleaved rounds: the box is shared, and wall time
there measures the neighbours.
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
t0, c0 = time.perf_counter(), time.process_time()
from nlp import load_classifier
clf = load_classifier(sys.argv[1])
clf.classify("马庄乡小周庄村拖欠工资三个月了")
t1, c1 = time.perf_counter(), time.process_time()
from nlp.batch import classify_records
texts = sys.stdin.read().split("\\0")
for text in texts:
    clf.classify(text)
list(classify_records(({"id": i, "text": t} for i, t in enumerate(texts)), clf))
# VmHWM, not ru_maxrss: Linux carries the parent's peak across fork+exec into ru_maxrss
hwm = next(line for line in open("/proc/self/status") if line.startswith("VmHWM")).split()[1]
print(t1 - t0, c1 - c0, int(hwm) / 1024, clf.analyzer.tokenizer.backend)
"""


def texts_from(path: str | None) -> list[str]:
    from nlp.training import load_jsonl, load_seed
    records = load_jsonl(path) if path else load_seed()
    return [r["text"] for r in records]


def rate(fn, texts: list[str], rounds: int) -> float:
    best = min(_timed(fn, texts) for _ in range(rounds))
    return len(texts) / best


def _timed(fn, texts: list[str]) -> float:
    start = time.process_time()
    for text in texts:
        fn(text)
    return time.process_time() - start


def rates(fns: dict, texts: list[str], rounds: int) -> dict[str, float]:
    """Messages per CPU second of each per-text function, best of interleaved rounds."""
    best: dict[str, float] = {}
    for _ in range(rounds):
        for name, fn in fns.items():
            best[name] = min(best.get(name, float("inf")), _timed(fn, texts))
    return {name: len(texts) / seconds for name, seconds in best.items()}


def batch_fn(clf):
    """classify_records over a whole list, as a per-list callable for ``rates``."""
    from nlp.batch import classify_records

    def run(texts: list[str]) -> None:
        for _ in classify_records(({"id": i, "text": t} for i, t in enumerate(texts)), clf):
            pass
    return run


def per_length(clf, letters: list[str], lengths=(100, 200, 500, 1000, 2000, 3000), rounds: int = 3) -> dict:
    """Microseconds per text and per character of ``classify`` on letters cut to each length."""
    pool = "".join(letters)
    out = {}
    for n in lengths:
        texts = [pool[i:i + n] for i in range(0, min(len(pool) - n, 40 * n), n)][:40]
        seconds = min(_timed(clf.classify, texts) for _ in range(rounds)) / len(texts)
        out[n] = {"us_per_text": round(seconds * 1e6), "us_per_char": round(seconds * 1e6 / n, 2)}
    return out


def cold_start(model_dir: Path, texts: list[str]) -> tuple[float, float, float, str]:
    """Wall and CPU seconds from interpreter start to the first result, peak MB, backend."""
    out = subprocess.run([sys.executable, "-c", COLD, str(model_dir)], input="\0".join(texts),
                         capture_output=True, text=True, check=True, cwd=REPO)
    seconds, cpu, mem_mb, backend = out.stdout.split()
    return float(seconds), float(cpu), float(mem_mb), backend


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
    everything = texts_from(args.texts)
    texts = [t for t in everything if len(t) < 200]
    letters = [t for t in everything if len(t) >= 200]
    model_dir = ensure_model(args.model_dir)
    clf = load_classifier(model_dir)
    jieba.lcut("预热")  # build jieba's dictionary before timing
    clf.classify_many(texts[:200])
    many = batch_fn(clf)
    lists = {"batch": lambda _: many(texts)}
    found = rates({"jieba": jieba.lcut, "classify": clf.classify,
                   "classify_jieba_backend": _with_backend(clf, "jieba").classify}, texts, args.rounds)
    found.update({k: len(texts) / v for k, v in _list_times(lists, args.rounds).items()})
    seconds, cpu, mem_mb, backend = cold_start(model_dir, everything)
    result = {"texts": len(texts), "mean_chars": round(sum(map(len, texts)) / len(texts), 1),
              "tokenizer_backend": backend,
              **{f"{k}_msgs_per_s": round(v) for k, v in found.items()},
              "ratio_batch": round(found["batch"] / found["jieba"], 3),
              "ratio_classify": round(found["classify"] / found["jieba"], 3),
              "ratio_classify_jieba_backend": round(found["classify_jieba_backend"] / found["jieba"], 3),
              "cold_start_s": round(seconds, 3), "cold_start_cpu_s": round(cpu, 3),
              "peak_memory_mb": round(mem_mb, 1),
              "per_length": per_length(clf, letters) if letters else None,
              "rjieba": rjieba_agreement(texts)}
    print(f"batch {found['batch']:,.0f} msg/s, classify {found['classify']:,.0f} msg/s vs raw jieba.lcut "
          f"{found['jieba']:,.0f} msg/s (ratios {result['ratio_batch']:.2f} / {result['ratio_classify']:.2f}, "
          f"backend {backend}); cold start {seconds:.2f} s ({cpu:.2f} s CPU); peak memory {mem_mb:.0f} MB")
    print(json.dumps(result, ensure_ascii=False))


def _list_times(fns: dict, rounds: int) -> dict[str, float]:
    best: dict[str, float] = {}
    for _ in range(rounds):
        for name, fn in fns.items():
            start = time.process_time()
            fn(None)
            best[name] = min(best.get(name, float("inf")), time.process_time() - start)
    return best


if __name__ == "__main__":
    main()
