"""Cost functions ``C`` and the one place that decides how a cost meets the output layer.

Each loss gives its value and, right beside it, its gradient ``∇_a C`` with
respect to the output activations -- the first factor of BP1,
``δ^L = ∇_a C ⊙ σ'(z^L)`` (Nielsen, *Neural Networks and Deep Learning*,
ch. 2, eq. BP1).  Per sample, summed over the output units; averaged over
the batch.

The output/loss pairing, decided here and nowhere else
------------------------------------------------------
Everything that trains, explains, checks gradients or draws asks this module:

* **Which outputs a cost accepts** (:meth:`Loss.check_output`).  The
  cross-entropies take ``ln a`` (and ``ln(1 − a)``), so the output layer must
  give values in (0, 1): sigmoid or softmax.  The quadratic cost takes any
  output.  Any other pairing is refused when the network is built.
* **Which targets a cost accepts** (:meth:`Loss.check_targets`), checked at
  every boundary where targets come in:

  - cross-entropy ``C = −Σ_j y_j ln a_j``: each target row is a probability
    distribution (entries ≥ 0, summing to 1).  We *refuse* other rows rather
    than quietly differentiate them: a row like ``[1, 1, 0]`` is almost always
    multi-label data given to a softmax (use sigmoid + binary cross-entropy),
    and negative entries make the cost unbounded below;
  - binary cross-entropy: every target in [0, 1];
  - quadratic: any finite number.
* **When BP1 collapses to ``δ^L = a − y``** (:meth:`Loss.fuses_with`):

  - sigmoid + binary cross-entropy: ``∇_a C = (a − y) / (a(1 − a))`` and
    ``σ'(z) = a(1 − a)`` cancel, for any target in [0, 1];
  - softmax + cross-entropy: ``∇_a C = −y / a`` times the softmax Jacobian
    ``∂a_i/∂z_j = a_i(1[i=j] − a_j)`` gives ``a Σ_j y_j − y``, which is ``a − y``
    exactly because every target row sums to 1 (checked above).

  :func:`output_error` computes BP1 with the fused form for those two pairs
  (faster, and free of the ``0/0`` that saturated outputs would produce) and
  the general product for every other pair.
* **Which output activation a task gets by default** (:func:`default_output`).
"""

from __future__ import annotations

import numpy as np


class Loss:
    """Base class for costs ``C(a, y)``."""

    name = "loss"
    fused_output = None     # output activation with which BP1 is simply a − y
    needs_unit_interval = False     # outputs must lie in (0, 1): the cost takes ln a

    def value(self, a, y):
        """Mean over the batch of the per-sample cost; ``a``, ``y`` are ``(n, d)``."""
        raise NotImplementedError  # abstract

    def gradient(self, a, y, out):
        """Write ``∇_a C_x`` for each sample (``(n, d)``, not divided by ``n``) into ``out``."""
        raise NotImplementedError  # abstract

    def per_output(self, a, y):
        """Cost of each output unit of each sample, ``(n, d)`` (the explainer's ``E_o1``, ``E_o2``)."""
        raise NotImplementedError  # abstract

    def check_targets(self, Y, name="Y"):
        """Return ``Y`` (``(n, d)``, finite) if this cost is defined for it, else raise ``ValueError``."""
        return Y

    def check_output(self, activation):
        """Raise ``ValueError`` unless the output ``activation`` gives values this cost is defined for."""
        if self.needs_unit_interval and activation.bounds != (0.0, 1.0):
            raise ValueError(f"{self.name} takes ln a, so the output layer must give values in (0, 1) "
                             f"(sigmoid or softmax), got {activation.name}; use the quadratic cost for other outputs")

    def fuses_with(self, activation):
        """True when BP1 for this cost after ``activation`` is ``δ^L = a − y``."""
        return activation.name == self.fused_output

    def __repr__(self):
        return f"{type(self).__name__}()"


def output_error(loss, activation, z, a, y, out):
    """BP1, per sample: ``δ^L_x = ∇_a C_x ⊙ σ'(z^L_x)`` written into ``out`` (``(n, d_L)``).

    For the two matched pairs the product is ``a − y`` (see the module notes);
    for softmax with another cost, ``⊙ σ'(z)`` is the product with the
    softmax Jacobian.  ``y`` must have passed :meth:`Loss.check_targets`.
    """
    if loss.fuses_with(activation):
        return np.subtract(a, y, out=out)
    loss.gradient(a, y, out=out)                            # ∇_a C
    return activation.backward(z, a, out, out=out)          # ⊙ σ'(z^L)  (softmax: × Jacobian)


def default_output(loss, n_outputs, classification):
    """The output activation a task gets unless the user chooses: softmax, sigmoid or linear.

    Cross-entropy over several classes → softmax; binary cross-entropy, or
    classes with the quadratic cost (Nielsen's and Mazur's networks) →
    sigmoid; real-valued targets with the quadratic cost → linear.
    """
    loss = get_loss(loss)
    if loss.name == "cross-entropy" and n_outputs > 1:
        return "softmax"
    if loss.name == "binary-cross-entropy" or classification:
        return "sigmoid"
    return "linear"


def _clip_probability(a):
    """Keep ``log`` finite for outputs saturated to 0 or 1 in floating point: ``a`` into ``[tiny, 1 − eps/2]``."""
    info = np.finfo(a.dtype)
    return np.clip(a, info.tiny, 1.0 - info.epsneg)


def _first_row(mask):
    return int(np.nonzero(mask)[0][0])


class Quadratic(Loss):
    """``C_x = ½‖a − y‖²`` (Nielsen's eq. 6 per sample, Mazur's squared error); ``∇_a C_x = a − y``."""

    name = "quadratic"

    def value(self, a, y):
        diff = a - y
        return 0.5 * float(np.vdot(diff, diff)) / a.shape[0]

    def gradient(self, a, y, out):
        return np.subtract(a, y, out=out)

    def per_output(self, a, y):
        return 0.5 * (y - a) ** 2


class BinaryCrossEntropy(Loss):
    """``C_x = −Σ_j [y_j ln a_j + (1 − y_j) ln(1 − a_j)]`` (Nielsen ch. 3, eq. 63).

    ``∇_a C_x = (a − y) / (a(1 − a))``; with a sigmoid output BP1 becomes ``a − y``.
    Targets must lie in [0, 1].
    """

    name = "binary-cross-entropy"
    fused_output = "sigmoid"
    needs_unit_interval = True

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

    def check_targets(self, Y, name="Y"):
        bad = ((Y < 0) | (Y > 1)).any(axis=1)
        if bad.any():
            row = _first_row(bad)
            raise ValueError(f"{name} row {row} has {_worst(Y[row], lambda v: v < 0 or v > 1)}: binary-cross-entropy "
                             f"targets must lie in [0, 1]")
        return Y


class CrossEntropy(Loss):
    """Categorical cross-entropy ``C_x = −Σ_j y_j ln a_j`` (Nielsen ch. 3, eq. 80).

    ``y`` is one-hot or a probability distribution per row (checked).
    ``∇_a C_x = −y / a``; with a softmax output BP1 becomes ``a − y``.
    """

    name = "cross-entropy"
    fused_output = "softmax"
    needs_unit_interval = True

    def value(self, a, y):
        # −Σ y ln a as one dot product; only the lower clip matters here (ln 1 = 0)
        log_a = np.log(np.maximum(a, np.finfo(a.dtype).tiny))
        return -float(np.vdot(y, log_a)) / a.shape[0]

    def gradient(self, a, y, out):
        np.divide(y, _clip_probability(a), out=out)
        return np.negative(out, out=out)

    def per_output(self, a, y):
        return -(y * np.log(_clip_probability(a)))

    def check_targets(self, Y, name="Y"):
        negative = (Y < 0).any(axis=1)
        if negative.any():
            row = _first_row(negative)
            raise ValueError(f"{name} row {row} has {_worst(Y[row], lambda v: v < 0)}: cross-entropy targets "
                             f"are probabilities (each >= 0, each row summing to 1)")
        sums = Y.sum(axis=1, dtype=np.float64)
        tolerance = 1000 * np.finfo(Y.dtype).eps * max(1, Y.shape[1])
        off = np.abs(sums - 1.0) > tolerance
        if off.any():
            row = _first_row(off)
            hint = "; for one output unit use binary-cross-entropy" if Y.shape[1] == 1 else \
                   "; for several labels per sample use sigmoid outputs with binary-cross-entropy"
            raise ValueError(f"{name} row {row} sums to {sums[row]:.6g}: cross-entropy targets are "
                             f"probability rows summing to 1 (one-hot or a distribution){hint}")
        return Y


def _worst(row, is_bad):
    value = next(float(v) for v in row if is_bad(float(v)))
    return f"the value {value:g}"


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
