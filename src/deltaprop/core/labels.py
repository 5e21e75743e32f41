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


def count_classes(label_arrays, source, classes=None):
    """The number of classes ``K`` for integer labels ``0..K−1``, refusing labels that skip classes.

    Parameters
    ----------
    label_arrays : sequence of ndarray (n,) of int
        E.g. the training and test labels (checked together: a small test set may miss a class).
    source : str
        The data's name, for messages.
    classes : int, optional
        An explicit class count: labels must then lie in ``0..classes−1`` and classes may be absent.

    Without ``classes``, ``K = max + 1`` only when every class ``0..max`` has a sample: labels 0–9
    plus one 200 would otherwise make a 201-unit output layer, 191 of whose classes never occur.
    The labels after the first missing class are named (value, count, first index).
    """
    arrays = [np.asarray(y) for y in label_arrays if y is not None and np.asarray(y).size]
    present = np.unique(np.concatenate(arrays)) if arrays else np.zeros(0, np.int64)
    if classes is not None:
        if present.size and present[-1] >= classes:
            outliers = present[present >= classes]
            raise ValueError(f"{source}: {_describe(outliers, arrays)} outside 0..{classes - 1} (--classes {classes})")
        return int(classes)
    if not present.size:
        raise ValueError(f"{source}: no labels")
    top = int(present[-1])
    if present.size == top + 1:                     # every class 0..top occurs
        return top + 1
    gap = int(np.nonzero(present != np.arange(present.size))[0][0])     # the first class with no sample
    outliers = present[present > gap]
    shown = f"class {gap}" if outliers[0] == gap + 1 else f"classes {gap}..{int(outliers[0]) - 1}"
    raise ValueError(f"{source}: class labels skip {shown}, then {_describe(outliers, arrays)}: that would make a "
                     f"{top + 1}-class output layer; labels must be 0..K−1 with every class present (fix those "
                     f"labels, or give --classes {top + 1} to keep the gaps)")


def _describe(outliers, arrays):
    """``label 200 (1 sample, index 17)`` / ``labels 12, 15 and 3 more (...)`` for a message."""
    parts = []
    for value in outliers[:3]:
        count = sum(int(np.count_nonzero(a == value)) for a in arrays)
        first = next(int(np.argmax(a == value)) for a in arrays if np.any(a == value))
        parts.append(f"{int(value)} ({count} sample{'s' if count != 1 else ''}, first at index {first})")
    more = f" and {len(outliers) - 3} more" if len(outliers) > 3 else ""
    return f"label{'s' if len(outliers) > 1 else ''} " + ", ".join(parts) + more
