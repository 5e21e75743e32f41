"""Input checks shared by the network, the trainer and the CLI.

Every check raises ``ValueError`` or ``TypeError`` with a one-line message
naming what is wrong and what is allowed.  Data is cast to the network's
dtype here, once, never per batch.
"""

from __future__ import annotations

import numbers
import os

import numpy as np


def _real_array(values, name):
    """``values`` as an array of real numbers (bool, int or float), or a one-line error naming ``name``."""
    try:
        values = np.asarray(values)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a numeric array ({exc})") from None
    if values.dtype == object or not (np.issubdtype(values.dtype, np.number) or values.dtype == bool):
        raise TypeError(f"{name} must be numeric, got dtype {values.dtype}")
    if np.iscomplexobj(values):
        raise TypeError(f"{name} must hold real numbers, got complex dtype {values.dtype}")
    return values


def check_inputs(X, n_features, dtype, name="X"):
    """Return ``X`` as a C-contiguous ``(n, n_features)`` array of ``dtype``.

    A 1-D ``X`` of length ``n_features`` is taken as one sample.
    """
    X = _real_array(X, name)
    if X.ndim == 1 and X.shape[0] == n_features:
        X = X[None, :]
    if X.ndim != 2:
        raise ValueError(f"{name} must be 2-D (n_samples, n_features), got shape {X.shape}")
    if X.shape[0] == 0:
        raise ValueError(f"{name} is empty: it has no samples")
    if X.shape[1] != n_features:
        raise ValueError(f"{name} has {X.shape[1]} features but the network's input layer expects {n_features}")
    X = np.ascontiguousarray(X, dtype=dtype)
    if not np.isfinite(X).all():
        raise ValueError(f"{name} contains NaN or infinity (row {_first_bad_row(X)})")
    return X


def check_targets(Y, n_samples, n_outputs, dtype, name="Y"):
    """Return targets as ``(n_samples, n_outputs)`` of ``dtype``.

    Integer class labels of shape ``(n,)`` are one-hot encoded when the output
    layer has more than one unit; a 1-D ``Y`` for a one-unit output becomes a column.
    """
    Y = _real_array(Y, name)
    if Y.ndim == 1 and n_outputs > 1 and Y.shape[0] == n_samples:
        Y = one_hot(Y, n_outputs, dtype, name=name)
    elif Y.ndim == 1 and Y.shape[0] == n_samples * n_outputs and n_samples == 1:
        Y = Y[None, :]
    elif Y.ndim == 1:
        Y = Y[:, None]
    if Y.ndim != 2:
        raise ValueError(f"{name} must be 1-D labels or 2-D (n_samples, n_outputs), got shape {Y.shape}")
    if Y.shape[0] != n_samples:
        raise ValueError(f"X has {n_samples} rows but {name} has {Y.shape[0]}; they must match")
    if Y.shape[1] != n_outputs:
        raise ValueError(f"{name} has {Y.shape[1]} columns but the output layer has {n_outputs} units")
    Y = np.ascontiguousarray(Y, dtype=dtype)
    if not np.isfinite(Y).all():
        raise ValueError(f"{name} contains NaN or infinity (row {_first_bad_row(Y)})")
    return Y


def one_hot(labels, n_classes, dtype=np.float64, name="labels"):
    """Integer labels ``(n,)`` → one-hot rows ``(n, n_classes)``."""
    labels = np.asarray(labels)
    if labels.size and not np.all(np.isfinite(labels)):
        raise ValueError(f"{name} contains NaN or infinity")
    if labels.size and not np.all(np.equal(np.mod(labels, 1), 0)):
        raise ValueError(f"{name} must be integer class labels 0..{n_classes - 1}")
    labels = labels.astype(np.int64)
    if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
        raise ValueError(f"{name} must be in 0..{n_classes - 1} for {n_classes} output units; "
                         f"found {labels.min()}..{labels.max()}")
    out = np.zeros((labels.shape[0], n_classes), dtype=dtype)
    out[np.arange(labels.shape[0]), labels] = 1
    return out


def check_positive_int(value, name):
    """``value`` as a positive ``int`` or ``ValueError``/``TypeError`` naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a positive integer, got {value!r}")
    if value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {value}")
    return int(value)


def check_positive_float(value, name):
    """``value`` as a finite ``float > 0`` or an error naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a positive number, got {value!r}")
    value = float(value)
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive finite number, got {value}")
    return value


def _first_bad_row(A):
    return int(np.nonzero(~np.isfinite(A).all(axis=1))[0][0])


# ---------------------------------------------------------------- memory
MEMORY_FRACTION = 0.5       # refuse work whose arrays alone would take more than this share of the RAM


def physical_memory():
    """Bytes of RAM on this machine (or 8 GiB when the system does not say)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return 8 << 30


def check_memory(n_bytes, what):
    """Refuse, before allocating, work that needs more than half of the RAM: ``ValueError`` "this needs ≈ N GiB"."""
    limit = MEMORY_FRACTION * physical_memory()
    if n_bytes > limit:
        raise ValueError(f"{what} needs ≈ {_gib(n_bytes)} of memory; this machine has {_gib(physical_memory())} "
                         f"(at most {_gib(limit)} may be used): make it smaller")


def _gib(n_bytes):
    gib = n_bytes / 2**30
    return f"{gib:,.0f} GiB" if gib >= 10 else f"{gib:.2g} GiB"
