"""Optimisers: how a gradient becomes a weight change.

A small base class validates hyper-parameters and keeps the books (the step
count and any per-parameter state); each optimiser implements one method,
``update(index, param, grad)``, which changes ``param`` in place.

    opt = SGD(learning_rate=0.5)
    opt.step(params, grads)        # params, grads: matching lists of arrays
"""

from __future__ import annotations

import numpy as np

from .validation import check_positive_float


class Optimizer:
    """Base class.

    Parameters
    ----------
    learning_rate : float
        ``η > 0``.
    """

    name = "optimizer"

    def __init__(self, learning_rate):
        self.learning_rate = check_positive_float(learning_rate, "learning_rate")
        self.steps = 0          # number of completed step() calls
        self.state = {}         # index -> state arrays (momentum buffers etc.)
        self._scratch = {}      # index -> reusable work array (not state)

    def step(self, params, grads):
        """Apply one update to every ``param`` (in place) from its ``grad``."""
        self.steps += 1
        for index, (param, grad) in enumerate(zip(params, grads)):
            self.update(index, param, grad)

    def update(self, index, param, grad):
        """Change ``param`` in place using ``grad`` (and ``self.state[index]``)."""
        raise NotImplementedError  # abstract

    def __repr__(self):
        return f"{type(self).__name__}(learning_rate={self.learning_rate:g})"


class SGD(Optimizer):
    """Plain gradient descent: ``w ← w − η ∂C/∂w`` (the seeds' update, sign included)."""

    name = "sgd"

    def update(self, index, param, grad):
        scaled = self._scratch.get(index)
        if scaled is None or scaled.shape != grad.shape:
            scaled = self._scratch[index] = np.empty_like(grad)
        np.multiply(grad, self.learning_rate, out=scaled)   # η ∂C/∂w
        param -= scaled                                       # descend: minus, never plus


OPTIMIZERS = {"sgd": SGD}


def get_optimizer(name, learning_rate):
    """Build the optimiser called ``name`` (an :class:`Optimizer` passes through)."""
    if isinstance(name, Optimizer):
        return name
    if not isinstance(name, str):
        raise TypeError(f"optimizer must be a name or an Optimizer, got {type(name).__name__}")
    key = name.strip().lower()
    if key not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}; valid: {', '.join(OPTIMIZERS)}")
    return OPTIMIZERS[key](learning_rate)
