"""Plain SGD fused into backpropagation: BP1–BP4 and ``w ← w − η ∂C/∂w`` in one pass.

This is speed work, kept beside the reference :func:`deltaprop.core.backprop.backward_pass`
and tested equal to "``backward_pass``, then :class:`~deltaprop.core.optimizers.SGD`"
(``tests/fast/test_fused_update.py``).  Read ``backward_pass`` to learn
backpropagation; read this to see three ways of saving memory traffic:

1. **η folded into BP1.**  BP2–BP4 are linear in ``δ^L``, so scaling ``Δ^L``
   by ``η/n`` (instead of ``1/n``) makes BP3 and BP4 produce ``η ∂C/∂b`` and
   ``η ∂C/∂W`` directly: no pass over the gradients to multiply them by ``η``.
2. **The step as soon as BP2 is done with ``W^l``.**  Going down the layers,
   ``W^l`` is needed once more, by BP2 for ``δ^{l-1}``; after that it can be
   updated at once, while its gradient is still in cache.
3. **BP4 and the step in one GEMM for large layers.**  ``W^l −= Δ^lᵀ A^{l-1}``
   is one BLAS call with β = 1 (:mod:`deltaprop.fast.blas_gemm`), which never writes
   the gradient matrix at all.  For those layers ``grads.weights`` is left
   unfilled.
"""

from __future__ import annotations

import numpy as np

from . import blas_gemm as blas
from ..core.losses import output_error


def backward_pass_sgd(layers, loss, Y, ws, grads, learning_rate):
    """BP1–BP4 for the batch in ``ws`` and the plain SGD step, fused (see the module notes).

    Parameters
    ----------
    layers, loss, Y, ws, grads
        As for :func:`deltaprop.core.backprop.backward_pass`.
    learning_rate : float
        ``η``.  Afterwards ``ws.delta[l]`` holds ``η Δ^l`` and ``grads`` holds
        ``η ∂C/∂b^l`` (and ``η ∂C/∂W^l`` where no GEMM took the step).

    The weights change in place: ``W^l ← W^l − η ∂C/∂W^l`` for every layer,
    ``b^l ← b^l − η ∂C/∂b^l`` where ``layer.train_biases``.
    """
    L = len(layers)
    z, a, delta = ws.z, ws.a, ws.delta
    output_error(loss, layers[-1].activation, z[L], ws.act[L], Y, out=delta[L])    # BP1
    delta[L] *= learning_rate / ws.n                                # η, and C is the batch mean
    for l in range(L, 0, -1):
        layer = layers[l - 1]
        if l > 1:                                                   # BP2 needs W^l before its step
            np.matmul(delta[l], layer.weights, out=delta[l - 1])
            if ws.mask[l - 1] is not None:
                delta[l - 1] *= ws.mask[l - 1]
            layers[l - 2].activation.backward(z[l - 1], ws.act[l - 1], delta[l - 1], out=delta[l - 1])
        np.matmul(ws.ones, delta[l], out=grads.biases[l - 1])      # BP3 (× η)
        if layer.train_biases:
            layer.biases -= grads.biases[l - 1]
        if blas.gemm_tn_accumulate(layer.weights, delta[l], a[l - 1], -1.0):
            continue                                                # BP4 and the step in one GEMM
        np.matmul(delta[l].T, a[l - 1], out=grads.weights[l - 1])  # BP4 (× η)
        layer.weights -= grads.weights[l - 1]
    return grads
