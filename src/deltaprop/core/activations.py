"""Activation functions, each forward written right beside its derivative.

Every activation works on whole mini-batches, ``z`` of shape ``(n, d)``, and
writes into a caller-supplied ``out`` array so the training loop can reuse
buffers instead of allocating new arrays for every batch.

Two methods per activation:

``forward(z, out)``
    ``a = σ(z)``.
``backward(z, a, grad, out)``
    Given ``grad = ∂C/∂a`` return ``∂C/∂z``.  For the element-wise functions
    this is ``grad ⊙ σ'(z)`` -- the ``⊙ σ'(z)`` factor of BP1 and BP2.  Softmax
    is not element-wise (each output depends on every input), so its
    ``backward`` multiplies by its Jacobian instead.  ``out`` may be ``grad``
    itself (the derivative is then applied in place).

``derivative(z, a)`` returns ``σ'(z)`` itself (allocating); the explainer and
the teaching code use it to print the factor.

Names are looked up with :func:`get_activation`; an unknown name raises
``ValueError`` listing the valid ones (never a silent fallback to linear).
"""

from __future__ import annotations

import numpy as np


class Activation:
    """Base class: a named, element-wise (unless stated) non-linearity."""

    name = "activation"
    elementwise = True
    bounds = (-np.inf, np.inf)      # the range of σ; (0, 1) means the outputs read as probabilities

    def forward(self, z, out):
        """Write ``σ(z)`` into ``out`` (shape ``(n, d)``) and return it."""
        raise NotImplementedError  # abstract

    def backward(self, z, a, grad, out):
        """Write ``grad ⊙ σ'(z)`` into ``out`` and return it."""
        np.multiply(grad, self.derivative(z, a), out=out)
        return out

    def derivative(self, z, a):
        """Return ``σ'(z)`` (element-wise activations only), shape of ``z``."""
        raise NotImplementedError  # abstract

    def __call__(self, z):
        z = np.asarray(z)
        return self.forward(z, np.empty_like(z, dtype=np.result_type(z, np.float32)))

    def __repr__(self):
        return f"{type(self).__name__}()"

    def spec(self):
        """JSON-able description, inverse of :func:`get_activation`."""
        return self.name

    @property
    def gives_probabilities(self):
        """True when every output lies in (0, 1) (sigmoid, softmax): drawn on a fixed [0, 1] scale."""
        return self.bounds == (0.0, 1.0)


class Sigmoid(Activation):
    """Logistic function ``σ(z) = 1 / (1 + e^{-z})``.

    Numerically stable: ``e^{-z}`` only overflows for very negative ``z``, so
    ``z`` is first raised to ``-log(max float)``; there ``σ`` is already far
    below the smallest normal number, so the result is unchanged, but no
    overflow warning and no NaN can occur (|z| up to 1e4 and beyond).
    """

    name = "sigmoid"
    bounds = (0.0, 1.0)

    def forward(self, z, out):
        limit = _EXP_LIMIT[np.dtype(out.dtype)]
        np.maximum(z, -limit, out=out)      # e^{-z} stays finite
        np.negative(out, out=out)
        np.exp(out, out=out)
        out += 1.0
        np.reciprocal(out, out=out)
        return out

    def backward(self, z, a, grad, out):
        # σ'(z) = σ(z)(1 − σ(z)) = a(1 − a): computed from the stored output.
        if out is grad:
            out *= a
            one_minus_a = np.subtract(1.0, a)
            out *= one_minus_a
            return out
        np.subtract(1.0, a, out=out)
        out *= a
        out *= grad
        return out

    def derivative(self, z, a):
        return a * (1.0 - a)


class Tanh(Activation):
    """Hyperbolic tangent; ``tanh'(z) = 1 − tanh²(z) = 1 − a²``."""

    name = "tanh"
    bounds = (-1.0, 1.0)

    def forward(self, z, out):
        return np.tanh(z, out=out)

    def backward(self, z, a, grad, out):
        if out is grad:
            out *= self.derivative(z, a)
            return out
        np.multiply(a, a, out=out)
        np.subtract(1.0, out, out=out)
        out *= grad
        return out

    def derivative(self, z, a):
        return 1.0 - a * a


class ReLU(Activation):
    """Rectified linear unit ``max(0, z)``; derivative 1 for ``z > 0``, else 0
    (0 at the kink, as PyTorch)."""

    name = "relu"
    bounds = (0.0, np.inf)

    def forward(self, z, out):
        # max against a zeros array of z's shape: NumPy's SIMD loop, 2-5x faster than against the scalar 0.0
        return np.maximum(z, _zeros(z.shape, z.dtype), out=out)

    def backward(self, z, a, grad, out):
        # Multiplying by the boolean mask (z > 0) zeroes the inactive units.
        return np.multiply(grad, z > 0, out=out)

    def derivative(self, z, a):
        return (z > 0).astype(z.dtype)


class LeakyReLU(Activation):
    """``z`` for ``z > 0``, ``slope · z`` otherwise (slope in [0, 1))."""

    name = "leaky-relu"

    def __init__(self, slope=0.01):
        slope = float(slope)
        if not 0.0 <= slope < 1.0:
            raise ValueError(f"leaky-relu slope must be in [0, 1), got {slope}")
        self.slope = slope

    def forward(self, z, out):
        np.multiply(z, self.slope, out=out)
        return np.maximum(z, out, out=out)   # slope < 1: max picks z for z > 0

    def derivative(self, z, a):
        return np.where(z > 0, 1.0, self.slope).astype(z.dtype)

    def __repr__(self):
        return f"LeakyReLU(slope={self.slope})"

    def spec(self):
        return self.name if self.slope == 0.01 else f"{self.name}:{self.slope:g}"


class Linear(Activation):
    """Identity ``a = z`` (regression outputs); derivative 1."""

    name = "linear"

    def forward(self, z, out):
        if out is not z:
            np.copyto(out, z)
        return out

    def backward(self, z, a, grad, out):
        if out is not grad:
            np.copyto(out, grad)
        return out

    def derivative(self, z, a):
        return np.ones_like(z)


class Softmax(Activation):
    """``a_j = e^{z_j} / Σ_k e^{z_k}`` over each row (an output layer's
    probability distribution).

    Not element-wise: ``∂a_i/∂z_j = a_i (1[i=j] − a_j)``.  Its ``backward``
    therefore applies the Jacobian: ``∂C/∂z = a ⊙ (g − Σ_j g_j a_j)`` with
    ``g = ∂C/∂a``.  Paired with cross-entropy the product collapses to
    ``a − y`` (see :mod:`deltaprop.core.losses`), which the network uses directly.
    """

    name = "softmax"
    bounds = (0.0, 1.0)
    elementwise = False

    def forward(self, z, out):
        np.subtract(z, np.maximum.reduce(z, axis=1, keepdims=True), out=out)  # e^{.} ≤ 1: no overflow
        np.exp(out, out=out)
        out /= np.add.reduce(out, axis=1, keepdims=True)
        return out

    def backward(self, z, a, grad, out):
        g_dot_a = np.einsum("ij,ij->i", grad, a)[:, None]     # (n, 1)
        np.subtract(grad, g_dot_a, out=out)
        out *= a
        return out

    def derivative(self, z, a):
        raise ValueError("softmax has no element-wise derivative; use jacobian(a) or backward()")

    @staticmethod
    def jacobian(a):
        """Jacobian ``∂a_i/∂z_j`` of one sample ``a`` (shape ``(d,)``) → ``(d, d)``."""
        a = np.asarray(a)
        return np.diag(a) - np.outer(a, a)


_EXP_LIMIT = {np.dtype(t): float(np.log(np.finfo(t).max)) - 1.0 for t in (np.float32, np.float64)}
_ZEROS = {}     # (shape, dtype) -> read-only zeros, shared by every ReLU of that batch shape


def _zeros(shape, dtype):
    """A cached read-only zeros array (at most 32 shapes are kept)."""
    key = (shape, dtype)
    zeros = _ZEROS.get(key)
    if zeros is None:
        if len(_ZEROS) >= 32:
            _ZEROS.clear()
        zeros = _ZEROS[key] = np.zeros(shape, dtype)
        zeros.flags.writeable = False
    return zeros

ACTIVATIONS = {
    "sigmoid": Sigmoid,
    "tanh": Tanh,
    "relu": ReLU,
    "leaky-relu": LeakyReLU,
    "linear": Linear,
    "softmax": Softmax,
}
_ALIASES = {"logistic": "sigmoid", "identity": "linear", "leaky_relu": "leaky-relu", "leakyrelu": "leaky-relu"}


def get_activation(name):
    """Return the activation called ``name`` (an :class:`Activation` passes through).

    ``"leaky-relu:0.2"`` sets the leaky slope.  Aliases: ``logistic``,
    ``identity``, ``leaky_relu``.

    Raises
    ------
    ValueError
        If the name is unknown; the message lists the valid names.
    """
    if isinstance(name, Activation):
        return name
    if not isinstance(name, str):
        raise TypeError(f"activation must be a name or an Activation, got {type(name).__name__}")
    key, _, arg = name.strip().lower().partition(":")
    key = _ALIASES.get(key, key)
    if key not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; valid: {', '.join(ACTIVATIONS)}")
    if arg:
        if key != "leaky-relu":
            raise ValueError(f"activation {key!r} takes no parameter (got {name!r})")
        try:
            slope = float(arg)
        except ValueError:
            raise ValueError(f"leaky-relu slope must be a number, got {arg!r}") from None
        return LeakyReLU(slope)
    return ACTIVATIONS[key]()
