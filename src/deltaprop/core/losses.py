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
    distribution (entries in [0, 1], summing to 1).  We *refuse* other rows rather
    than quietly differentiate them: a row like ``[1, 1, 0]`` is almost always
    multi-label data given to a softmax (use sigmoid + binary cross-entropy),
    and negative entries make the cost unbounded below;
  - binary cross-entropy: every target in [0, 1];
  - quadratic: any finite number.

  A refused target raises :class:`TargetError` (a ``ValueError``) carrying the row, the value and the kind of
  the fault, so a face can say it in its reader's language without restating the rule.
* **When BP1 collapses to ``δ^L = a − y``** (:meth:`Loss.bp1_is_a_minus_y`):

  - sigmoid + binary cross-entropy: ``∇_a C = (a − y) / (a(1 − a))`` and
    ``σ'(z) = a(1 − a)`` cancel, for any target in [0, 1];
  - softmax + cross-entropy: ``∇_a C = −y / a`` times the softmax Jacobian
    ``∂a_i/∂z_j = a_i(1[i=j] − a_j)`` gives ``a Σ_j y_j − y``, which is ``a − y``
    exactly because every target row sums to 1 (checked above).

  :func:`output_error` computes BP1 with the fused form for those two pairs
  (faster, and free of the ``0/0`` that saturated outputs would produce) and
  the general product for every other pair.
* **Which loss and output activation a task gets by default** (:func:`default_loss`, :func:`default_output`),
  and **which losses real-valued targets allow** (:func:`check_regression_loss`: the quadratic cost only — the
  cross-entropies read targets as probabilities).
"""

from __future__ import annotations

import warnings

import numpy as np


class Loss:
    """Base class for costs ``C(a, y)``."""

    name = "loss"
    a_minus_y_output = None     # the output activation with which BP1 is simply δ^L = a − y (the matched pair)
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

    def bp1_is_a_minus_y(self, activation):
        """True when BP1 for this cost after ``activation`` is ``δ^L = a − y`` (the matched pairs)."""
        return activation.name == self.a_minus_y_output

    def fuses_with(self, activation):
        """Deprecated name of :meth:`bp1_is_a_minus_y` (removed in the next release)."""
        warnings.warn("Loss.fuses_with is deprecated; use Loss.bp1_is_a_minus_y", DeprecationWarning, stacklevel=2)
        return self.bp1_is_a_minus_y(activation)

    def __repr__(self):
        return f"{type(self).__name__}()"


def output_error(loss, activation, z, a, y, out):
    """BP1, per sample: ``δ^L_x = ∇_a C_x ⊙ σ'(z^L_x)`` written into ``out`` (``(n, d_L)``).

    For the two matched pairs the product is ``a − y`` (see the module notes);
    for softmax with another cost, ``⊙ σ'(z)`` is the product with the
    softmax Jacobian.  ``y`` must have passed :meth:`Loss.check_targets`.
    """
    if loss.bp1_is_a_minus_y(activation):
        return np.subtract(a, y, out=out)
    loss.gradient(a, y, out=out)                            # ∇_a C
    return activation.backward(z, a, out, out=out)          # ⊙ σ'(z^L)  (softmax: × Jacobian)


def default_loss(n_outputs, classification):
    """The loss a task gets unless the user chooses: several classes → cross-entropy (with a softmax output), one
    class column → binary cross-entropy (sigmoid), real-valued targets → quadratic (Nielsen ch. 3's pairings)."""
    if classification:
        return "cross-entropy" if n_outputs > 1 else "binary-cross-entropy"
    return "quadratic"


def check_regression_loss(loss):
    """Raise ``ValueError`` unless ``loss`` may train on real-valued targets: only the quadratic cost can (the
    cross-entropies read each target as a probability, and a linear output has none).  Returns the loss."""
    loss = get_loss(loss)
    if loss.name != "quadratic":
        raise ValueError(f"real-valued targets need the quadratic loss, not {loss.name} (a linear output has no "
                         f"probabilities)")
    return loss


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


def probability_bounds(dtype):
    """``(tiny, 1 − eps/2)`` of ``dtype``: where the cross-entropies clip outputs saturated to 0 or 1 so that
    ``log`` stays finite (the compiled epoch clips at the same bounds)."""
    info = np.finfo(dtype)
    return float(info.tiny), float(1.0 - info.epsneg)


def _clip_probability(a):
    """Keep ``log`` finite for outputs saturated to 0 or 1 in floating point: ``a`` into ``[tiny, 1 − eps/2]``."""
    return np.clip(a, *probability_bounds(a.dtype))


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
    a_minus_y_output = "sigmoid"
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
        _check_unit_interval(self, Y, name, "binary-cross-entropy targets must lie in [0, 1]")
        return Y


class CrossEntropy(Loss):
    """Categorical cross-entropy ``C_x = −Σ_j y_j ln a_j`` (Nielsen ch. 3, eq. 80).

    ``y`` is one-hot or a probability distribution per row (checked).
    ``∇_a C_x = −y / a``; with a softmax output BP1 becomes ``a − y``.
    """

    name = "cross-entropy"
    a_minus_y_output = "softmax"
    needs_unit_interval = True

    def value(self, a, y):
        # −Σ y ln a as one dot product; only the lower clip matters here (ln 1 = 0)
        log_a = np.log(np.maximum(a, probability_bounds(a.dtype)[0]))
        return -float(np.vdot(y, log_a)) / a.shape[0]

    def gradient(self, a, y, out):
        np.divide(y, _clip_probability(a), out=out)
        return np.negative(out, out=out)

    def per_output(self, a, y):
        return -(y * np.log(_clip_probability(a)))

    def check_targets(self, Y, name="Y"):
        # a row with a negative entry is refused here; one whose entries are >= 0 but too large fails the sum below
        _check_unit_interval(self, Y, name, "cross-entropy targets are probabilities (each in [0, 1], each row "
                                            "summing to 1)", bad=(Y < 0).any(axis=1))
        sums = Y.sum(axis=1, dtype=np.float64)
        tolerance = 1000 * np.finfo(Y.dtype).eps * max(1, Y.shape[1])
        off = np.abs(sums - 1.0) > tolerance
        if off.any():
            row = _first_row(off)
            hint = "; for one output unit use binary-cross-entropy" if Y.shape[1] == 1 else \
                   "; for several labels per sample use sigmoid outputs with binary-cross-entropy"
            raise TargetError(f"{name} row {row} sums to {sums[row]:.6g}: cross-entropy targets are "
                              f"probability rows summing to 1 (one-hot or a distribution){hint}",
                              loss=self.name, row=row, value=float(sums[row]), kind="sum")
        return Y


class TargetError(ValueError):
    """A target a cost is not defined for, said in English and as data a face can say in its own words.

    Attributes
    ----------
    loss : str
        The cost's name.
    row : int
        The first refused row (0-based).
    value : float
        ``kind="range"``: the row's first entry outside [0, 1]; ``kind="sum"``: the row's sum.
    kind : {"range", "sum"}
    """

    def __init__(self, message, *, loss, row, value, kind):
        super().__init__(message)
        self.loss, self.row, self.value, self.kind = loss, row, value, kind


def _check_unit_interval(loss, Y, name, rule, bad=None):
    """Raise :class:`TargetError` (``kind="range"``) at the first ``bad`` row (default: holding a target outside
    [0, 1]), naming its first entry outside [0, 1]."""
    bad = ((Y < 0) | (Y > 1)).any(axis=1) if bad is None else bad
    if bad.any():
        row = _first_row(bad)
        value = next(float(v) for v in Y[row] if not 0 <= v <= 1)
        raise TargetError(f"{name} row {row} has the value {value:g}: {rule}", loss=loss.name, row=row, value=value,
                          kind="range")


LOSSES = {"quadratic": Quadratic, "binary-cross-entropy": BinaryCrossEntropy, "cross-entropy": CrossEntropy}
_ALIASES = {"squared-error": "quadratic", "bce": "binary-cross-entropy", "binary_cross_entropy": "binary-cross-entropy",
            "ce": "cross-entropy", "cross_entropy": "cross-entropy", "categorical-cross-entropy": "cross-entropy"}


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
