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
line naming the place, what was expected and what was found: an
:class:`~.errors.ExplainError` (a ``ValueError``) that can say it in any of the explainer's languages.
"""

from __future__ import annotations

import json
import math

from ..core.activations import ACTIVATIONS, get_activation
from ..io.safe_read import loads_json, read_text
from ..core.losses import LOSSES, TargetError, get_loss
from ..core.network import Network
from .document import Terms
from .errors import ExplainError, kind

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
        raise ExplainError("error_in_file", path=path, message=exc) from None


def parse(data):
    """Check a decoded spec (a dict) and build the network; returns a :class:`Spec`."""
    if not isinstance(data, dict):
        raise ExplainError("error_spec_not_object", keys=", ".join(KEYS), kind=kind(data))
    _check_keys(data, KEYS, "the spec")
    if "layers" not in data:
        raise ExplainError("error_missing_layers")
    layers = data["layers"]
    if not isinstance(layers, list) or not layers:
        raise ExplainError("error_layers_not_list", kind=kind(layers))
    single, batch = ("input" in data or "target" in data), ("inputs" in data or "targets" in data)
    if single and batch:
        raise ExplainError("error_single_and_batch")
    in_key, out_key = ("inputs", "targets") if batch else ("input", "target")
    for key in (in_key, out_key):
        if key not in data:
            raise ExplainError("error_missing_key", key=key)

    weights, biases, activations = [], [], []
    n_in = len(data[in_key][0]) if batch and _is_nonempty_list(data[in_key]) and isinstance(data[in_key][0], list) \
        else (len(data[in_key]) if isinstance(data[in_key], list) else None)
    for l, layer in enumerate(layers, start=1):
        w, b, activation = _layer(layer, l, n_in)
        weights.append(w), biases.append(b), activations.append(activation)
        n_in = len(w)
    loss, learning_rate, update_biases = _settings(data)
    X, Y = _samples(data, batch, len(weights[0][0]), len(weights[-1]))
    if loss != "quadratic" and activations[-1] not in ("sigmoid", "softmax"):
        raise ExplainError("error_output_range", loss=Terms((f"loss_{loss}",)), name=activations[-1])
    network = Network.from_weights(weights, biases, activations, loss=loss, train_biases=update_biases)
    _check_targets(network, Y, out_key)
    return Spec(network, X, Y, float(learning_rate), update_biases)


def _layer(layer, l, n_in):
    """Layer ``l``'s ``(weights, biases, activation)``, checked (``n_in``: the width below it, if known)."""
    where = f"layers[{l - 1}]"                # the JSON path; messages say "layer {l}" (1 = first hidden)
    if not isinstance(layer, dict):
        raise ExplainError("error_layer_not_object", layer=l, keys=", ".join(LAYER_KEYS), kind=kind(layer))
    _check_keys(layer, LAYER_KEYS, where)
    for key in LAYER_KEYS:
        if key not in layer:
            raise ExplainError("error_layer_missing_key", layer=l, key=key)
    w = _matrix(layer["weights"], f"{where}.weights")
    if n_in is not None and len(w[0]) != n_in:
        raise ExplainError("error_weights_vs_input" if l == 1 else "error_weights_vs_layer", layer=l,
                           before=l - 1, rows=len(w), cols=len(w[0]), n_in=n_in)
    b = _vector(layer["biases"], f"{where}.biases")
    if len(b) != len(w):
        raise ExplainError("error_biases_length", layer=l, count=len(b), rows=len(w))
    if not isinstance(layer["activation"], str):
        raise ExplainError("error_activation_not_name", layer=l, kind=kind(layer["activation"]))
    if layer["activation"].split(":")[0] not in ACTIVATIONS:
        raise ExplainError("error_unknown_activation", layer=l, name=layer["activation"],
                           valid=", ".join(ACTIVATIONS))
    get_activation(layer["activation"])
    return w, b, layer["activation"]


def _settings(data):
    """``(loss, learning_rate, update_biases)``, checked, with their defaults."""
    loss = data.get("loss", "quadratic")
    if not isinstance(loss, str):
        raise ExplainError("error_loss_not_name", kind=kind(loss))
    if loss not in LOSSES:
        raise ExplainError("error_unknown_loss", name=loss, valid=", ".join(LOSSES))
    get_loss(loss)
    learning_rate = data.get("learning_rate", 0.5)
    if not _is_number(learning_rate) or not learning_rate > 0:
        raise ExplainError("error_learning_rate", value=json.dumps(learning_rate))
    update_biases = data.get("update_biases", False)
    if not isinstance(update_biases, bool):
        raise ExplainError("error_update_biases", value=json.dumps(update_biases))
    return loss, learning_rate, update_biases


def _samples(data, batch, d_in, d_out):
    """``(X, Y)`` as lists of rows: ``inputs``/``targets`` (a batch) or one ``input``/``target``, widths checked."""
    in_key, out_key = ("inputs", "targets") if batch else ("input", "target")
    if batch:
        X = _matrix(data["inputs"], "inputs")
        Y = _matrix(data["targets"], "targets")
        if len(X) != len(Y):
            raise ExplainError("error_sample_counts", n_x=len(X), n_y=len(Y))
    else:
        X, Y = [_vector(data["input"], "input")], [_vector(data["target"], "target")]
    _check_length(X, d_in, in_key, "error_input_length")
    _check_length(Y, d_out, out_key, "error_target_length")
    return X, Y


def _check_keys(obj, allowed, where):
    unknown = [key for key in obj if key not in allowed]
    if unknown:
        raise ExplainError("error_unknown_key", where=where, key=unknown[0], valid=", ".join(allowed))


def _check_length(rows, expected, key, message):
    for i, row in enumerate(rows):
        if len(row) != expected:
            place = key if len(rows) == 1 and not key.endswith("s") else f"{key}[{i}]"
            raise ExplainError(message, place=place, count=len(row), expected=expected)


def _check_targets(network, rows, key):
    """The cost's own target rules (:class:`deltaprop.core.losses.TargetError`), said in the reader's language."""
    try:
        network.check_targets(rows, len(rows), name=key)
    except TargetError as error:
        if error.kind == "sum":
            raise ExplainError("error_targets_sum", place=key, row=error.row, total=f"{error.value:g}") from None
        raise ExplainError("error_targets_range", place=key, loss=Terms((f"loss_{error.loss}",)), row=error.row,
                           value=f"{error.value:g}") from None


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _is_nonempty_list(value):
    return isinstance(value, list) and len(value) > 0


def _vector(value, where):
    if not _is_nonempty_list(value):
        raise ExplainError("error_not_vector", where=where, kind=kind(value))
    for i, v in enumerate(value):
        if not _is_number(v):
            raise ExplainError("error_not_number", where=where, i=i, value=json.dumps(v))
    return [float(v) for v in value]


def _matrix(value, where):
    """A rectangular list of lists of numbers; ragged rows are named."""
    if not _is_nonempty_list(value) or not all(isinstance(row, list) for row in value):
        raise ExplainError("error_not_matrix", where=where, kind=kind(value))
    rows = [_vector(row, f"{where}[{i}]") for i, row in enumerate(value)]
    width = len(rows[0])
    for i, row in enumerate(rows):
        if len(row) != width:
            raise ExplainError("error_ragged", where=where, i=i, count=len(row), width=width, rows=len(rows))
    return rows
