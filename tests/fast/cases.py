"""What the compiled-epoch equality tests share: their tolerances per dtype and random data for a network."""

import numpy as np

# compiled epoch vs the NumPy loop: float64 to rounding, float32 to its own precision over an epoch
TOL = {np.float64: dict(rtol=1e-12, atol=1e-14), np.float32: dict(rtol=2e-4, atol=2e-6)}


def random_data(rng, n, sizes, loss):
    """``(X, Y)`` for a ``sizes`` network and ``loss``: real targets for one linear output under the quadratic cost,
    0/1 targets for binary cross-entropy, else class labels."""
    X = rng.normal(size=(n, sizes[0]))
    if loss == "quadratic" and sizes[-1] == 1:
        return X, rng.normal(size=(n, 1))
    if loss == "binary-cross-entropy":
        return X, rng.integers(0, 2, (n, sizes[-1])).astype(float)
    return X, rng.integers(0, sizes[-1], n)
