"""Class targets and labels: telling a classification target apart, and turning outputs into labels."""

from __future__ import annotations

import numpy as np


def is_classification(Y):
    """True when ``Y`` holds class targets: one-hot rows, or 0/1 for a single output."""
    if not np.all((Y == 0) | (Y == 1)):
        return False
    return Y.shape[1] == 1 or bool(np.all(Y.sum(axis=1) == 1))


def outputs_to_labels(outputs):
    """Class labels ``(n,)`` from outputs or one-hot targets ``(n, d)``."""
    if outputs.shape[1] == 1:
        return (outputs[:, 0] >= 0.5).astype(np.int64)
    return outputs.argmax(axis=1)
