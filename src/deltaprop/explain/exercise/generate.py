"""Networks for exercises, with numbers a learner can multiply by hand.

Levels (the ``--level`` of ``deltaprop exercise``):

1. Mazur-like: 2-2-2, sigmoid everywhere, quadratic cost, one sample, biases fixed.
2. Other sizes (2 or 3 inputs, 2 or 3 hidden, 1 or 2 outputs), tanh or relu hidden, sigmoid or linear output,
   quadratic cost, one sample, biases updated.
3. Softmax + cross-entropy output (3 classes), tanh hidden, a mini-batch of 2, biases updated.

Weights, biases and inputs are multiples of 0.1 (weights never 0), targets multiples of 0.1 (one-hot for
softmax), the learning rate 0.5 or 1: every product has at most two decimals.
"""

from __future__ import annotations

import numpy as np

from ...core.network import Network

LEVELS = (1, 2, 3)
MAX_WEIGHTS = 32        # more would not be an exercise by hand
KINK_MARGIN = 0.05      # no hidden z closer than this to 0 (see generate)
MAX_DRAWS = 1000
MIN_STEP = 1e-4         # every step η ∂C/∂w shows in 6 decimals (the grader grades an update by its step)


def _tenths(rng, low, high, size, nonzero=False):
    values = rng.integers(int(round(low * 10)), int(round(high * 10)) + 1, size=size) / 10
    if nonzero:
        values[values == 0] = 0.1
    return values


def generate(level, seed):
    """``(network, X, Y, learning_rate)`` for ``level`` and ``seed`` (same seed, same exercise).

    Draws until the exercise is a fair one: no hidden ``z`` within 0.05 of 0 (a ReLU kink, where the answer would
    hang on which one-sided derivative is taken, or a tanh unit whose zero output hides its weights' gradients)
    and no step ``η ∂C/∂w`` below 1e-4 (a step that does not show in the 6 decimals the sheet asks for).
    """
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; valid: {', '.join(map(str, LEVELS))}")
    rng = np.random.default_rng([level, seed])
    for _ in range(MAX_DRAWS):
        network, X, Y = _draw(rng, level)
        eta = float(rng.choice([0.5, 1.0]))
        if _fair(network, X, Y, eta):
            return network, X, Y, eta
    raise RuntimeError(f"no fair exercise in {MAX_DRAWS} draws for level {level}, seed {seed}")  # pragma: no cover


def _fair(network, X, Y, eta):
    zs, acts = network.forward(X)
    if any(np.any(np.abs(z) < KINK_MARGIN) for z in zs[:-1]):
        return False
    grads = network.backward(Y, zs, acts)
    trained = [g for g, layer in zip(grads.biases, network.layers) if layer.train_biases]
    return all(np.all(eta * np.abs(g) >= MIN_STEP) for g in grads.weights + trained)


def _draw(rng, level):
    if level == 1:
        sizes, activations, loss, n, train_biases = [2, 2, 2], ["sigmoid", "sigmoid"], "quadratic", 1, False
    elif level == 2:
        sizes = [int(rng.integers(2, 4)), int(rng.integers(2, 4)), int(rng.integers(1, 3))]
        activations = [str(rng.choice(["tanh", "relu"])), str(rng.choice(["sigmoid", "linear"]))]
        loss, n, train_biases = "quadratic", 1, True
    else:
        sizes, activations, loss, n, train_biases = [2, 2, 3], ["tanh", "softmax"], "cross-entropy", 2, True
    weights = [_tenths(rng, -0.9, 0.9, (b, a), nonzero=True) for a, b in zip(sizes[:-1], sizes[1:])]
    biases = [_tenths(rng, -0.5, 0.5, b) for b in sizes[1:]]
    X = _tenths(rng, -1.0, 1.0, (n, sizes[0]), nonzero=True)
    if activations[-1] == "softmax":
        Y = np.eye(sizes[-1])[rng.integers(0, sizes[-1], n)]
    elif activations[-1] == "sigmoid":
        Y = _tenths(rng, 0.0, 1.0, (n, sizes[-1]))
    else:
        Y = _tenths(rng, -1.0, 1.0, (n, sizes[-1]))
    if "relu" in activations[:-1]:                      # keep every relu unit alive for this sample: a real exercise
        for j in range(sizes[1]):
            z = X @ weights[0][j] + biases[0][j]
            if np.any(z <= KINK_MARGIN):
                weights[0][j] = np.abs(weights[0][j]) * np.sign(X[0]) + 0.0
                weights[0][j][weights[0][j] == 0] = 0.1
                biases[0][j] = abs(biases[0][j]) + 0.1
    network = Network.from_weights(weights, biases, activations, loss=loss, train_biases=train_biases)
    return network, X, Y


def check_size(network):
    """Refuse networks too large to do by hand."""
    count = sum(layer.weights.size for layer in network.layers)
    if count > MAX_WEIGHTS:
        raise ValueError(f"the network has {count} weights; an exercise by hand has at most {MAX_WEIGHTS} "
                         f"(use deltaprop explain for larger networks)")
