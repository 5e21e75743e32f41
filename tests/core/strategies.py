"""Hypothesis strategies: random small networks and batches for the gradient oracles."""

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st

from deltaprop import Network

HIDDEN = ["sigmoid", "tanh", "relu", "leaky-relu:0.1", "linear", "softmax"]
# Cross-entropies need outputs in (0, 1); the quadratic cost takes any output.
OUTPUT_FOR_LOSS = {
    "quadratic": ["sigmoid", "tanh", "relu", "leaky-relu:0.1", "linear", "softmax"],
    "binary-cross-entropy": ["sigmoid", "softmax"],
    "cross-entropy": ["softmax", "sigmoid"],
}
PAIRS = [(act, loss) for loss, acts in OUTPUT_FOR_LOSS.items() for act in acts]


@st.composite
def problems(draw, pair=None, max_layers=3):
    """A float64 ``(network, X, Y)`` with random sizes, activations and data."""
    output, loss = pair if pair is not None else draw(st.sampled_from(PAIRS))
    n_layers = draw(st.integers(1, max_layers))
    sizes = [draw(st.integers(1, 5)) for _ in range(n_layers)] + [draw(st.integers(1, 4))]
    if output == "softmax" or loss == "cross-entropy":
        sizes[-1] = max(sizes[-1], 2)
    hidden = [draw(st.sampled_from(HIDDEN)) for _ in range(n_layers - 1)]
    seed = draw(st.integers(0, 2**31 - 1))
    n = draw(st.integers(1, 6))
    net = Network(sizes, hidden + [output], loss=loss, init="normal", seed=seed)
    rng = np.random.default_rng(seed + 1)
    X = rng.standard_normal((n, sizes[0]))
    if loss == "cross-entropy":
        Y = np.eye(sizes[-1])[rng.integers(0, sizes[-1], n)]
    else:
        Y = rng.uniform(0.05, 0.95, (n, sizes[-1]))
    zs, acts = net.forward(X)
    # keep central differences (step 1e-5) off the relu kinks
    for z, act in zip(zs, net.activations):
        if "relu" in act:
            assume(np.min(np.abs(z)) > 1e-3)
    # and the cross-entropies away from saturated outputs, where log is clipped
    if loss != "quadratic":
        assume(np.min(acts[-1]) > 1e-6 and np.max(acts[-1]) < 1 - 1e-6)
    return net, X, Y
