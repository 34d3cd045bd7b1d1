"""The classifier the app keeps one of per process: ``load_classifier(...).classify(text)``."""
from __future__ import annotations

import logging
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from . import store
from .analyzer import Analysis, Analyzer, get_analyzer
from .config import Taxonomy
from .features import Doc
from .fastre import Prefiltered, trie_pattern
from .model import LinearHead
from .vector import BatchFeaturizer, scores, softmax_blocks
from .records import seed_digest

log = logging.getLogger(__name__)
DEFAULT_MODEL_DIR = Path(__file__).resolve().parent.parent / "instance" / "models"
EXCEPTION_PRIOR = 0.6   # weight of a routing-table exception against the type's default
LEARNED_PRIOR = 0.02    # per training example, for other (type, department) pairs seen
KEYWORD_BOOST = 3.0     # a routing keyword in the text multiplies its exception's weight
N_KEYWORDS = 6
# P(dept) multiplies two calibrated probabilities (the department head's and the type's
# through the routing prior), which makes it overconfident; its square root (geometric mean)
# cut the 5-fold CV expected calibration error from 0.093 to 0.036 at equal accuracy.
DEPARTMENT_POWER = 0.5


@dataclass(frozen=True)
class Classification:
    issue_type: str
    issue_type_confidence: float
    department: str
    department_confidence: float
    township: str | None
    township_confidence: float
    village: str | None
    urgent: bool
    urgent_confidence: float
    keywords: list[str] = field(default_factory=list)
    model_version: str = ""
    auto_routed: bool = False  # confident enough on issue type AND unit to skip triage

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Classifier:
    """Issue type, department, township and urgent for one message, with confidences."""

    def __init__(self, analyzer: Analyzer, bundle: store.ModelBundle, version: str) -> None:
        self.analyzer, self.bundle, self.model_version = analyzer, bundle, version
        tax = analyzer.taxonomy
        heads = bundle.heads
        self._urgent_classes = ["False", "True"]
        # All heads in one matrix, columns in taxonomy order, so one gather scores a message.
        blocks = [_columns(heads["issue_type"], tax.issue_types),
                  _columns(heads["department"], tax.departments),
                  _columns(heads["urgent"], self._urgent_classes)]
        inv_T = np.concatenate([t for _, _, t in blocks])
        self._W = np.hstack([w for w, _, _ in blocks]) * inv_T
        self._b = np.concatenate([b for _, b, _ in blocks]) * inv_T
        self._sizes = np.array([len(tax.issue_types), len(tax.departments), 2])
        self._starts = np.concatenate([[0], np.cumsum(self._sizes)[:-1]])
        self._segment = np.repeat(np.arange(3), self._sizes)
        self._prior = route_prior(tax, bundle.pair_counts)
        # routing keywords: one trie regex over all of them, each word -> its rules (t, d)
        self._keyword_rules: dict[str, list[tuple[int, int]]] = {}
        for r in tax.routing:
            for word in r.keywords:
                self._keyword_rules.setdefault(word, []).append(
                    (tax.issue_types.index(r.issue_type), tax.departments.index(r.department)))
        self._keyword_re = Prefiltered(trie_pattern(self._keyword_rules))
        self._word_limit = bundle.featurizer.chars.offset
        u = self._starts[2]  # the urgent head alone, as one logit, for windows of long letters
        self._W_urgent = np.ascontiguousarray(self._W[:, u + 1] - self._W[:, u])
        self._b_urgent = float(self._b[u + 1] - self._b[u])
        self.route_thresholds = tax.auto_route
        self._dept_power = float(bundle.meta.get("params", {}).get("department_power", DEPARTMENT_POWER))
        self._batch: BatchFeaturizer | None = None  # built on the first classify_many

    def classify(self, text: str) -> Classification:
        a = self.analyzer.analyze(text)
        idx, val = self.bundle.featurizer.row(a.doc)
        p_type, p_dept_model, p_urgent = self._probabilities(idx, val)
        p_dept = self._department(a.text, p_type, p_dept_model)
        t, d = int(p_type.argmax()), int(p_dept.argmax())
        return self._result(a, t, float(p_type[t]), d, float(p_dept[d]), float(p_urgent[1]), (idx, val))

    def classify_many(self, texts: Sequence[str], keywords: bool = False) -> list[Classification]:
        """``classify`` of each text, the features and heads of all of them computed at once
        (nlp.vector): several times faster per message. Without ``keywords`` the results'
        keyword lists are left empty (they cost as much as the rest of the heads)."""
        if self._batch is None:
            self._batch = BatchFeaturizer(self.bundle.featurizer)
        analyses = [self.analyzer.analyze(t) for t in texts]
        n, s1, s2 = len(analyses), self._starts[1], self._starts[2]
        msg, feat, val = self._batch.rows([a.doc for a in analyses])
        p = softmax_blocks(scores(msg, feat, val, self._W, self._b, n), self._starts)
        joint = (p[:, s1:s2] * (p[:, :s1] @ self._prior)) ** self._dept_power
        p_dept = joint / joint.sum(axis=1, keepdims=True)
        rows = np.arange(n)
        t_all, d_all = p[:, :s1].argmax(axis=1), p_dept.argmax(axis=1)
        pt_all, pd_all = p[rows, t_all].tolist(), p_dept[rows, d_all].tolist()
        pu_all = p[:, s2 + 1].tolist()
        t_all, d_all = t_all.tolist(), d_all.tolist()
        out = []
        for i, a in enumerate(analyses):
            d, pd = d_all[i], pd_all[i]
            boosts = self._boosts(a.text, p[i, :s1])
            if boosts:
                dept = self._department(a.text, p[i, :s1], p[i, s1:s2], boosts)
                d = int(dept.argmax())
                pd = float(dept[d])
            row = self.bundle.featurizer.row(a.doc) if keywords else None
            out.append(self._result(a, t_all[i], pt_all[i], d, pd, pu_all[i], row))
        return out

    def _result(self, a: Analysis, t: int, p_type: float, d: int, p_dept: float, p_urgent: float,
                row: tuple[np.ndarray, np.ndarray] | None) -> Classification:
        urgent, urgent_conf = self._urgent(a, p_urgent)
        town = self.analyzer.townships.extract(a.text)
        tax = self.analyzer.taxonomy
        routed = auto_route(p_type, tax.departments[d], p_dept, town.code, town.confidence,
                            self.route_thresholds)
        words = self._drivers(*row, a, t, town.mention) if row is not None else []
        return Classification(
            tax.issue_types[t], round(p_type, 4), tax.departments[d], round(p_dept, 4),
            town.code, town.confidence, town.village, urgent, round(urgent_conf, 4),
            words, self.model_version, routed)

    def _probabilities(self, idx: np.ndarray, val: np.ndarray) -> list[np.ndarray]:
        """Softmax of each head's calibrated scores, all heads in a few vector operations."""
        z = val @ self._W[idx] + self._b if len(idx) else self._b.copy()
        e = np.exp(z - z.max())  # temperatures are folded into W and b; scores are small
        p = e / np.add.reduceat(e, self._starts)[self._segment]
        s = self._starts
        return [p[:s[1]], p[s[1]:s[2]], p[s[2]:]]

    def _boosts(self, text: str, p_type: np.ndarray) -> set[tuple[int, int]]:
        """The routing exceptions whose keywords occur, for issue types in play."""
        return {(t, d) for word in self._keyword_re.findall(text) for t, d in self._keyword_rules[word]
                if p_type[t] > 0.02}

    def _department(self, text: str, p_type: np.ndarray, p_dept: np.ndarray,
                    boosts: set[tuple[int, int]] | None = None) -> np.ndarray:
        """P(dept) ∝ P_model(dept | text) · Σ_type P(type | text) · prior(type → dept)."""
        prior = self._prior
        for t, d in self._boosts(text, p_type) if boosts is None else boosts:
            prior = prior.copy() if prior is self._prior else prior
            prior[t, d] *= KEYWORD_BOOST
        joint = (p_dept * (p_type @ prior)) ** self._dept_power
        return joint / joint.sum()

    def _urgent(self, a: Analysis, p_model: float) -> tuple[bool, float]:
        """Decided window by window (one window for a short text): the most urgent window
        decides, so a danger sentence deep in a long letter is not drowned by the rest."""
        rules = self.analyzer.urgent
        windows = self.analyzer.window_docs(a)
        if len(windows) == 1:
            p = self._window_p(p_model, a.urgent_hits, rules.lexicon_veto)
            threshold = rules.model_threshold
        else:
            p = max(self._window_p(self._p_urgent(doc), hits, rules.window_veto) for doc, hits in windows)
            threshold = rules.window_threshold
        urgent = p >= threshold
        return urgent, p if urgent else 1.0 - p

    def _window_p(self, p_model: float, hits: tuple, veto: float) -> float:
        """A rule hit lifts the model's probability, unless the model is nearly sure the
        window is not urgent and the hit is a bare term (blind to context); a pattern hit,
        a construction in its context, is never vetoed. A window whose every hit the rules
        cancelled (negation, history, retraction) is capped below the threshold."""
        rules = self.analyzer.urgent
        live = [h for h in hits if not h.negated]
        if live and (p_model >= veto or any(h.pattern for h in live)):
            return max(p_model, rules.lexicon_weight)
        if hits and not live:  # the rules read the context (negated, past, retracted): trust them
            return min(p_model, rules.negated_cap)
        return p_model

    def _p_urgent(self, doc: Doc) -> float:
        idx, val = self.bundle.featurizer.row(doc)
        z = float(val @ self._W_urgent[idx]) + self._b_urgent if len(idx) else self._b_urgent
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def _drivers(self, idx: np.ndarray, val: np.ndarray, a: Analysis, t: int, town: str | None) -> list[str]:
        """Urgent terms, the words that pushed the issue type most, and the township mention."""
        words = [h.term for h in a.urgent_hits if not h.negated]
        n_words = int((idx < self._word_limit).sum())  # word features come first in a row
        if n_words:
            contrib = (val[:n_words] * self._W[idx[:n_words], t]).tolist()
            ranked = sorted(zip(contrib, idx[:n_words].tolist()), reverse=True)[:N_KEYWORDS]
            word_of = self.bundle.featurizer.word_of
            words += [w for c, j in ranked if c > 0 and (w := word_of(j)) and ":" not in w]
        words += [town] if town else []
        return list(dict.fromkeys(words))[: N_KEYWORDS + 2]


def _columns(head: LinearHead, order: list[str] | tuple[str, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A head's W, b, 1/T with columns in ``order``; a class it never saw scores -30."""
    W = np.zeros((head.W.shape[0], len(order)))
    b = np.full(len(order), -30.0)
    for j, code in enumerate(order):
        if code in head.classes:
            W[:, j], b[j] = head.W[:, head.classes.index(code)], head.b[head.classes.index(code)]
    return W, b, np.full(len(order), 1.0 / head.T)


def auto_route(p_type: float, department: str, p_dept: float, township: str | None,
               township_confidence: float, thresholds: dict[str, float]) -> bool:
    """True when a case may go straight to its unit: issue type and department both at or
    above their thresholds, and, for the township government, the township known."""
    if p_type < thresholds["issue_type"] or p_dept < thresholds["department"]:
        return False
    return department != "township_gov" or (township is not None
                                            and township_confidence >= thresholds["township"])


def route_prior(tax: Taxonomy, pair_counts: np.ndarray) -> np.ndarray:
    """(issue type × department) weights: the default 1, routing exceptions, learned pairs."""
    shape = (len(tax.issue_types), len(tax.departments))
    counts = pair_counts if pair_counts.shape == shape else np.zeros(shape)  # taxonomy changed
    prior = np.minimum(counts * LEARNED_PRIOR, EXCEPTION_PRIOR / 2)
    for t, code in enumerate(tax.issue_types):
        prior[t, tax.departments.index(tax.default_department[code])] = 1.0
    for rule in tax.routing:
        t, d = tax.issue_types.index(rule.issue_type), tax.departments.index(rule.department)
        prior[t, d] = max(prior[t, d], EXCEPTION_PRIOR)
    return prior + 1e-4


def load_classifier(model_dir: str | Path | None = None, config_dir: str | Path | None = None) -> Classifier:
    """Load the CURRENT model of ``model_dir``. With none there (or one of an older feature
    format), train one from the seed corpus into it first (about 15 s of CPU, once)."""
    analyzer = get_analyzer(config_dir)
    mdir = Path(model_dir) if model_dir else DEFAULT_MODEL_DIR
    version = store.current_version(mdir)
    if version is None:
        from .training import load_seed, train
        log.warning("no usable model in %s: training one from the seed corpus", mdir)
        version = train(load_seed(), mdir, config_dir)
    bundle = store.load(mdir, version)
    if bundle.meta.get("seed_digest") != seed_digest():
        log.warning("model %s predates the current seed corpus: run `flask nlp train`", version)
    return Classifier(analyzer, bundle, version)
