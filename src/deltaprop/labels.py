"""Class targets and labels: telling a classification target apart, and turning outputs into labels."""

from __future__ import annotations

import numpy as np

THRESHOLD = 0.5         # one output unit: class 1 when the output is at least this


def is_classification(Y):
    """True when ``Y`` holds class targets: one-hot rows, or 0/1 for a single output."""
    if not np.all((Y == 0) | (Y == 1)):
        return False
    return Y.shape[1] == 1 or bool(np.all(Y.sum(axis=1) == 1))


def outputs_to_labels(outputs):
    """Class labels ``(n,)`` from outputs or one-hot targets ``(n, d)``: the arg-max of each row (the first
    maximum; NaN counts as the maximum, as in ``np.argmax``), or for one output unit ``a ≥ THRESHOLD``."""
    if outputs.shape[1] == 1:
        return (outputs[:, 0] >= THRESHOLD).astype(np.int64)
    return outputs.argmax(axis=1)
