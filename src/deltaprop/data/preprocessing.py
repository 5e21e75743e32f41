"""Preprocessing: scaling features, and a seeded train/validation split."""

from __future__ import annotations

import numpy as np

from ..core.validation import one_hot

__all__ = ["Standardizer", "scale_to_unit", "train_validation_split", "one_hot"]


def scale_to_unit(X, maximum=None):
    """Divide by ``maximum`` (default: the largest value, e.g. 255 for pixels) → values in [0, 1]."""
    X = np.asarray(X)
    maximum = float(np.max(X)) if maximum is None else float(maximum)
    if maximum <= 0:
        raise ValueError(f"cannot scale to [0, 1]: the maximum is {maximum}")
    return X / maximum


class Standardizer:
    """Shift and scale each feature to mean 0, standard deviation 1 (fitted on training data).

    Constant features keep a scale of 1 instead of dividing by zero.
    """

    def __init__(self, mean=None, std=None):
        self.mean = None if mean is None else np.asarray(mean, dtype=np.float64)
        self.std = None if std is None else np.asarray(std, dtype=np.float64)

    def fit(self, X):
        X = np.asarray(X, dtype=np.float64)
        # Overflow-safe: work on X / max|X| per column (values near 1e300 would overflow when squared).
        scale = np.max(np.abs(X), axis=0)
        scale = np.where(scale > 0, scale, 1.0)
        unit = X / scale
        self.mean = unit.mean(axis=0) * scale
        std = unit.std(axis=0) * scale
        self.std = np.where(std >= np.finfo(np.float64).tiny, std, 1.0)    # 0 or subnormal: a constant feature
        return self

    def transform(self, X):
        if self.mean is None:
            raise ValueError("Standardizer is not fitted; call fit(X) first")
        return (np.asarray(X, dtype=np.float64) - self.mean) / self.std

    def fit_transform(self, X):
        return self.fit(X).transform(X)


def train_validation_split(X, y, fraction, seed=0):
    """Split off a random ``fraction`` (0 < fraction < 1) of the rows for validation.

    Returns ``(X_train, y_train, X_val, y_val)``; the same ``seed`` gives the same split.
    """
    fraction = float(fraction)
    if not 0.0 < fraction < 1.0:
        raise ValueError(f"validation fraction must be between 0 and 1 (exclusive), got {fraction}")
    n = len(X)
    if len(y) != n:
        raise ValueError(f"X has {n} rows but y has {len(y)}; they must match")
    n_val = int(round(n * fraction))
    if n_val == 0 or n_val == n:
        raise ValueError(f"a validation fraction of {fraction} leaves an empty part of {n} samples")
    order = np.random.default_rng(seed).permutation(n)
    val, train = np.sort(order[:n_val]), np.sort(order[n_val:])
    return X[train], y[train], X[val], y[val]
