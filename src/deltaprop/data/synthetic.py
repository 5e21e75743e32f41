"""Seeded synthetic 2-D datasets: xor, circles, moons, spirals, blobs, and a regression set.

Every generator returns ``(X, y)`` with ``X`` of shape ``(n, 2)`` in roughly
``[-1, 1]²`` (float64) and ``y`` integer class labels ``(n,)`` -- or real
targets ``(n, 1)`` for ``regression``.  ``noise`` is the standard deviation of
Gaussian jitter; the same ``seed`` always gives the same points.
"""

from __future__ import annotations

import numpy as np

from ..core.validation import check_memory, check_positive_int


def xor(n, noise, rng):
    """Four quadrants; label 1 where the signs of x and y differ."""
    X = rng.uniform(-1, 1, (n, 2))
    X += np.sign(X) * 0.05                     # a small margin around the axes
    y = (X[:, 0] * X[:, 1] < 0).astype(np.int64)
    return X + rng.normal(0, noise, X.shape), y


def circles(n, noise, rng):
    """An inner disc (label 0) inside a ring (label 1)."""
    y = np.arange(n) % 2
    radius = np.where(y == 0, rng.uniform(0, 0.4, n), rng.uniform(0.6, 1.0, n))
    angle = rng.uniform(0, 2 * np.pi, n)
    X = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    return X + rng.normal(0, noise, X.shape), y


def moons(n, noise, rng):
    """Two interleaving half circles."""
    y = np.arange(n) % 2
    t = rng.uniform(0, np.pi, n)
    X = np.where(y[:, None] == 0,
                 np.column_stack([np.cos(t), np.sin(t)]),
                 np.column_stack([1 - np.cos(t), 0.5 - np.sin(t)]))
    X = (X - [0.5, 0.25]) / 1.25
    return X + rng.normal(0, noise, X.shape), y


def spirals(n, noise, rng):
    """Two interleaved spirals, 1.75 turns each (the classic hard one)."""
    y = np.arange(n) % 2
    t = np.sqrt(rng.uniform(0, 1, n)) * 1.75 * 2 * np.pi        # denser near the centre
    radius = t / (1.75 * 2 * np.pi)
    angle = t + np.pi * y
    X = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    return X + rng.normal(0, noise, X.shape), y


def blobs(n, noise, rng, n_classes=3):
    """Gaussian blobs with centres evenly spaced on a circle of radius 0.6."""
    y = np.arange(n) % n_classes
    angles = 2 * np.pi * np.arange(n_classes) / n_classes
    centres = 0.6 * np.column_stack([np.cos(angles), np.sin(angles)])
    X = centres[y] + rng.normal(0, 0.15 + noise, (n, 2))
    return X, y


def regression(n, noise, rng):
    """A smooth surface ``t = sin(πx)·cos(πy/2)`` to fit, targets ``(n, 1)``."""
    X = rng.uniform(-1, 1, (n, 2))
    t = np.sin(np.pi * X[:, 0]) * np.cos(np.pi * X[:, 1] / 2) + rng.normal(0, noise, n)
    return X, t[:, None]


SYNTHETIC_DATASETS = {
    "xor": xor, "circles": circles, "moons": moons, "spirals": spirals, "blobs": blobs,
    "regression": regression,
}


def make_dataset(name, n_samples=500, noise=0.05, seed=0, **options):
    """Generate a synthetic 2-D dataset.

    Parameters
    ----------
    name : {"xor", "circles", "moons", "spirals", "blobs", "regression"}
    n_samples : int
    noise : float
        Standard deviation of the Gaussian jitter (≥ 0).
    seed : int
    **options
        ``n_classes`` for ``blobs``.

    Returns
    -------
    X : ndarray, shape (n_samples, 2)
    y : ndarray, shape (n_samples,) of int labels, or (n_samples, 1) floats for regression
    """
    if name not in SYNTHETIC_DATASETS:
        raise ValueError(f"unknown dataset {name!r}; valid: {', '.join(SYNTHETIC_DATASETS)}")
    n_samples = check_positive_int(n_samples, "n_samples")
    check_memory(12 * 8 * 2 * n_samples, f"{n_samples:,} samples")    # X, y and the generators' temporaries
    noise = float(noise)
    if not 0.0 <= noise <= 1.0:
        raise ValueError(f"noise must be between 0 and 1, got {noise}")
    rng = np.random.default_rng(seed)
    return SYNTHETIC_DATASETS[name](n_samples, noise, rng, **options)
