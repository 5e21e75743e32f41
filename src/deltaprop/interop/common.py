"""What every format shares: the ``nn.Sequential`` layout and our metadata, written and checked."""

from __future__ import annotations

import importlib
import json
import os

import numpy as np

from ..core.activations import get_activation
from ..core.layers import Dense
from ..core.network import Network
from ..io.persistence import _check_preprocessing as check_preprocessing     # one rule for saved and imported models

MAX_FILE_BYTES = 1 << 30        # 1 GiB: no model deltaprop trains comes near this
FORMAT = "deltaprop"
FORMAT_VERSION = 1


def sequential_index(l):
    """Index in ``nn.Sequential`` of layer ``l`` (1-based): every layer is a Linear and one activation module."""
    return 2 * (l - 1)


def describe(network, metadata=None):
    """Our metadata as a JSON-able dict: what a reader needs besides the arrays."""
    return {"format": FORMAT, "format_version": FORMAT_VERSION, "sizes": network.sizes,
            "activations": network.activations, "loss": network.loss.name, "dtype": network.dtype.name,
            "train_biases": [layer.train_biases for layer in network.layers],
            "dropout": [layer.dropout for layer in network.layers],
            "metadata": metadata or {}}


def build(description, weights, biases, source):
    """A :class:`Network` from ``describe()`` output and arrays, every field checked; ``source`` names the file."""
    if not isinstance(description, dict) or description.get("format") != FORMAT:
        raise ValueError(f"{source}: no deltaprop metadata (the file was not written by deltaprop export)")
    try:
        sizes = [int(s) for s in description["sizes"]]
        activations = [str(a) for a in description["activations"]]
        for name in activations:
            get_activation(name)
        loss, dtype = str(description["loss"]), np.dtype(str(description["dtype"]))
        train_biases = list(description.get("train_biases", [True] * len(weights)))
        dropout = list(description.get("dropout", [0.0] * len(weights)))
        if not all(isinstance(t, bool) for t in train_biases):
            raise TypeError(f"train_biases must be true or false per layer, got {train_biases!r:.60}")
        if not all(isinstance(p, (int, float)) and not isinstance(p, bool) for p in dropout):
            raise TypeError(f"dropout must be a rate per layer, got {dropout!r:.60}")
        metadata = description.get("metadata") or {}
        if not isinstance(metadata, dict):
            raise TypeError(f"metadata must be an object, got {type(metadata).__name__}")
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"{source}: bad deltaprop metadata ({exc})") from None
    if dtype not in (np.float32, np.float64):
        raise ValueError(f"{source}: dtype must be float32 or float64, got {dtype}")
    L = len(sizes) - 1
    if L < 1 or len(weights) != L or len(biases) != L or len(activations) != L or len(train_biases) != L \
            or len(dropout) != L:
        raise ValueError(f"{source}: the metadata describes {L} layers but the file holds {len(weights)} weight "
                         f"and {len(biases)} bias arrays")
    for l, (w, b) in enumerate(zip(weights, biases), start=1):
        expected = (sizes[l], sizes[l - 1])
        if w.shape != expected or b.shape != (sizes[l],):
            raise ValueError(f"{source}: layer {l} has weights {w.shape} and biases {b.shape}; the sizes "
                             f"{sizes} need {expected} and {(sizes[l],)}")
        if w.dtype != dtype or b.dtype != dtype:
            raise ValueError(f"{source}: layer {l} is {w.dtype}/{b.dtype}, the metadata says {dtype}")
        if not (np.isfinite(w).all() and np.isfinite(b).all()):
            raise ValueError(f"{source}: layer {l} holds NaN or infinite values")
    check_preprocessing(source, metadata.get("preprocessing"), sizes[0])     # the rules of a saved model
    _check_labels_and_images(source, metadata, sizes)
    try:
        layers = [Dense(w, b, a, dropout=p, train_biases=t, dtype=dtype)
                  for w, b, a, p, t in zip(weights, biases, activations, dropout, train_biases)]
        return Network.from_layers(layers, loss=loss), metadata
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{source}: {exc}") from None


def _check_labels_and_images(source, metadata, sizes):
    """What evaluate and predict read besides the preprocessing: class names and the image shape."""
    names, shape = metadata.get("class_names"), metadata.get("image_shape")
    if names is not None and not (isinstance(names, list) and len(names) <= max(sizes[-1], 2)
                                  and all(isinstance(n, (str, int)) and not isinstance(n, bool) for n in names)):
        raise ValueError(f"{source}: metadata class_names must list at most one name per class, got {names!r:.60}")
    if shape is not None and not (isinstance(shape, list) and shape
                                  and all(type(d) is int and d > 0 for d in shape)
                                  and int(np.prod(shape, dtype=object)) == sizes[0]):
        raise ValueError(f"{source}: metadata image_shape must be positive sizes whose product is the "
                         f"{sizes[0]} inputs, got {shape!r:.60}")


def check_file(path):
    """A regular file of at most :data:`MAX_FILE_BYTES`, or ``ValueError``."""
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise ValueError(f"{path}: not a regular file")
    if os.path.getsize(path) > MAX_FILE_BYTES:
        raise ValueError(f"{path}: larger than {MAX_FILE_BYTES >> 20} MiB")
    return path


def dumps(value):
    return json.dumps(value, separators=(",", ":"), allow_nan=False)


def require(module, extra="interop"):
    """Import an optional dependency, or raise ``ImportError`` with a one-line install hint."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise ImportError(f"this needs the optional package {module.split('.')[0]!r}: "
                          f"pip install 'deltaprop[{extra}]'") from None
