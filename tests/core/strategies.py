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
    Y = draw(targets(loss, n, sizes[-1], rng))
    zs, acts = net.forward(X)
    # keep central differences (step 1e-5) off the relu kinks
    for z, act in zip(zs, net.activations):
        if "relu" in act:
            assume(np.min(np.abs(z)) > 1e-3)
    # and the cross-entropies away from saturated outputs, where log is clipped
    if loss != "quadratic":
        assume(np.min(acts[-1]) > 1e-6 and np.max(acts[-1]) < 1 - 1e-6)
    return net, X, Y


@st.composite
def targets(draw, loss, n, d, rng):
    """Targets the cost accepts: probability rows (one-hot or soft) for cross-entropy, [0, 1] for binary
    cross-entropy (0 and 1 included), any reals for the quadratic cost."""
    if loss == "cross-entropy":
        if draw(st.booleans()):
            return np.eye(d)[rng.integers(0, d, n)]
        return rng.dirichlet(np.full(d, 0.7), size=n)              # soft labels, rows sum to 1
    if loss == "binary-cross-entropy":
        Y = rng.uniform(0.0, 1.0, (n, d))
        Y[rng.random((n, d)) < 0.3] = rng.integers(0, 2)            # some exact 0s and 1s
        return Y
    return rng.normal(0.0, 2.0, (n, d))


@st.composite
def refused_targets(draw, loss, n, d):
    """Targets the cost is not defined for, and a fragment of the documented error."""
    rng = np.random.default_rng(draw(st.integers(0, 2**31 - 1)))
    row = draw(st.integers(0, n - 1))
    if loss == "cross-entropy":
        Y = np.eye(d)[rng.integers(0, d, n)]
        kind = draw(st.sampled_from(["sum", "negative"]))
        if kind == "sum":
            Y[row] = rng.uniform(0.0, 1.0, d)
            Y[row, 0] += draw(st.sampled_from([0.3, -0.3])) if Y[row].sum() < 1.5 else 0.5
            assume(abs(Y[row].sum() - 1.0) > 1e-3 and (Y[row] >= 0).all())
            return Y, f"row {row} sums to"
        Y[row] = rng.dirichlet(np.ones(d))
        Y[row, 0] -= 1.5
        Y[row, 1] += 1.5
        return Y, f"row {row} has the value"
    Y = rng.uniform(0.0, 1.0, (n, d))
    Y[row, draw(st.integers(0, d - 1))] = draw(st.sampled_from([-0.5, 1.5, 5.0, -1e-3]))
    return Y, f"row {row} has the value"
