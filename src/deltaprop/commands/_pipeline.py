"""Helpers shared by ``train``, ``evaluate`` and ``predict``: preprocessing, label checks, network building."""

from __future__ import annotations

import sys

import numpy as np

from ..data.preprocessing import Standardizer
from ..core.labels import count_classes
from ..core.losses import default_output
from ..core.network import Network

SCALINGS = ("auto", "unit", "standardize", "none")


def fit_preprocessing(kind, X, pixel_max=None):
    """A JSON-able preprocessing spec fitted on training inputs ``X`` (stored in the model's metadata)."""
    if kind not in SCALINGS:
        raise ValueError(f"unknown scaling {kind!r}; valid: {', '.join(SCALINGS)}")
    if kind == "auto":
        kind = "unit" if pixel_max else "standardize"
    if kind == "unit":
        maximum = float(pixel_max) if pixel_max else float(np.max(X))
        if maximum <= 0:
            raise ValueError(f"cannot scale inputs to [0, 1]: their maximum is {maximum}")
        return {"kind": "unit", "maximum": maximum}
    if kind == "standardize":
        scaler = Standardizer().fit(X)
        return {"kind": "standardize", "mean": scaler.mean.tolist(), "std": scaler.std.tolist()}
    return {"kind": "none"}


def apply_preprocessing(spec, X, dtype, source="the inputs"):
    """Inputs ``(n, d)`` transformed by ``spec`` into a new array of ``dtype``.

    A value that the model's preprocessing turns into infinity (an input far
    outside what the model was trained on, or a scale no float can divide by)
    is refused here, naming ``source``, the sample, the feature and the
    preprocessing's numbers -- not later as "X contains NaN or infinity".
    """
    X = np.asarray(X)
    if not (np.issubdtype(X.dtype, np.number) or X.dtype == bool):
        raise TypeError(f"inputs must be numeric, got dtype {X.dtype}")
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        out = np.array(X, dtype=dtype)
        kind = (spec or {}).get("kind", "none")
        if kind == "unit":
            out *= 1.0 / spec["maximum"]
        elif kind == "standardize":
            mean, std = np.asarray(spec["mean"], dtype), np.asarray(spec["std"], dtype)
            if mean.shape != (out.shape[1],):
                raise ValueError(f"the inputs have {out.shape[1]} features but the model was trained on "
                                 f"{mean.shape[0]}")
            out /= std                       # X/σ − μ/σ: no overflow even for values near the float limit
            out -= mean / std
        elif kind != "none":
            raise ValueError(f"unknown preprocessing {kind!r} in the model's metadata")
    if out.size and not np.isfinite(out).all():
        _report_overflow(source, spec, X, out, dtype)
    return out


def _report_overflow(source, spec, X, out, dtype):
    """Name the first input the preprocessing (or the cast to ``dtype``) turned into infinity."""
    row, column = (int(i[0]) for i in np.nonzero(~np.isfinite(out)))
    value = X[row, column].item()
    kind = (spec or {}).get("kind", "none")
    if kind == "standardize":
        how = f"(x − {spec['mean'][column]:.6g}) / {spec['std'][column]:.6g}, the model's standardization"
    elif kind == "unit":
        how = f"x / {spec['maximum']:.6g}, the model's unit scaling"
    else:
        how = f"a {np.dtype(dtype).name} number (its largest is {np.finfo(dtype).max:.3g})"
    raise ValueError(f"{source}: sample {row}, feature {column}: the value {value:.6g} becomes infinite as {how}; "
                     f"the input is outside the range this model can take")


def n_classes_of(*label_arrays, source="the data", classes=None):
    """Number of classes for integer labels, or None for real-valued targets.

    ``K = max + 1`` when every class ``0..max`` occurs, else ``ValueError`` naming the labels past the
    gap (:func:`deltaprop.core.labels.count_classes`); with ``classes`` (``--classes``) the labels must be
    below it and classes may be missing.
    """
    arrays = [np.asarray(y) for y in label_arrays if y is not None]
    if not all(a.ndim == 1 and np.issubdtype(a.dtype, np.integer) for a in arrays):
        if classes is not None:
            raise ValueError(f"{source}: --classes is for class labels; these targets are real-valued")
        return None
    for a in arrays:
        if a.size and a.min() < 0:
            raise ValueError(f"{source}: class labels must be 0 or more, found {a.min()}")
    return count_classes(arrays, source, classes)


def check_training_labels(y_train, y_test, source="the data", classes=None):
    """What ``train`` asks of class labels, before the inputs are read: two classes at least, none skipped."""
    y_train = np.asarray(y_train)
    if y_train.ndim == 1 and np.issubdtype(y_train.dtype, np.integer) and y_train.size \
            and np.all(y_train == y_train[0]):
        raise ValueError(f"{source}: every training label is {y_train[0]}; a classifier needs at least two classes")
    n_classes_of(y_train, y_test, source=source, classes=classes)


def check_labels(y, n_outputs, what="labels"):
    """Class labels must fit the output layer: ``0..n_outputs-1`` (0/1 for a single output unit)."""
    y = np.asarray(y)
    if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer):
        return
    top = 1 if n_outputs == 1 else n_outputs - 1
    if y.size and (y.min() < 0 or y.max() > top):
        raise ValueError(f"{what} range over {y.min()}..{y.max()} but the output layer has {n_outputs} unit(s) "
                         f"(labels 0..{top}); change the last --layers size")


def build_network(config, n_features, n_outputs, classification):
    """A fresh :class:`Network` from a resolved training config."""
    sizes = list(config["layers"] or [n_features, 100, n_outputs])
    if sizes[0] != n_features:
        raise ValueError(f"the input layer has {sizes[0]} units but the data has {n_features} features")
    if classification and sizes[-1] != n_outputs and not (n_outputs == 2 and sizes[-1] == 1):
        raise ValueError(f"the output layer has {sizes[-1]} units but the data has {n_outputs} classes; "
                         f"make the last --layers size {n_outputs}")
    if not classification and sizes[-1] != n_outputs:
        raise ValueError(f"the output layer has {sizes[-1]} units but the targets have {n_outputs} columns")
    activations = config["activations"]
    n_layers = len(sizes) - 1
    if activations is None:
        activations = ["relu"] * (n_layers - 1) + [default_output(config["loss"], sizes[-1], classification)]
    elif len(activations) == 1:
        activations = activations * n_layers
    return Network(sizes, activations, loss=config["loss"], init=config["init"], seed=config["seed"],
                   dtype=np.dtype(config["dtype"]), dropout=config["dropout"])


def pairing_warnings(network):
    """Loss/output-activation combinations that are valid but train badly: warning lines.

    (Combinations a cost is not defined for are refused by the loss itself,
    :meth:`deltaprop.core.losses.Loss.check_output`, when the network is built.)
    """
    output = network.layers[-1].activation.name
    warnings = []
    if output == "softmax" and network.sizes[-1] == 1:
        warnings.append("softmax over a single output unit is always 1; use sigmoid")
    return warnings


def warn(command, message):
    print(f"deltaprop {command}: warning: {message}", file=sys.stderr)
