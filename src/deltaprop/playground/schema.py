"""Limits and field validation for the playground's JSON API.

Every request body is a JSON object; every field is checked here against a
type and a range, unknown fields are refused, and missing configuration fields
take their defaults.  Errors are :class:`RequestError` with an HTTP status and
a one-line message naming the field and what is allowed.
"""

from __future__ import annotations

import math

from ..core.activations import ACTIVATIONS
from ..data import SYNTHETIC_DATASETS
from ..core.losses import LOSSES, check_regression_loss
from ..core.optimizers import OPTIMIZERS
from .features import FEATURES

# ------------------------------------------------------------------- limits
MAX_HIDDEN_LAYERS = 6
MAX_NEURONS = 8
MIN_SAMPLES, MAX_SAMPLES = 20, 1000
MAX_BODY_BYTES = 64 * 1024           # JSON request bodies
MAX_UPLOAD_BYTES = 256 * 1024        # CSV uploads
MAX_UPLOAD_ROWS = 2000
MAX_CLASSES = 8
# Sessions: sized for a class.  A session at the largest configuration (1000 points, 6 hidden layers of 8, all
# seven features) holds 3.7-4.2 MB after an epoch, a full snapshot and an explained step (0.7 MB at the defaults),
# measured by tests/reliability/test_playground_class.py; 64 sessions stay within a 256 MB budget and serve a class
# of 40 with room for second tabs.  `deltaprop playground --max-sessions N` changes it.
SESSION_MEMORY_MB = 4.0
MEMORY_BUDGET_MB = 256
MAX_SESSIONS = 64
SESSION_IDLE_SECONDS = 1800          # a session unseen (no request, no open page) this long is closed
EVICT_IDLE_SECONDS = 60              # when the store is full, a session unseen this long makes room
MAX_STREAMS = 32                     # at least this many Server-Sent-Event connections (one per session counts)
MAX_WEIGHT = 1e3                     # a weight edited by hand
MAX_SEED = 2**31 - 1

REGRESSION_SETS = ("plane", "gaussians")         # the playground's own two regression sets (datasets.py)
DATASETS = tuple(SYNTHETIC_DATASETS) + REGRESSION_SETS + ("upload",)
# The problem types (TF Playground's switch): each family of data sets; an upload is either, by its labels.
REGRESSION_DATASETS = ("regression",) + REGRESSION_SETS
PROBLEMS = {"classification": tuple(d for d in DATASETS if d not in REGRESSION_DATASETS + ("upload",)),
            "regression": REGRESSION_DATASETS}
PRESETS = ("none", "mazur")

DEFAULTS = {
    "preset": "none",
    "dataset": "circles",
    "samples": 400,
    "noise": 0.05,
    "train_fraction": 0.5,
    "hidden": [4, 2],
    "activations": ["tanh", "tanh"],
    "loss": "cross-entropy",
    "optimizer": "sgd",
    "learning_rate": 0.03,
    "batch_size": 10,
    "l2": 0.0,
    "l1": 0.0,
    "seed": 0,
    "speed": 0,                      # training steps per second while playing; 0 = as fast as it goes
    "features": ["x1", "x2"],        # the network's inputs, computed from each point (x1, x2)
    "classes": 3,                    # blobs only: how many blobs (classes)
    "data_seed": 0,                  # a new sample of the same data set ("regenerate")
    "discretize": False,             # draw the output as hard class regions (a view setting)
}
SPEEDS = (0, 1, 2, 5, 10, 30, 100, 300)


class RequestError(Exception):
    """A request the API refuses: ``status`` (4xx/5xx) and a one-line message."""

    def __init__(self, message, status=400, code=None, **params):
        super().__init__(message)
        self.status = status
        self.code, self.params = code, params      # the page words a known ``code`` in the learner's language


def hidden_activations():
    """Activations a hidden layer may use (softmax only makes sense at the output)."""
    return [name for name in ACTIVATIONS if name != "softmax"]


def optimizer_names():
    """The optimiser registry, read at call time so new optimisers appear by themselves."""
    return list(OPTIMIZERS)


# ------------------------------------------------------------ field checks
def check_object(body, allowed, what="request"):
    """``body`` must be a JSON object whose keys are all in ``allowed``."""
    if not isinstance(body, dict):
        raise RequestError(f"the {what} body must be a JSON object", code="not_object")
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        raise RequestError(f"unknown field {unknown[0]!r} in the {what}; allowed: {', '.join(sorted(allowed))}",
                           code="unknown_field", field=str(unknown[0]))
    return body


def check_int(value, name, lo, hi, field=None):
    if isinstance(value, bool) or not isinstance(value, int):
        raise RequestError(f"{name} must be an integer between {lo} and {hi}, got {value!r}", code="not_integer",
                           field=field or name, lo=lo, hi=hi)
    if not lo <= value <= hi:
        raise RequestError(f"{name} must be between {lo} and {hi}, got {value}", code="out_of_range", field=field or name,
                           lo=lo, hi=hi, value=value)
    return value


def check_number(value, name, lo, hi):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise RequestError(f"{name} must be a finite number between {lo:g} and {hi:g}, got {value!r}", code="not_number",
                           field=name, lo=lo, hi=hi)
    if not lo <= value <= hi:
        raise RequestError(f"{name} must be between {lo:g} and {hi:g}, got {value:g}", code="out_of_range", field=name,
                           lo=lo, hi=hi, value=value)
    return float(value)


def check_choice(value, name, choices, field=None):
    if not isinstance(value, str) or value not in choices:
        raise RequestError(f"{name} must be one of {', '.join(choices)}; got {value!r}", code="not_a_choice",
                           field=field or name, value=str(value)[:40])
    return value


def _bad_speed(value):
    raise RequestError(f"speed must be one of {', '.join(map(str, SPEEDS))} steps per second (0 = as fast as it "
                       f"goes); got {value!r}", code="not_a_choice", field="speed", value=str(value)[:40])


def _check_bool(value, name):
    if not isinstance(value, bool):
        raise RequestError(f"{name} must be true or false, got {value!r}", code="not_boolean", field=name)
    return value


def _check_features(value):
    if not isinstance(value, list) or not value or len(set(map(str, value))) != len(value) \
            or not all(isinstance(v, str) and v in FEATURES for v in value):
        raise RequestError(f"features must be a non-empty list of distinct names from {', '.join(FEATURES)}; "
                           f"got {value!r}", code="features")
    return [name for name in FEATURES if name in value]          # the canonical order


def validate_config(body):
    """A complete, checked configuration from a (possibly partial) JSON object."""
    check_object(body, DEFAULTS, "configuration")
    config = {**DEFAULTS, **body}
    out = {
        "preset": check_choice(config["preset"], "preset", PRESETS),
        "dataset": check_choice(config["dataset"], "dataset", DATASETS),
        "samples": check_int(config["samples"], "samples", MIN_SAMPLES, MAX_SAMPLES),
        "noise": check_number(config["noise"], "noise", 0.0, 0.5),
        "train_fraction": check_number(config["train_fraction"], "train_fraction", 0.1, 0.9),
        "loss": check_choice(config["loss"], "loss", list(LOSSES)),
        "optimizer": check_choice(config["optimizer"], "optimizer", optimizer_names()),
        "learning_rate": check_number(config["learning_rate"], "learning_rate", 1e-5, 10.0),
        "batch_size": check_int(config["batch_size"], "batch_size", 1, MAX_SAMPLES),
        "l2": check_number(config["l2"], "l2", 0.0, 10.0),
        "l1": check_number(config["l1"], "l1", 0.0, 10.0),
        "classes": check_int(config["classes"], "classes", 2, 4),
        "data_seed": check_int(config["data_seed"], "data_seed", 0, MAX_SEED),
        "discretize": _check_bool(config["discretize"], "discretize"),
        "features": _check_features(config["features"]),
        "seed": check_int(config["seed"], "seed", 0, MAX_SEED),
        "speed": config["speed"] if config["speed"] in SPEEDS and not isinstance(config["speed"], bool) else
        _bad_speed(config["speed"]),
    }
    hidden, activations = config["hidden"], config["activations"]
    if not isinstance(hidden, list) or len(hidden) > MAX_HIDDEN_LAYERS:
        raise RequestError(f"hidden must be a list of at most {MAX_HIDDEN_LAYERS} layer sizes", code="hidden_list",
                           limit=MAX_HIDDEN_LAYERS)
    out["hidden"] = [check_int(n, "every hidden layer size", 1, MAX_NEURONS, "hidden") for n in hidden]
    if not isinstance(activations, list) or len(activations) != len(hidden):
        raise RequestError(f"activations must be a list with one name per hidden layer ({len(hidden)})",
                           code="activations_list", layers=len(hidden))
    out["activations"] = [check_choice(a, "every hidden activation", hidden_activations(), "activations")
                          for a in activations]
    if out["dataset"] in REGRESSION_DATASETS:
        check_regression(out["loss"])
    return out


def check_regression(loss):
    """:func:`deltaprop.core.losses.check_regression_loss`, as a :class:`RequestError`."""
    try:
        check_regression_loss(loss)               # the rule is the loss module's
    except ValueError as error:
        raise RequestError(str(error), code="regression_loss", loss=str(loss)) from None


def neuron_ref(body, sizes):
    """``{"layer": l, "neuron": j}`` with ``1 ≤ l ≤ L`` and ``0 ≤ j < d_l``."""
    check_object(body, {"layer", "neuron", "sample"}, "neuron")
    if "layer" not in body or "neuron" not in body:
        raise RequestError("a neuron needs 'layer' (1 = first hidden layer) and 'neuron' (from 0)", code="neuron_fields")
    layer = check_int(body["layer"], "layer", 1, len(sizes) - 1)
    neuron = check_int(body["neuron"], "neuron", 0, sizes[layer] - 1)
    return layer, neuron


MAX_NUDGE = 10.0


def nudge_ref(body, sizes):
    """``{"layer": l, "neuron": j, "dz": Δz}``: the demon's nudge of ``z^l_j``, ``0 < |Δz| ≤`` :data:`MAX_NUDGE`."""
    check_object(body, {"layer", "neuron", "dz"}, "nudge")
    if not {"layer", "neuron", "dz"} <= set(body):
        raise RequestError("a nudge needs 'layer' (1 = first hidden layer), 'neuron' (from 0) and 'dz'",
                           code="nudge_fields")
    layer = check_int(body["layer"], "layer", 1, len(sizes) - 1)
    neuron = check_int(body["neuron"], "neuron", 0, sizes[layer] - 1)
    dz = check_number(body["dz"], "dz", -MAX_NUDGE, MAX_NUDGE)
    if dz == 0:
        raise RequestError("dz must not be 0 (the demon nudges by a non-zero amount)", code="nudge_zero")
    return layer, neuron, dz


def weight_ref(body, sizes, with_value=False):
    """``{"layer": l, "to": j, "from": k}`` (a weight ``w^l_jk``), and ``value`` when editing.

    ``from`` may be ``-1`` for the bias ``b^l_j``.
    """
    allowed = {"layer", "to", "from"} | ({"value"} if with_value else set())
    check_object(body, allowed, "weight")
    missing = sorted(allowed - set(body))
    if missing:
        raise RequestError(f"missing field {missing[0]!r}; a weight is given by {', '.join(sorted(allowed))}",
                           code="missing_field", field=missing[0])
    layer = check_int(body["layer"], "layer", 1, len(sizes) - 1)
    to = check_int(body["to"], "to", 0, sizes[layer] - 1)
    frm = check_int(body["from"], "from", -1, sizes[layer - 1] - 1)
    if not with_value:
        return layer, to, frm
    return layer, to, frm, check_number(body["value"], "value", -MAX_WEIGHT, MAX_WEIGHT)
