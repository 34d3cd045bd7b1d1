"""Linear heads over the shared features: fitting (sklearn), calibration, and a compiled
numpy form for fast per-message inference and for storage (npz, no pickle).
"""
from __future__ import annotations

from dataclasses import dataclass

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # scipy and sklearn are for training only
    from scipy import sparse


@dataclass
class LinearHead:
    """scores = x @ W + b; probabilities = softmax(scores / T) (a sigmoid for two classes)."""
    classes: list[str]
    W: np.ndarray  # (n_features, n_classes)
    b: np.ndarray  # (n_classes,)
    T: float = 1.0

    def scores(self, idx: np.ndarray, val: np.ndarray) -> np.ndarray:
        return val @ self.W[idx] + self.b

    def proba(self, scores: np.ndarray) -> np.ndarray:
        return softmax(scores / self.T)


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def _estimator(kind: str, C: float, balanced: bool):
    from sklearn.linear_model import LogisticRegression
    from sklearn.svm import LinearSVC
    cw = "balanced" if balanced else None
    if kind == "svm":
        return LinearSVC(C=C, class_weight=cw, max_iter=5000)
    return LogisticRegression(C=C, class_weight=cw, max_iter=3000)


def _as_matrix(est, n_classes: int) -> tuple[np.ndarray, np.ndarray]:
    coef, icpt = np.asarray(est.coef_), np.asarray(est.intercept_)
    if n_classes == 2:  # sklearn keeps one row for binary problems: class 1 minus class 0
        coef, icpt = np.vstack([-coef / 2, coef / 2]), np.array([-icpt[0] / 2, icpt[0] / 2])
    return coef.T.copy(), icpt.copy()


def _fit_temperature(scores: np.ndarray, y: np.ndarray) -> float:
    from scipy.optimize import minimize_scalar

    def nll(log_t: float) -> float:
        p = softmax(scores / np.exp(log_t))
        return -float(np.mean(np.log(p[np.arange(len(y)), y] + 1e-12)))
    return float(np.exp(minimize_scalar(nll, bounds=(-3, 3), method="bounded").x))


def fit_head(X: "sparse.csr_matrix", labels: list[str], weights: np.ndarray, kind: str = "svm",
             C: float = 1.0, balanced: bool = False, calibrate: bool = True) -> LinearHead:
    """Fit on all rows; fit the temperature on out-of-fold scores (3-fold) when asked."""
    classes = sorted(set(labels))
    y = np.array([classes.index(lab) for lab in labels])
    est = _estimator(kind, C, balanced).fit(X, y, sample_weight=weights)
    W, b = _as_matrix(est, len(classes))
    head = LinearHead(classes, W, b)
    if calibrate and len(classes) > 1:
        head.T = _fit_temperature(oof_scores(X, y, weights, kind, C, balanced, len(classes)), y)
    return head


def oof_scores(X, y: np.ndarray, weights: np.ndarray, kind: str, C: float, balanced: bool,
               n_classes: int, folds: int = 3, seed: int = 0) -> np.ndarray:
    from sklearn.model_selection import StratifiedKFold
    out = np.zeros((X.shape[0], n_classes))
    min_count = np.bincount(y).min()
    splitter = StratifiedKFold(n_splits=max(2, min(folds, min_count)), shuffle=True, random_state=seed)
    for tr, te in splitter.split(X, y):
        est = _estimator(kind, C, balanced).fit(X[tr], y[tr], sample_weight=weights[tr])
        W, b = _as_matrix(est, n_classes) if len(set(y[tr])) == n_classes else (None, None)
        if W is not None:
            out[te] = X[te] @ W + b
    return out


def head_arrays(name: str, head: LinearHead) -> dict[str, np.ndarray]:
    return {f"{name}.W": head.W.astype(np.float32), f"{name}.b": head.b,
            f"{name}.T": np.array([head.T]), f"{name}.classes": np.array(head.classes)}


def head_from_arrays(name: str, arrays) -> LinearHead:
    return LinearHead([str(c) for c in arrays[f"{name}.classes"]], arrays[f"{name}.W"],
                      arrays[f"{name}.b"], float(arrays[f"{name}.T"][0]))
