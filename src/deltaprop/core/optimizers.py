"""Optimisers: how a gradient becomes a weight change.

Each optimiser implements one method, ``update(index, param, grad)``, which changes ``param`` in place; the base
class (:class:`~deltaprop.core.optimizer_base.Optimizer`) validates, keeps the books and applies L2/L1 decay.

    opt = SGD(learning_rate=0.5)
    opt.step(params, grads)        # params, grads: matching lists of arrays
"""

from __future__ import annotations

import numpy as np

from .optimizer_base import Optimizer, fraction
from .validation import check_positive_float

__all__ = ["OPTIMIZERS", "SGD", "Adam", "Momentum", "Nesterov", "Optimizer", "get_optimizer"]


class SGD(Optimizer):
    """Plain gradient descent: ``w ← w − η ∂C/∂w`` (Nielsen's eq. 20 update, sign included)."""

    name = "sgd"

    def update(self, index, param, grad):
        grad *= self.learning_rate      # η ∂C/∂w, in place: no scratch array (step() may modify grads)
        param -= grad                   # descend: minus, never plus

    def fusable_learning_rate(self):
        # η can be folded into BP1 unless weight decay or a subclass's own update needs the raw gradient
        plain = not self.weight_decay and not self.l1_decay and type(self).update is SGD.update
        return self.learning_rate if plain else None


class Momentum(Optimizer):
    """Gradient descent with momentum (Nielsen ch. 3): ``v ← μv − η ∂C/∂w``; ``w ← w + v``.

    ``momentum`` is ``μ`` in [0, 1); the velocity ``v`` starts at zero.
    """

    name = "momentum"
    hyper_parameters = ("momentum",)

    def __init__(self, learning_rate, momentum=0.9, *, weight_decay=0.0):
        super().__init__(learning_rate, weight_decay=weight_decay)
        self.momentum = fraction(momentum, "momentum")

    def update(self, index, param, grad):
        velocity = self._slot(index, "velocity", param)
        scaled = self._work(self._scratch, index, grad)
        np.multiply(grad, self.learning_rate, out=scaled)   # η ∂C/∂w
        velocity *= self.momentum
        velocity -= scaled                                   # v ← μv − η ∂C/∂w
        param += velocity


class Nesterov(Momentum):
    """Nesterov momentum: ``v ← μv − η g``; ``w ← w + μv − η g`` (the gradient at the look-ahead point).

    The same as PyTorch's ``SGD(nesterov=True)`` for a constant ``η``.
    """

    name = "nesterov"

    def update(self, index, param, grad):
        velocity = self._slot(index, "velocity", param)
        scaled = self._work(self._scratch, index, grad)
        np.multiply(grad, self.learning_rate, out=scaled)   # η g
        velocity *= self.momentum
        velocity -= scaled                                   # v ← μv − η g
        param -= scaled
        scaled[...] = velocity
        scaled *= self.momentum
        param += scaled                                      # w ← w + μv − η g


class Adam(Optimizer):
    """Adam (Kingma & Ba): bias-corrected running means of ``g`` and ``g²``.

    ``m ← β₁m + (1 − β₁)g``, ``v ← β₂v + (1 − β₂)g²``,
    ``w ← w − η m̂ / (√v̂ + ε)`` with ``m̂ = m/(1 − β₁ᵗ)``, ``v̂ = v/(1 − β₂ᵗ)``.
    """

    name = "adam"
    decay_scales_weights = False
    hyper_parameters = ("beta1", "beta2", "epsilon")

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8, *, weight_decay=0.0):
        super().__init__(learning_rate, weight_decay=weight_decay)
        self.beta1 = fraction(beta1, "beta1")
        self.beta2 = fraction(beta2, "beta2")
        self.epsilon = check_positive_float(epsilon, "epsilon")

    def update(self, index, param, grad):
        m = self._slot(index, "m", param)
        v = self._slot(index, "v", param)
        work = self._work(self._scratch, index, grad)
        m *= self.beta1
        np.multiply(grad, 1.0 - self.beta1, out=work)
        m += work                                            # m ← β₁m + (1 − β₁)g
        v *= self.beta2
        np.multiply(grad, grad, out=work)
        work *= 1.0 - self.beta2
        v += work                                            # v ← β₂v + (1 − β₂)g²
        t = self.steps
        np.sqrt(v, out=work)
        work *= 1.0 / np.sqrt(1.0 - self.beta2 ** t)         # √v̂
        work += self.epsilon
        np.divide(m, work, out=work)
        work *= self.learning_rate / (1.0 - self.beta1 ** t)  # η m̂ / (√v̂ + ε)
        param -= work


OPTIMIZERS = {"sgd": SGD, "momentum": Momentum, "nesterov": Nesterov, "adam": Adam}


def get_optimizer(name, learning_rate, **options):
    """Build the optimiser called ``name`` (an :class:`Optimizer` passes through).

    ``options`` are its hyper-parameters (``momentum``, ``beta1``, ``weight_decay``, ...).
    """
    if isinstance(name, Optimizer):
        return name
    if not isinstance(name, str):
        raise TypeError(f"optimizer must be a name or an Optimizer, got {type(name).__name__}")
    key = name.strip().lower()
    if key not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}; valid: {', '.join(OPTIMIZERS)}")
    cls = OPTIMIZERS[key]
    allowed = set(cls.hyper_parameters) | {"weight_decay"}
    unknown = sorted(set(options) - allowed)
    if unknown:
        raise ValueError(f"optimizer {key!r} does not take {', '.join(unknown)}; valid: {', '.join(sorted(allowed))}")
    return cls(learning_rate, **options)
