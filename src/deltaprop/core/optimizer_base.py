"""The optimisers' base class: it validates hyper-parameters and keeps the books (the step count, each
parameter's state, the schedule, Nielsen's λ/n); each optimiser (:mod:`deltaprop.core.optimizers`) implements one
method, ``update(index, param, grad)``, which changes ``param`` in place.

L2 weight decay is the base class's job: before ``update`` it adds
``weight_decay · w`` to the gradient of every weight matrix (2-D parameter;
biases are never decayed).  L1 likewise adds ``l1_decay · sgn(w)`` (Nielsen
ch. 3, ``C = C_0 + (λ/n) Σ|w|``: each step moves a weight a constant amount
towards 0, so small weights reach 0 and stay there, where L2 only shrinks them
in proportion).  :func:`deltaprop.core.training.fit` sets
``weight_decay = λ/n`` (``n`` = training-set size), Nielsen's form of
``C = C_0 + (λ/2n) Σ w²``, so SGD becomes ``w ← (1 − ηλ/n) w − η ∂C_0/∂w``.

``state_dict()`` / ``load_state_dict()`` save and restore everything an
optimiser remembers (plain numbers and arrays) so a checkpoint can resume
training exactly.
"""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np

from .validation import check_positive_float


class Optimizer:
    """Base class.

    Parameters
    ----------
    learning_rate : float
        ``η > 0``.
    weight_decay : float, default 0
        Coefficient added as ``weight_decay · w`` to weight gradients (``λ/n``).
    """

    name = "optimizer"
    hyper_parameters = ()   # names of extra float hyper-parameters, saved in state_dict()
    # Does the L2 term act as a factor 1 − ηλ/n on the weights each step?  True for the gradient-descent family;
    # Adam divides the decayed gradient by its running RMS, so no such factor exists there.
    decay_scales_weights = True

    def __init__(self, learning_rate, *, weight_decay=0.0):
        self.learning_rate = check_positive_float(learning_rate, "learning_rate")
        self.weight_decay = non_negative(weight_decay, "weight_decay")
        self.steps = 0          # number of completed step() calls
        self.schedule, self.base_learning_rate = None, self.learning_rate
        self.state = {}         # index -> {name: array} (momentum buffers etc.)
        self._scratch = {}      # index -> reusable work array (not state)
        self._decay_scratch = {}
        self.l1_decay = 0.0     # λ/n of the L1 term (set like weight_decay: fit leaves it 0; the playground sets it)

    def step(self, params, grads):
        """Apply one update to every ``param`` (in place) from its ``grad``.

        ``grad`` arrays may be modified (weight decay is added to them).
        """
        self.steps += 1
        decay = self.weight_decay
        for index, (param, grad) in enumerate(zip(params, grads)):
            if decay and param.ndim == 2:                       # L2: ∂C/∂w += (λ/n) w, weights only
                scratch = self._work(self._decay_scratch, index, param)
                np.multiply(param, decay, out=scratch)
                grad += scratch
            if self.l1_decay and param.ndim == 2:               # L1: ∂C/∂w += (λ/n) sgn(w), weights only
                scratch = self._work(self._decay_scratch, index, param)
                np.sign(param, out=scratch)
                scratch *= self.l1_decay
                grad += scratch
            self.update(index, param, grad)

    def update(self, index, param, grad):
        """Change ``param`` in place using ``grad`` (and ``self.state[index]``)."""
        raise NotImplementedError  # abstract

    # -------------------------------------------------------- regularisation
    def set_regularization(self, l2, n, l1=0.0):
        """Nielsen's per-sample form (ch. 3, eq. 85 and the L1 cost): ``weight_decay = λ/n``, ``l1_decay = λ₁/n``.

        ``l2``, ``l1`` are the ``λ`` of ``C = C_0 + (λ/2n) Σ w²`` and ``C = C_0 + (λ₁/n) Σ|w|``; ``n`` is the
        training-set size.  The playground sets both this way; ``fit`` sets ``λ/n`` for a run by :meth:`regularized`.
        """
        self.weight_decay = _per_sample(l2, n, "weight decay")
        self.l1_decay = _per_sample(l1, n, "L1 decay")

    def check_decay_step(self, l2, n):
        """Refuse an L2 term ``λ`` over ``n`` samples that multiplies the weights by ``1 − ηλ/n ≤ 0`` every step
        (they flip sign and grow); only where the term is such a factor (:attr:`decay_scales_weights`)."""
        shrink = 1.0 - self.learning_rate * l2 / n
        if self.decay_scales_weights and shrink <= 0:
            raise ValueError(f"weight decay λ = {l2:g} with η = {self.learning_rate:g} and n = {n} multiplies the "
                             f"weights by 1 − ηλ/n = {shrink:.3g} every step (they flip sign and grow); "
                             f"use λ < n/η = {n / self.learning_rate:.3g}")

    @contextmanager
    def regularized(self, l2, n):
        """``weight_decay = λ/n`` (checked) while the block runs; the optimiser's own value comes back afterwards,
        also when the block raises.  :func:`deltaprop.core.training.fit` trains inside it."""
        own = self.weight_decay
        try:
            self.weight_decay = _per_sample(l2, n, "weight decay")
            self.check_decay_step(l2, int(n))
            yield self
        finally:
            self.weight_decay = own

    def fusable_learning_rate(self):
        """``η`` if this optimiser's step may be fused into backprop; else None.

        Only plain SGD allows it: :func:`deltaprop.fast.numpy_sgd.backward_pass_sgd`
        folds ``η`` into BP1 and subtracts ``η ∂C/∂w`` from the parameters as
        they come; the trainer then calls :meth:`count_fused_step`.
        """
        return None

    def count_fused_step(self):
        """Keep the books for a step taken by the fused pass (:meth:`fusable_learning_rate`)."""
        self.steps += 1

    # ------------------------------------------------------------- schedule
    def set_schedule(self, schedule, base_learning_rate=None):
        """Follow ``schedule`` (:mod:`deltaprop.core.schedules`) from ``base_learning_rate`` (default: the current η)."""
        self.schedule = schedule
        self.base_learning_rate = check_positive_float(
            self.learning_rate if base_learning_rate is None else base_learning_rate, "base learning_rate")

    @contextmanager
    def scheduled(self, schedule, base_learning_rate=None):
        """Follow ``schedule`` from ``base_learning_rate`` while the block runs; afterwards the optimiser has its
        own schedule and η back (also when the block raises): :func:`deltaprop.core.training.fit` trains inside it,
        so a caller's optimiser is not changed by a run's schedule."""
        own = self.schedule, self.base_learning_rate, self.learning_rate
        try:
            self.set_schedule(schedule, base_learning_rate)
            yield self
        finally:
            self.schedule, self.base_learning_rate, self.learning_rate = own

    def start_epoch(self, epoch):
        """Set ``η`` for ``epoch`` (1-based) from the schedule, if one was set."""
        if self.schedule is not None:
            self.learning_rate = check_positive_float(self.schedule.rate(epoch, self.base_learning_rate),
                                                      "scheduled learning_rate")

    # ----------------------------------------------------------- checkpoints
    def state_dict(self):
        """Everything needed to resume: plain numbers, strings and arrays (copies)."""
        return {"name": self.name, "learning_rate": self.learning_rate, "weight_decay": self.weight_decay,
                "l1_decay": self.l1_decay,
                "steps": self.steps, "hyper": {k: float(getattr(self, k)) for k in self.hyper_parameters},
                "state": {int(i): {k: v.copy() for k, v in slots.items()} for i, slots in self.state.items()}}

    def load_state_dict(self, state, params=None):
        """Restore :meth:`state_dict` output; with ``params`` the buffer shapes are checked against them."""
        if state.get("name") != self.name:
            raise ValueError(f"optimizer state is for {state.get('name')!r}, not {self.name!r}")
        self.learning_rate = check_positive_float(state["learning_rate"], "learning_rate")
        self.weight_decay = non_negative(state.get("weight_decay", 0.0), "weight_decay")
        self.l1_decay = non_negative(state.get("l1_decay", 0.0), "l1_decay")
        steps = state.get("steps", 0)
        if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
            raise ValueError(f"optimizer steps must be a non-negative integer, got {steps!r}")
        self.steps = int(steps)
        for key, value in state.get("hyper", {}).items():
            if key not in self.hyper_parameters:
                raise ValueError(f"unknown {self.name} hyper-parameter {key!r}; valid: "
                                 f"{', '.join(self.hyper_parameters) or 'none'}")
            setattr(self, key, float(value))
        restored = {}
        for index, slots in state.get("state", {}).items():
            index = int(index)
            if params is not None and not 0 <= index < len(params):
                raise ValueError(f"optimizer state for parameter {index}, but there are {len(params)} parameters")
            restored[index] = {}
            for key, value in slots.items():
                value = np.array(value)
                if params is not None and (value.shape != params[index].shape
                                           or value.dtype != params[index].dtype):
                    raise ValueError(f"optimizer state {key!r} of parameter {index} has shape {value.shape} "
                                     f"{value.dtype}, expected {params[index].shape} {params[index].dtype}")
                restored[index][key] = value
        self.state = restored

    def _work(self, store, index, like):
        array = store.get(index)
        if array is None or array.shape != like.shape or array.dtype != like.dtype:
            array = store[index] = np.empty_like(like)
        return array

    def _slot(self, index, key, like):
        """Persistent per-parameter state array ``key`` (zeros at first use)."""
        slots = self.state.setdefault(index, {})
        array = slots.get(key)
        if array is None:
            array = slots[key] = np.zeros_like(like)
        return array

    def __repr__(self):
        extra = "".join(f", {k}={getattr(self, k):g}" for k in self.hyper_parameters)
        decay = f", weight_decay={self.weight_decay:g}" if self.weight_decay else ""
        return f"{type(self).__name__}(learning_rate={self.learning_rate:g}{extra}{decay})"


def non_negative(value, name):
    value = float(value)
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value}")
    return value


def fraction(value, name):
    value = float(value)
    if not 0.0 <= value < 1.0:
        raise ValueError(f"{name} must be in [0, 1), got {value}")
    return value


def _per_sample(value, n, name):
    """Nielsen's per-sample coefficient ``λ/n`` (ch. 3, eq. 85): ``λ ≥ 0`` over a positive training-set size ``n``."""
    n = int(n)
    if n <= 0:
        raise ValueError(f"the training-set size n must be positive, got {n}")
    return non_negative(value, name) / n
