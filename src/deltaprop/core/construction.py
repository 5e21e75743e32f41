"""Layers for a new :class:`~deltaprop.core.network.Network`: from sizes (initialised, seeded) or from explicit
weights, every argument checked with a one-line error naming what is wrong."""

from __future__ import annotations

import numpy as np

from .initializers import check_initializer, initialize
from .layers import Dense
from .validation import check_memory, check_positive_int


def new_layers(sizes, activations, init, seed, dtype, dropout):
    """``len(sizes) - 1`` :class:`Dense` layers, initialised by ``init`` from ``default_rng(seed)``."""
    sizes = list(sizes)
    if len(sizes) < 2:
        raise ValueError(f"sizes needs at least an input and an output size, got {sizes}")
    for size in sizes:
        check_positive_int(size, "every layer size")
    n_params = sum((n_in + 1) * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))
    check_memory(4 * n_params * np.dtype(dtype).itemsize,     # weights, gradients, optimiser state, copies
                 f"a network of sizes {sizes} ({n_params:,} parameters)")
    n_layers = len(sizes) - 1
    if activations is None:
        activations = ["sigmoid"] * n_layers
    elif isinstance(activations, str):
        activations = [activations] * n_layers
    activations = list(activations)
    if len(activations) != n_layers:
        raise ValueError(f"{len(sizes)} layer sizes need {n_layers} activations (one per weight layer), "
                         f"got {len(activations)}")
    dropouts = _per_hidden_layer(dropout, n_layers)
    init = check_initializer(init)
    rng = np.random.default_rng(seed)
    layers = []
    for l, (n_in, n_out, act) in enumerate(zip(sizes[:-1], sizes[1:], activations), start=1):
        layer = Dense(np.zeros((n_out, n_in)), np.zeros(n_out), act, dropout=dropouts[l - 1], dtype=dtype)
        layer.weights[...], layer.biases[...] = initialize(init, n_in, n_out, layer.activation.name,
                                                           rng, layer.weights.dtype)
        layers.append(layer)
    return layers


def layers_from_weights(weights, biases, activations, dtype, train_biases):
    """One :class:`Dense` per ``(weights[l], biases[l], activations[l])``; a bad one is named by its layer."""
    weights, biases = list(weights), list(biases)
    if isinstance(activations, str):
        activations = [activations] * len(weights)
    activations = list(activations)
    if not (len(weights) == len(biases) == len(activations)):
        raise ValueError(f"need one weights, biases and activation per layer; got {len(weights)} weights, "
                         f"{len(biases)} biases, {len(activations)} activations")
    layers = []
    for l, (w, b, act) in enumerate(zip(weights, biases, activations), start=1):
        try:
            layers.append(Dense(w, b, act, dtype=dtype, train_biases=train_biases))
        except ValueError as exc:
            raise ValueError(f"layer {l}: {exc}") from None
    return layers


def _per_hidden_layer(dropout, n_layers):
    if dropout is None:
        return [0.0] * n_layers
    if np.isscalar(dropout):
        return [float(dropout)] * (n_layers - 1) + [0.0]
    dropout = [float(p) for p in dropout]
    if len(dropout) == n_layers - 1:
        dropout.append(0.0)
    if len(dropout) != n_layers:
        raise ValueError(f"dropout needs one rate per hidden layer ({n_layers - 1}), got {len(dropout)}")
    return dropout
