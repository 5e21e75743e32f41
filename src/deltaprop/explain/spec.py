"""The ``--spec`` file: a small network, its training pair(s) and the step's settings, as JSON.

Format (the contract)::

    {"layers": [{"weights": [[0.15, 0.2], [0.25, 0.3]], "biases": [0.35, 0.35], "activation": "sigmoid"},
                {"weights": [[0.4, 0.45], [0.5, 0.55]], "biases": [0.6, 0.6], "activation": "sigmoid"}],
     "input": [0.05, 0.1], "target": [0.01, 0.99],
     "loss": "quadratic", "learning_rate": 0.5, "update_biases": false}

``weights[j][k]`` connects input ``k`` to neuron ``j`` of that layer.  Instead
of ``input``/``target`` a mini-batch can be given as ``inputs``/``targets``
(lists of those).  ``loss`` (default quadratic), ``learning_rate`` (0.5) and
``update_biases`` (false) are optional.  Every mistake is reported as one
``ValueError`` line naming the place, what was expected and what was found.
"""

from __future__ import annotations

import json
import math

from ..activations import get_activation
from ..files import loads_json, read_text
from ..losses import get_loss
from ..network import Network

KEYS = ("layers", "input", "target", "inputs", "targets", "loss", "learning_rate", "update_biases")
LAYER_KEYS = ("weights", "biases", "activation")
MAX_BYTES = 10_000_000


class Spec:
    """A parsed spec: ``network``, ``X`` ``(n, d_0)``, ``Y`` ``(n, d_L)``, ``learning_rate``, ``update_biases``."""

    def __init__(self, network, X, Y, learning_rate, update_biases):
        self.network, self.X, self.Y = network, X, Y
        self.learning_rate, self.update_biases = learning_rate, update_biases


def load(path):
    """Read and check the spec file at ``path``."""
    text = read_text(path, MAX_BYTES, "spec file (a small network, JSON)")
    data = loads_json(text, path)
    try:
        return parse(data)
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from None


def parse(data):
    """Check a decoded spec (a dict) and build the network; returns a :class:`Spec`."""
    if not isinstance(data, dict):
        raise ValueError(f"the spec must be a JSON object with keys {', '.join(KEYS)}, got {_kind(data)}")
    _check_keys(data, KEYS, "the spec")
    if "layers" not in data:
        raise ValueError("missing key 'layers' (a list of {\"weights\", \"biases\", \"activation\"} objects)")
    layers = data["layers"]
    if not isinstance(layers, list) or not layers:
        raise ValueError(f"'layers' must be a non-empty list of layer objects, got {_kind(layers)}")
    single, batch = ("input" in data or "target" in data), ("inputs" in data or "targets" in data)
    if single and batch:
        raise ValueError("give either 'input'/'target' (one sample) or 'inputs'/'targets' (a batch), not both")
    in_key, out_key = ("inputs", "targets") if batch else ("input", "target")
    for key in (in_key, out_key):
        if key not in data:
            raise ValueError(f"missing key {key!r}")

    weights, biases, activations = [], [], []
    n_in = len(data[in_key][0]) if batch and _is_nonempty_list(data[in_key]) and isinstance(data[in_key][0], list) \
        else (len(data[in_key]) if isinstance(data[in_key], list) else None)
    for l, layer in enumerate(layers, start=1):
        where = f"layer {l}"
        if not isinstance(layer, dict):
            raise ValueError(f"{where} must be an object with keys {', '.join(LAYER_KEYS)}, got {_kind(layer)}")
        _check_keys(layer, LAYER_KEYS, where)
        for key in LAYER_KEYS:
            if key not in layer:
                raise ValueError(f"{where}: missing key {key!r}")
        w = _matrix(layer["weights"], f"{where}: weights")
        if n_in is not None and len(w[0]) != n_in:
            source = "inputs" if l == 1 else f"outputs of layer {l - 1}"
            raise ValueError(f"{where}: weights have shape {len(w)}×{len(w[0])} but there are {n_in} {source}: "
                             f"expected {len(w)}×{n_in} (weights[j][k] connects input k to neuron j)")
        b = _vector(layer["biases"], f"{where}: biases")
        if len(b) != len(w):
            raise ValueError(f"{where}: biases have {len(b)} numbers but the layer has {len(w)} neurons "
                             f"(rows of weights): expected {len(w)}")
        if not isinstance(layer["activation"], str):
            raise ValueError(f"{where}: activation must be a name, got {_kind(layer['activation'])}")
        try:
            get_activation(layer["activation"])
        except ValueError as exc:
            raise ValueError(f"{where}: {exc}") from None
        weights.append(w), biases.append(b), activations.append(layer["activation"])
        n_in = len(w)

    loss = data.get("loss", "quadratic")
    if not isinstance(loss, str):
        raise ValueError(f"'loss' must be a name, got {_kind(loss)}")
    get_loss(loss)
    learning_rate = data.get("learning_rate", 0.5)
    if not _is_number(learning_rate) or not learning_rate > 0:
        raise ValueError(f"'learning_rate' must be a positive number, got {learning_rate!r}")
    update_biases = data.get("update_biases", False)
    if not isinstance(update_biases, bool):
        raise ValueError(f"'update_biases' must be true or false, got {update_biases!r}")

    d_in, d_out = len(weights[0][0]), len(weights[-1])
    if batch:
        X = _matrix(data["inputs"], "inputs")
        Y = _matrix(data["targets"], "targets")
        if len(X) != len(Y):
            raise ValueError(f"'inputs' has {len(X)} samples but 'targets' has {len(Y)}; they must match")
    else:
        X, Y = [_vector(data["input"], "input")], [_vector(data["target"], "target")]
    _check_length(X, d_in, in_key, "the first layer's inputs (columns of its weights)")
    _check_length(Y, d_out, out_key, "the last layer's neurons (rows of its weights)")
    network = Network.from_weights(weights, biases, activations, loss=loss, train_biases=update_biases)
    network.check_targets(Y, len(Y), name=out_key)          # the cost's own rules (e.g. rows summing to 1)
    return Spec(network, X, Y, float(learning_rate), update_biases)


def _check_keys(obj, allowed, where):
    unknown = [key for key in obj if key not in allowed]
    if unknown:
        raise ValueError(f"{where}: unknown key {unknown[0]!r}; valid keys: {', '.join(allowed)}")


def _check_length(rows, expected, key, what):
    for i, row in enumerate(rows):
        if len(row) != expected:
            place = key if len(rows) == 1 and not key.endswith("s") else f"{key}[{i}]"
            raise ValueError(f"{place} has {len(row)} numbers but the network has {expected} {what}")


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _is_nonempty_list(value):
    return isinstance(value, list) and len(value) > 0


def _vector(value, where):
    if not _is_nonempty_list(value):
        raise ValueError(f"{where} must be a non-empty list of numbers, got {_kind(value)}")
    for i, v in enumerate(value):
        if not _is_number(v):
            raise ValueError(f"{where}[{i}] must be a finite number, got {json.dumps(v)}")
    return [float(v) for v in value]


def _matrix(value, where):
    """A rectangular list of lists of numbers; ragged rows are named."""
    if not _is_nonempty_list(value) or not all(isinstance(row, list) for row in value):
        raise ValueError(f"{where} must be a non-empty list of rows (lists of numbers), got {_kind(value)}")
    rows = [_vector(row, f"{where}[{i}]") for i, row in enumerate(value)]
    width = len(rows[0])
    for i, row in enumerate(rows):
        if len(row) != width:
            raise ValueError(f"{where} are ragged: row {i} has {len(row)} numbers but row 0 has {width}; "
                             f"expected shape {len(rows)}×{width}")
    return rows


def _kind(value):
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), f"the number {value}" if _is_number(value) else type(value).__name__)
