"""The boundary for data arrays: what a file or a generator hands over, checked before any work.

Every loader (CSV, NPZ, IDX, the named datasets) passes its arrays through
:func:`check_dataset`: real numbers only (no complex, no text), finite, at
least one sample, features flattened to ``(n, d)``; targets are either class
labels (whole numbers ``0..K−1``, ``K`` at most :data:`MAX_CLASSES`) or real
targets ``(n, k)`` -- a 1-D array of real values becomes one column.
"""

from __future__ import annotations

import numpy as np

MAX_CLASSES = 100_000
_EXACT_INTEGERS = 2.0 ** 53          # beyond this a float no longer tells whole numbers apart


def check_features(source, X, part="inputs"):
    """``X`` as ``(n, d)`` real numbers, or ``ValueError`` naming ``source``."""
    X = np.asarray(X)
    if X.dtype == object or not (np.issubdtype(X.dtype, np.number) or X.dtype == bool):
        raise ValueError(f"{source}: {part} must be numeric, got dtype {X.dtype}")
    if np.iscomplexobj(X):
        raise ValueError(f"{source}: {part} are complex ({X.dtype}); only real numbers are allowed")
    if X.ndim == 0:
        raise ValueError(f"{source}: {part} are a single number (0-d); expected an array (n_samples, n_features)")
    if X.shape[0] == 0 or X.size == 0:
        raise ValueError(f"{source}: {part} are empty (shape {X.shape})")
    X = X.reshape(X.shape[0], -1) if X.ndim != 2 else X
    if np.issubdtype(X.dtype, np.floating) and not np.isfinite(X).all():
        row = int(np.nonzero(~np.isfinite(X).all(axis=1))[0][0])
        raise ValueError(f"{source}: {part} contain NaN or infinity (sample {row})")
    return X


def check_features_header(source, shape, dtype, part="inputs"):
    """What :func:`check_features` can tell from an array's header alone (dtype, rank, emptiness), before its data."""
    check_features(source, np.zeros(tuple(min(int(d), 1) for d in shape), dtype), part)   # ≤ 1 element stand-in


def check_targets(source, y, n, part="labels"):
    """Integer class labels ``(n,)`` or real targets ``(n, k)``, or ``ValueError`` naming ``source``."""
    y = np.asarray(y)
    if y.dtype == object or not (np.issubdtype(y.dtype, np.number) or y.dtype == bool):
        raise ValueError(f"{source}: {part} must be numeric, got dtype {y.dtype}")
    if np.iscomplexobj(y):
        raise ValueError(f"{source}: {part} are complex ({y.dtype}); only real numbers are allowed")
    if y.ndim == 0:
        raise ValueError(f"{source}: {part} are a single number (0-d); expected one per sample")
    if y.shape[0] != n:
        raise ValueError(f"{source}: {n} samples but {y.shape[0]} {part}; they must match")
    if y.ndim > 2:
        raise ValueError(f"{source}: {part} have shape {y.shape}; expected labels (n,) or targets (n, k)")
    if np.issubdtype(y.dtype, np.floating) and not np.isfinite(y).all():
        raise ValueError(f"{source}: {part} contain NaN or infinity")
    if y.ndim == 2:
        _check_magnitude(source, y, part)
        return y.astype(np.float64) if not np.issubdtype(y.dtype, np.floating) else y
    if np.issubdtype(y.dtype, np.floating):
        _check_magnitude(source, y, part)
        if not np.all(np.mod(y, 1) == 0):
            return y[:, None]                                   # real-valued targets: one output column
    low, high = (int(y.min()), int(y.max())) if y.size else (0, 0)   # Python ints: uint64 2⁶⁴−1 stays itself
    if low < 0:
        raise ValueError(f"{source}: class labels must be 0 or more, found {low}")
    if high >= MAX_CLASSES:
        raise ValueError(f"{source}: class labels go up to {high}, which would need {high + 1:,} output "
                         f"units; class labels are 0..K−1 with K at most {MAX_CLASSES:,} (real-valued targets "
                         f"need a decimal point or a float array)")
    return y.astype(np.int64)


def _check_magnitude(source, y, part):
    """Real numbers from 2⁵³ up are neither class labels nor targets a network can fit: named, with their sample."""
    big = np.abs(y) >= _EXACT_INTEGERS
    if np.any(big):
        sample = int(np.nonzero(big.reshape(len(y), -1).any(axis=1))[0][0])
        value = y.reshape(len(y), -1)[sample][big.reshape(len(y), -1)[sample]][0]
        raise ValueError(f"{source}: {part}: {float(value):g} (sample {sample}) is too large: not a class label "
                         f"(0..K−1, K at most {MAX_CLASSES:,}) nor a real target a network can fit (|y| below "
                         f"2⁵³ ≈ 9.0e15: the cost ½(a − y)² overflows long before y does); fix it or rescale them")


def check_dataset(source, X, y, part="train"):
    """``(X (n, d), y)`` checked together (see the module notes)."""
    X = check_features(source, X, f"{part} inputs")
    return X, check_targets(source, y, X.shape[0], f"{part} labels")
