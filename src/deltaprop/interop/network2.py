"""Nielsen's ``network2.py`` JSON, both ways.

Nielsen's ``Network.save`` writes ``{"sizes", "weights", "biases", "cost"}``:
``weights[l]`` is ``(n_out, n_in)`` like ours, ``biases[l]`` a column
``(n_out, 1)``, ``cost`` the class name ``QuadraticCost`` or
``CrossEntropyCost`` (his cross-entropy is the *binary* one, ch. 3 eq. 63).
His networks are sigmoid throughout, so only those can be written.  An extra
key ``"deltaprop"`` records our dtype; Nielsen's ``load`` ignores it.
"""

from __future__ import annotations

import json
import math
import os

import numpy as np

from ..io.atomic_writes import write_text
from ..io.safe_read import loads_json, read_text
from ..core.network import Network
from . import common

COSTS = {"quadratic": "QuadraticCost", "binary-cross-entropy": "CrossEntropyCost"}


def save(network, path, metadata):
    if any(name != "sigmoid" for name in network.activations):
        raise ValueError(f"network2 networks are sigmoid throughout; this one has {network.activations}")
    if network.loss.name not in COSTS:
        raise ValueError(f"network2 knows the quadratic and the (binary) cross-entropy cost, not "
                         f"{network.loss.name}; valid here: {', '.join(COSTS)}")
    data = {"sizes": network.sizes,
            "weights": [w.tolist() for w in network.weights],
            "biases": [b.reshape(-1, 1).tolist() for b in network.biases],
            "cost": COSTS[network.loss.name],
            "deltaprop": {"dtype": network.dtype.name}}
    write_text(path, json.dumps(data))
    return [os.fspath(path)]


def load(path, dtype=None):
    path = common.check_file(path)
    data = loads_json(read_text(path, common.MAX_FILE_BYTES, "network2 JSON file"), path)
    if not isinstance(data, dict) or not {"sizes", "weights", "biases", "cost"} <= set(data):
        raise ValueError(f"{path}: a network2 file is an object with sizes, weights, biases and cost")
    costs = {v: k for k, v in COSTS.items()}
    if not isinstance(data["cost"], str) or data["cost"] not in costs:
        raise ValueError(f"{path}: unknown cost {data['cost']!r}; valid: {', '.join(costs)}")
    hint = data.get("deltaprop", {}).get("dtype") if isinstance(data.get("deltaprop"), dict) else None
    dtype = dtype or hint or "float64"
    if dtype not in ("float32", "float64", np.float32, np.float64):
        raise ValueError(f"{path}: dtype must be float32 or float64, got {dtype!r:.40}")
    dtype = np.dtype(dtype)
    sizes = data["sizes"]
    if not isinstance(sizes, list) or len(sizes) < 2 or not all(isinstance(s, int) and s > 0 for s in sizes):
        raise ValueError(f"{path}: sizes must be a list of at least two positive integers, got {sizes!r}")
    L = len(sizes) - 1
    if not (isinstance(data["weights"], list) and isinstance(data["biases"], list)
            and len(data["weights"]) == L and len(data["biases"]) == L):
        raise ValueError(f"{path}: sizes {sizes} need {L} weight matrices and {L} bias columns")
    weights, biases = [], []
    for l in range(1, L + 1):
        w = _array(data["weights"][l - 1], (sizes[l], sizes[l - 1]), f"{path}: weights[{l - 1}]", dtype)
        b = _array(data["biases"][l - 1], (sizes[l], 1), f"{path}: biases[{l - 1}]", dtype)
        weights.append(w), biases.append(b[:, 0])
    network = Network.from_weights(weights, biases, "sigmoid", loss=costs[data["cost"]], dtype=dtype)
    return network, {}


def _array(rows, shape, where, dtype):
    """Nested lists of the exact ``shape`` (no ragged rows), finite numbers only."""
    if not isinstance(rows, list) or len(rows) != shape[0]:
        raise ValueError(f"{where} must be a list of {shape[0]} rows, got {_count(rows)}")
    for i, row in enumerate(rows):
        if not isinstance(row, list) or len(row) != shape[1]:
            raise ValueError(f"{where} is ragged or the wrong shape: row {i} has {_count(row)} numbers, "
                             f"expected {shape[1]} (shape {shape[0]}×{shape[1]})")
        for v in row:
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                raise ValueError(f"{where}: row {i} holds {json.dumps(v)}, not a finite number")
    return np.array(rows, dtype=dtype)


def _count(value):
    return f"{len(value)} items" if isinstance(value, list) else type(value).__name__

