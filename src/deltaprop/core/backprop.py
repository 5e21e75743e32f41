"""The forward pass and the four equations of backpropagation, over a whole mini-batch.

This is the engine's heart; everything else (training, the explainer, the
playground) calls these two functions, or, for plain SGD, the fused twin of
``backward_pass`` in :mod:`deltaprop.fast.numpy_sgd`, tested equal to it.

Conventions (batch-first, as PyTorch): a batch ``X`` is ``(n, d_0)``; layer
``l`` (numbered from 1 = first hidden layer to ``L`` = output) has weights
``W^l`` of shape ``(d_l, d_{l-1})`` and biases ``b^l`` of shape ``(d_l,)``.
Rows are samples, so Nielsen's column equations appear transposed:

=====  ==================================  ===========================================
eq.    Nielsen (one sample, columns)        here (n samples, rows)
=====  ==================================  ===========================================
       ``z^l = W^l a^{l-1} + b^l``          ``Z^l = A^{l-1} @ W^lᵀ + b^l``
BP1    ``δ^L = ∇_a C ⊙ σ'(z^L)``             same, row by row
BP2    ``δ^l = ((W^{l+1})ᵀ δ^{l+1}) ⊙ σ'(z^l)``  ``Δ^l = (Δ^{l+1} @ W^{l+1}) ⊙ σ'(Z^l)``
BP3    ``∂C/∂b^l = δ^l``                     ``Σ_rows Δ^l``
BP4    ``∂C/∂W^l = δ^l (a^{l-1})ᵀ``          ``Δ^lᵀ @ A^{l-1}``
=====  ==================================  ===========================================

The cost of a batch is the mean of the per-sample costs, ``C = (1/n) Σ_x C_x``.
So that BP3 and BP4 come out as that mean with no extra pass over the
(large) gradient arrays, ``Δ^L`` is scaled by ``1/n`` once, right after BP1:
inside this module row ``x`` of ``Δ^l`` is ``δ^l_x / n``.

BP1's first factor and the matched pairs (sigmoid + binary cross-entropy,
softmax + cross-entropy, where BP1 is ``a − y``) belong to the loss:
:func:`deltaprop.core.losses.output_error`.

All arrays live in a :class:`Workspace` allocated once per batch size and
reused, and every product writes into it with ``np.matmul(..., out=)``.
"""

from __future__ import annotations

import numpy as np

from .losses import output_error


class Workspace:
    """Buffers for one batch size: ``z[l]``, ``a[l]``, ``delta[l]`` for ``l = 1..L``.

    Index 0 holds the input batch in ``a`` and is unused in ``z``/``delta``, so
    ``z[l]`` is literally ``z^l``.  ``act[l]`` is ``σ(z^l)`` before dropout; it
    is the same array as ``a[l]`` for layers without dropout.
    """

    def __init__(self, layers, n, dtype, dropout=False):
        self.n = n
        self.z = [None] + [np.empty((n, layer.n_out), dtype) for layer in layers]
        self.a = [None] + [np.empty((n, layer.n_out), dtype) for layer in layers]
        self.delta = [None] + [np.empty((n, layer.n_out), dtype) for layer in layers]
        self.ones = np.ones(n, dtype)      # BP3's row sum as 1ᵀΔ (a BLAS call, faster than np.sum)
        self.act = list(self.a)
        self.mask = [None] * (len(layers) + 1)
        if dropout:
            for l, layer in enumerate(layers, start=1):
                if layer.dropout:
                    self.act[l] = np.empty((n, layer.n_out), dtype)
                    self.mask[l] = np.empty((n, layer.n_out), dtype)


class Gradients:
    """``∂C/∂W^l`` and ``∂C/∂b^l`` for each layer (index 0 = layer 1).

    ``deltas`` (filled by :meth:`deltaprop.Network.backward`) are the
    per-sample errors ``δ^l_x = ∂C_x/∂z^l_x``, one row per sample.
    """

    def __init__(self, layers, dtype):
        self.weights = [np.empty_like(layer.weights, dtype=dtype) for layer in layers]
        self.biases = [np.empty_like(layer.biases, dtype=dtype) for layer in layers]
        self.deltas = None

    def __iter__(self):
        """Iterate ``(grad_weights, grad_biases)`` per layer."""
        return iter(zip(self.weights, self.biases))


def forward_pass(layers, X, ws, rng=None):
    """Feed ``X`` (``(n, d_0)``) through ``layers``, filling ``ws.z`` and ``ws.a``.

    With ``rng`` given, layers with dropout drop units (training mode).
    Returns the output activations ``ws.a[L]``, shape ``(n, d_L)``.
    """
    ws.a[0] = X
    for l, layer in enumerate(layers, start=1):
        z = ws.z[l]
        np.matmul(ws.a[l - 1], layer.weights.T, out=z)    # (n, d_{l-1}) @ (d_{l-1}, d_l) → (n, d_l)
        z += layer.biases                                   # broadcast (d_l,) over the rows
        if ws.mask[l] is not None and rng is not None:
            layer.activation.forward(z, out=ws.act[l])
            _draw_dropout_mask(rng, layer.dropout, ws.mask[l])
            np.multiply(ws.act[l], ws.mask[l], out=ws.a[l])
        else:
            layer.activation.forward(z, out=ws.a[l])
            if ws.mask[l] is not None:                      # evaluation: no dropout
                np.copyto(ws.act[l], ws.a[l])
                ws.mask[l].fill(1.0)
    return ws.a[-1]


def backward_pass(layers, loss, Y, ws, grads):
    """Backpropagate the batch in ``ws`` (after :func:`forward_pass`) against targets ``Y``: BP1–BP4.

    ``Y`` is ``(n, d_L)`` and has passed ``loss.check_targets``.  Fills
    ``ws.delta`` with ``Δ^l`` (rows ``δ^l_x / n``) and ``grads`` with the
    batch-mean gradients; returns ``grads``.  Nothing else happens here: the
    optimiser applies the gradients (plain SGD's fused version of this
    function is :func:`deltaprop.fast.numpy_sgd.backward_pass_sgd`).
    """
    L = len(layers)
    z, a, delta = ws.z, ws.a, ws.delta

    # BP1 — output error: δ^L = ∇_a C ⊙ σ'(z^L)                                 (n, d_L)
    output_error(loss, layers[-1].activation, z[L], ws.act[L], Y, out=delta[L])
    delta[L] *= 1.0 / ws.n                                         # C is the batch mean

    for l in range(L, 0, -1):
        # BP3 — ∂C/∂b^l = δ^l, summed over the batch: 1ᵀΔ^l                      (d_l,)
        np.matmul(ws.ones, delta[l], out=grads.biases[l - 1])
        # BP4 — ∂C/∂W^l = δ^l (a^{l-1})ᵀ, summed over the batch: Δ^lᵀ A^{l-1}     (d_l, d_{l-1})
        np.matmul(delta[l].T, a[l - 1], out=grads.weights[l - 1])
        if l > 1:
            # BP2 — δ^{l-1} = ((W^l)ᵀ δ^l) ⊙ σ'(z^{l-1})                            (n, d_{l-1})
            np.matmul(delta[l], layers[l - 1].weights, out=delta[l - 1])    # (n, d_l) @ (d_l, d_{l-1})
            if ws.mask[l - 1] is not None:
                delta[l - 1] *= ws.mask[l - 1]          # dropped units pass no error back
            layers[l - 2].activation.backward(z[l - 1], ws.act[l - 1], delta[l - 1], out=delta[l - 1])
    return grads


def _draw_dropout_mask(rng, p, out):
    """Inverted dropout: each entry is 0 with probability ``p``, else ``1/(1 − p)``."""
    rng.random(dtype=out.dtype, out=out)     # uniform [0, 1)
    np.greater_equal(out, p, out=out)       # 1.0 where kept, 0.0 where dropped
    out *= 1.0 / (1.0 - p)
