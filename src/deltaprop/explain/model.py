"""Every number the explainer shows, taken from the engine: one forward, one backward, SGD steps.

Nothing here re-derives backpropagation.  :class:`Trace` calls
:meth:`Network.forward`, :meth:`Network.backward`, the loss's own
``value``/``per_output``/``gradient``, each activation's ``derivative`` (the
``σ'(z)`` factor printed in BP1/BP2) and :meth:`Network.train_step` with
:class:`~deltaprop.core.optimizers.SGD` on copies of the network.  The renderers
only format these arrays.
"""

from __future__ import annotations

import numpy as np

from ..core.optimizers import SGD
from ..core.validation import check_inputs, check_positive_float
from .errors import ExplainError

MAX_STEPS = 1_000_000
MAX_WORK = 2e10            # multiply-adds the explainer may spend (≈ a minute), checked before any work


class Trace:
    """One training step of ``network`` on the batch ``(X, Y)``, recorded.

    Parameters
    ----------
    network : Network
        Left untouched; a copy is trained.
    X : array_like, shape (n, d_0) or (d_0,)
    Y : array_like, shape (n, d_L) or (d_L,)
    learning_rate : float
    update_biases : bool or None
        None keeps each layer's own ``train_biases`` setting.
    steps : int
        Extra SGD steps (on the same batch) whose loss and output are reported.

    Attributes (all arrays are the engine's, batch-first)
    ----------
    zs, acts : lists; ``zs[l-1]`` is ``z^l`` ``(n, d_l)``, ``acts[l]`` is ``a^l``, ``acts[0]`` is ``X``
    loss : float, the batch-mean cost ``C``
    per_output : (n, d_L) cost of each output unit of each sample
    loss_gradient : (n, d_L) ``∇_a C_x`` per sample
    derivatives : list of ``σ'(z^l)`` ``(n, d_l)``, None for softmax layers
    grads : Gradients (batch-mean ``weights``/``biases``, per-sample ``deltas``)
    updated : Network after one SGD step
    """

    def __init__(self, network, X, Y, learning_rate=0.5, update_biases=None, steps=0):
        self.learning_rate = check_positive_float(learning_rate, "learning_rate")
        if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or not 0 <= steps <= MAX_STEPS:
            raise ExplainError("error_steps", max=MAX_STEPS, value=repr(steps))
        self.steps = int(steps)
        n_params = sum(layer.weights.size + layer.biases.size for layer in network.layers)
        n_rows = max(1, np.asarray(X, dtype=object).shape[0] if np.ndim(np.asarray(X, dtype=object)) > 1 else 1)
        work = (self.steps + 3) * 6 * n_params * n_rows               # multiply-adds of the forward/backward passes
        if work > MAX_WORK:
            raise ExplainError("error_too_much_work", steps=self.steps, params=n_params, rows=n_rows,
                               work=f"{work:.1e}", max=f"{MAX_WORK:.0e}")
        self.network = network.copy()
        if update_biases is not None:
            for layer in self.network.layers:
                layer.train_biases = bool(update_biases)
        self.update_biases = [layer.train_biases for layer in self.network.layers]
        self.X = check_inputs(_rows(X, "input"), network.sizes[0], network.dtype, name="input")
        Y = _rows(Y, "target") if self.X.shape[0] == 1 else Y
        self.Y = network.check_targets(Y, self.X.shape[0], name="target")

        net, X, Y = self.network, self.X, self.Y
        with np.errstate(all="ignore"):        # overflow is reported once, in words, by _check_finite
            self.zs, self.acts = net.forward(X)
            self.snapped = self._snap_rounding()
            self.loss = float(net.loss.value(self.acts[-1], Y))
            self.per_output = net.loss.per_output(self.acts[-1], Y)
            self.loss_gradient = net.loss.gradient(self.acts[-1], Y, np.empty_like(Y))
            self.derivatives = [layer.activation.derivative(z, a) if layer.activation.elementwise else None
                                for layer, z, a in zip(net.layers, self.zs, self.acts[1:])]
            self.grads = net.backward(Y, self.zs, self.acts)

            self.updated = net.copy()
            if self.snapped:                    # the step from these (snapped) gradients: w − η ∂C/∂w, as SGD
                for layer, gw, gb in zip(self.updated.layers, self.grads.weights, self.grads.biases):
                    layer.weights -= self.learning_rate * gw
                    if layer.train_biases:
                        layer.biases -= self.learning_rate * gb
            else:
                self.updated.train_step(X, Y, SGD(self.learning_rate))
            self.output_after_update = self.updated.predict(X)
            self.loss_after_update = float(self.updated.compute_loss(X, Y))

            trained = self.updated.copy()
            if self.steps == 0:
                trained = net.copy()
            else:
                optimizer = SGD(self.learning_rate)
                for _ in range(self.steps - 1):
                    trained.train_step(X, Y, optimizer)
            self.output_after_steps = trained.predict(X)
            self.loss_after_steps = float(trained.compute_loss(X, Y))
        self._check_finite()

    def _snap_rounding(self):
        """Set each ``z`` that is 0 up to rounding (``0.1 + 0.2 − 0.3`` gives 2.8e−17) to exactly 0, and redo the
        layers above it: by hand it is 0, and at a ReLU kink the derivative (0, deltaprop's choice) must not hang
        on float noise.  Rounding means ``|z| ≤ 8 ε (Σ_k |w_jk a_k| + |b_j|)``.  True if anything changed."""
        changed = False
        eps = float(np.finfo(self.network.dtype).eps)
        for l, layer in enumerate(self.network.layers):
            z = self.zs[l]
            if changed:                                       # a layer below was snapped: recompute this one
                z[...] = self.acts[l] @ layer.weights.T + layer.biases
            noise = rounding_noise(z, self.acts[l], layer.weights, layer.biases, eps)
            if noise.any() or changed:
                z[noise] = 0.0
                changed = True
                layer.activation.forward(z, self.acts[l + 1])
        return changed

    def kinks(self):
        """``(l, s, j)`` (engine layer from 1) of every ReLU/leaky-ReLU unit whose z is exactly 0: on the kink."""
        return [(l, int(s), int(j)) for l, layer in enumerate(self.network.layers, start=1)
                if layer.activation.name in ("relu", "leaky-relu")
                for s, j in np.argwhere(self.zs[l - 1] == 0)]

    def _check_finite(self):
        """Refuse to explain numbers that overflowed: every value shown must be finite."""
        named = [("z", self.zs), ("a", self.acts[1:]), ("C", [self.loss, self.per_output]),
                 ("∂C/∂a", [self.loss_gradient]), ("δ", self.grads.deltas), ("∂C/∂w", self.grads.weights),
                 ("∂C/∂b", self.grads.biases), ("w⁺", self.updated.parameters()),
                 ("a⁺", [self.output_after_update, self.loss_after_update]),
                 ("a⁺ (--steps)", [self.output_after_steps, self.loss_after_steps])]
        for what, arrays in named:
            if not all(np.isfinite(np.asarray(a)).all() for a in arrays):
                raise ExplainError("error_overflow", what=what)

    # ------------------------------------------------------------------ helpers
    @property
    def n(self):
        """Batch size."""
        return self.X.shape[0]

    @property
    def n_layers(self):
        return len(self.network.layers)

    def bp1_is_a_minus_y(self):
        """True when BP1 collapses to ``δ^L = a^L − y`` (sigmoid + BCE, softmax + CE)."""
        return self.network.loss.bp1_is_a_minus_y(self.network.layers[-1].activation)

    def error_into(self, l):
        """``(W^{l+1})ᵀ δ^{l+1}`` per sample, ``(n, d_l)``: the weighted sum inside BP2 for layer ``l < L``.

        The products of engine values that the hidden-layer sums write out.
        """
        return self.grads.deltas[l] @ self.network.layers[l].weights

    def loss_after(self, steps):
        """Loss after ``steps`` SGD steps on this batch (engine training on a fresh copy; cached)."""
        if steps == self.steps:
            return self.loss_after_steps
        cache = self.__dict__.setdefault("_loss_after", {})
        if steps not in cache:
            net, optimizer = self.network.copy(), SGD(self.learning_rate)
            for _ in range(steps):
                net.train_step(self.X, self.Y, optimizer)
            cache[steps] = float(net.compute_loss(self.X, self.Y))
        return cache[steps]

    def to_dict(self):
        """The JSON contract: layers numbered from 1, full float precision.

        One sample → vectors; a batch → one row per sample (``z``, ``a``,
        ``delta``, ``output_after_steps``).
        """
        single = self.n == 1

        def rows(array):
            return (array[0] if single else array).tolist()

        L = self.n_layers
        return {
            "forward": [{"layer": l, "z": rows(self.zs[l - 1]), "a": rows(self.acts[l])} for l in range(1, L + 1)],
            "loss": self.loss,
            "backward": [{"layer": l, "delta": rows(self.grads.deltas[l - 1]),
                          "grad_weights": self.grads.weights[l - 1].tolist(),
                          "grad_biases": self.grads.biases[l - 1].tolist()} for l in range(L, 0, -1)],
            "updated": [{"layer": l, "weights": layer.weights.tolist(), "biases": layer.biases.tolist()}
                        for l, layer in enumerate(self.updated.layers, start=1)],
            "loss_after_update": self.loss_after_update,
            "steps": self.steps,
            "loss_after_steps": self.loss_after_steps,
            "output_after_steps": rows(self.output_after_steps),
        }


def rounding_noise(z, a_prev, weights, biases, eps=float(np.finfo(np.float64).eps)):
    """Where ``z = a_prev Wᵀ + b`` is non-zero only by rounding: ``0 < |z| ≤ 8 ε (Σ_k |w_jk a_k| + |b_j|)``."""
    scale = np.abs(a_prev) @ np.abs(weights).T + np.abs(biases)
    return (z != 0) & np.isfinite(scale) & (np.abs(z) <= 8 * eps * scale)


def check_size(trace, max_weights, max_samples, form, hint=""):
    """Refuse a network or batch too large for ``form``: more than ``max_weights`` per layer or
    ``max_samples`` samples; ``hint`` (e.g. ``": use --form matrix"``) ends the message."""
    for l, layer in enumerate(trace.network.layers, start=1):
        if layer.weights.size > max_weights:
            error = ExplainError("error_too_many_weights", layer=l, count=layer.weights.size, rows=layer.n_out,
                                 cols=layer.n_in, form=form, max=max_weights)
            raise ExplainError("error_use_matrix", message=error) if hint else error
    if trace.n > max_samples:
        error = ExplainError("error_too_many_samples", n=trace.n, form=form, max=max_samples)
        raise ExplainError("error_use_matrix", message=error) if hint else error


def _rows(values, name):
    """One sample given as a flat list → a one-row batch, so a wrong length is reported as such."""
    try:
        array = np.asarray(values)
    except ValueError:
        raise ValueError(f"{name} must be a rectangular array of numbers") from None
    return array[None, :] if array.ndim == 1 else array
