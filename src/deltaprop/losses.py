"""Cost functions ``C``: per sample, summed over the output units, averaged over the batch.

Each loss gives its value and, right beside it, its gradient ``∇_a C`` with
respect to the output activations -- the first factor of BP1,
``δ^L = ∇_a C ⊙ σ'(z^L)``.

Matched pairs
-------------
Two output-activation/loss pairs make BP1 collapse to ``δ^L = a − y``:

* sigmoid + binary cross-entropy: ``∇_a C = (a − y) / (a(1 − a))`` and
  ``σ'(z) = a(1 − a)`` cancel;
* softmax + (categorical) cross-entropy: ``∇_a C = −y / a`` times the softmax
  Jacobian ``a_i(1[i=j] − a_j)`` gives ``a − y`` when each row of ``y`` sums to 1.

A loss names its partner in ``pairs_with``; the network then uses the fused
form (faster and free of the ``0/0`` that saturated outputs would produce).
Any other pair goes through the general BP1 and is just as correct.
"""

from __future__ import annotations

import numpy as np


class Loss:
    """Base class for costs ``C(a, y)``."""

    name = "loss"
    pairs_with = None   # name of the output activation that fuses with this loss

    def value(self, a, y):
        """Mean over the batch of the per-sample cost; ``a``, ``y`` are ``(n, d)``."""
        raise NotImplementedError  # abstract

    def gradient(self, a, y, out):
        """Write ``∇_a C_x`` for each sample (``(n, d)``, not divided by ``n``) into ``out``."""
        raise NotImplementedError  # abstract

    def per_output(self, a, y):
        """Cost of each output unit of each sample, ``(n, d)`` (the explainer's ``E_o1``, ``E_o2``)."""
        raise NotImplementedError  # abstract

    def __repr__(self):
        return f"{type(self).__name__}()"


def _clip_probability(a):
    """Keep ``log`` finite for saturated outputs: ``a`` into ``[tiny, 1 − eps/2]``."""
    info = np.finfo(a.dtype)
    return np.clip(a, info.tiny, 1.0 - info.epsneg)


class Quadratic(Loss):
    """``C_x = ½‖a − y‖²`` (the seeds' and Mazur's squared error); ``∇_a C_x = a − y``."""

    name = "quadratic"

    def value(self, a, y):
        diff = a - y
        return 0.5 * float(np.vdot(diff, diff)) / a.shape[0]

    def gradient(self, a, y, out):
        return np.subtract(a, y, out=out)

    def per_output(self, a, y):
        return 0.5 * (y - a) ** 2


class BinaryCrossEntropy(Loss):
    """``C_x = −Σ_j [y_j ln a_j + (1 − y_j) ln(1 − a_j)]`` (Nielsen ch. 3).

    ``∇_a C_x = (a − y) / (a(1 − a))``; with a sigmoid output BP1 becomes ``a − y``.
    """

    name = "binary-cross-entropy"
    pairs_with = "sigmoid"

    def value(self, a, y):
        return float(self.per_output(a, y).sum()) / a.shape[0]

    def gradient(self, a, y, out):
        a = _clip_probability(a)
        np.subtract(a, y, out=out)
        out /= a * (1.0 - a)
        return out

    def per_output(self, a, y):
        a = _clip_probability(a)
        return -(y * np.log(a) + (1.0 - y) * np.log1p(-a))


class CrossEntropy(Loss):
    """Categorical cross-entropy ``C_x = −Σ_j y_j ln a_j`` (``y`` one-hot or a distribution).

    ``∇_a C_x = −y / a``; with a softmax output BP1 becomes ``a − y``.
    """

    name = "cross-entropy"
    pairs_with = "softmax"

    def value(self, a, y):
        # −Σ y ln a as one dot product; only the lower clip matters here (ln 1 = 0)
        log_a = np.log(np.maximum(a, np.finfo(a.dtype).tiny))
        return -float(np.vdot(y, log_a)) / a.shape[0]

    def gradient(self, a, y, out):
        np.divide(y, _clip_probability(a), out=out)
        return np.negative(out, out=out)

    def per_output(self, a, y):
        return -(y * np.log(_clip_probability(a)))


LOSSES = {
    "quadratic": Quadratic,
    "binary-cross-entropy": BinaryCrossEntropy,
    "cross-entropy": CrossEntropy,
}
_ALIASES = {
    "squared-error": "quadratic",
    "bce": "binary-cross-entropy",
    "binary_cross_entropy": "binary-cross-entropy",
    "ce": "cross-entropy",
    "cross_entropy": "cross-entropy",
    "categorical-cross-entropy": "cross-entropy",
}


def get_loss(name):
    """Return the loss called ``name`` (a :class:`Loss` passes through).

    Raises
    ------
    ValueError
        If the name is unknown; the message lists the valid names.
    """
    if isinstance(name, Loss):
        return name
    if not isinstance(name, str):
        raise TypeError(f"loss must be a name or a Loss, got {type(name).__name__}")
    key = name.strip().lower()
    key = _ALIASES.get(key, key)
    if key not in LOSSES:
        raise ValueError(f"unknown loss {name!r}; valid: {', '.join(LOSSES)}")
    return LOSSES[key]()
