"""Weight and bias initialisers.

Each scheme draws a layer's ``weights`` of shape ``(n_out, n_in)`` and
``biases`` of shape ``(n_out,)``.  Numbers are always drawn in float64 from a
``numpy.random.Generator`` and then cast, so a float32 and a float64 network
built with the same ``seed`` start from the same (rounded) values.

========================  ==========================================  ==============
name                      weights                                     biases
========================  ==========================================  ==============
``normal``                N(0, 1)  (Nielsen ch. 1, ``network.py``)    N(0, 1)
``scaled-normal``         N(0, 1/n_in)  (Nielsen ch. 3)               N(0, 1)
``glorot-uniform``        U(±√(6/(n_in+n_out)))                       0
``glorot-normal``         N(0, 2/(n_in+n_out))                        0
``he-normal``             N(0, 2/n_in)                                0
``he-uniform``            U(±√(6/n_in))                               0
``auto`` (default)        ``he-normal`` before relu/leaky-relu,       0
                          ``glorot-uniform`` otherwise
========================  ==========================================  ==============
"""

from __future__ import annotations

import numpy as np


def normal(n_in, n_out, rng):
    return rng.standard_normal((n_out, n_in)), rng.standard_normal(n_out)


def scaled_normal(n_in, n_out, rng):
    return rng.standard_normal((n_out, n_in)) / np.sqrt(n_in), rng.standard_normal(n_out)


def glorot_uniform(n_in, n_out, rng):
    limit = np.sqrt(6.0 / (n_in + n_out))
    return rng.uniform(-limit, limit, (n_out, n_in)), np.zeros(n_out)


def glorot_normal(n_in, n_out, rng):
    return rng.standard_normal((n_out, n_in)) * np.sqrt(2.0 / (n_in + n_out)), np.zeros(n_out)


def he_normal(n_in, n_out, rng):
    return rng.standard_normal((n_out, n_in)) * np.sqrt(2.0 / n_in), np.zeros(n_out)


def he_uniform(n_in, n_out, rng):
    limit = np.sqrt(6.0 / n_in)
    return rng.uniform(-limit, limit, (n_out, n_in)), np.zeros(n_out)


INITIALIZERS = {
    "normal": normal,
    "scaled-normal": scaled_normal,
    "glorot-uniform": glorot_uniform,
    "glorot-normal": glorot_normal,
    "he-normal": he_normal,
    "he-uniform": he_uniform,
}
_ALIASES = {"xavier-uniform": "glorot-uniform", "xavier-normal": "glorot-normal", "he": "he-normal",
            "nielsen-ch1": "normal", "nielsen-ch3": "scaled-normal"}


def check_initializer(name):
    """Return the canonical initialiser name; ``ValueError`` listing valid names if unknown."""
    if not isinstance(name, str):
        raise TypeError(f"initializer must be a name, got {type(name).__name__}")
    key = name.strip().lower()
    key = _ALIASES.get(key, key)
    if key != "auto" and key not in INITIALIZERS:
        raise ValueError(f"unknown initializer {name!r}; valid: auto, {', '.join(INITIALIZERS)}")
    return key


def initialize(name, n_in, n_out, activation_name, rng, dtype):
    """Draw ``(weights (n_out, n_in), biases (n_out,))`` for one layer with scheme ``name``."""
    key = check_initializer(name)
    if key == "auto":
        key = "he-normal" if activation_name in ("relu", "leaky-relu") else "glorot-uniform"
    weights, biases = INITIALIZERS[key](n_in, n_out, rng)
    return weights.astype(dtype), biases.astype(dtype)
