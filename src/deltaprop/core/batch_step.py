"""One training step on one mini-batch, and the rule that says a run has diverged.

:func:`train_batch` is what every trainer calls per batch (:func:`deltaprop.core.training.fit`,
``Network.train_step``, the playground); :func:`check_divergence` is the one
divergence rule they all apply.
"""

from __future__ import annotations

import math

import numpy as np

from .backprop import backward_pass, forward_pass

# Plain SGD's fused pass, ``backward_pass_sgd(layers, loss, Y, ws, grads, η)``: BP1–BP4 and the step in one pass.
# The fast path plugs it in (deltaprop.fast.numpy_sgd, through use_fused_sgd when deltaprop.fast is imported, which
# ``import deltaprop`` does); without it every optimiser takes backward_pass then step, with the same result.
_fused_sgd = None


def use_fused_sgd(backward_pass_sgd):
    """Let :func:`train_batch` take plain SGD's steps with ``backward_pass_sgd`` (None: never); returns the old one."""
    global _fused_sgd
    old, _fused_sgd = _fused_sgd, backward_pass_sgd
    return old


class DivergenceError(FloatingPointError):
    """Training produced a non-finite loss; the network keeps its last finite weights."""



def train_batch(network, X, Y, optimizer, rng=None):
    """One gradient step on one mini-batch: forward, BP1–BP4, the optimiser's update.

    Parameters
    ----------
    network : Network
    X : ndarray, shape (n, d_0), C-contiguous, of ``network.dtype`` (validated by the caller)
    Y : ndarray, shape (n, d_L), likewise, and accepted by ``network.loss.check_targets``
    optimizer : Optimizer
    rng : numpy Generator, optional
        Draws the dropout masks (training mode); None means no dropout.

    Returns
    -------
    ndarray, shape (n, d_L)
        The outputs ``a^L`` computed *before* the step: a workspace array,
        overwritten by the next batch of the same size.

    Plain SGD without weight decay takes the fused path
    (:func:`deltaprop.fast.numpy_sgd.backward_pass_sgd`, plugged in by :func:`use_fused_sgd`); every other optimiser gets
    the gradients of :func:`deltaprop.core.backprop.backward_pass` and applies them.
    """
    ws = network.workspace(X.shape[0], training=rng is not None)
    output = forward_pass(network.layers, X, ws, rng)                 # (n, d_L)
    grads = network.gradient_buffers()
    eta = optimizer.fusable_learning_rate()
    if eta is None or _fused_sgd is None:
        backward_pass(network.layers, network.loss, Y, ws, grads)
        optimizer.step(network.trainable_parameters(), _trainable_gradients(network, grads))
    else:
        _fused_sgd(network.layers, network.loss, Y, ws, grads, eta)
        optimizer.count_fused_step()
    return output


def _trainable_gradients(network, grads):
    return [g for layer, gw, gb in zip(network.layers, grads.weights, grads.biases)
            for g in ((gw, gb) if layer.train_biases else (gw,))]


def check_divergence(network, loss, snapshot=None, where=""):
    """The divergence rule shared by :func:`fit` and the playground: a non-finite loss or weight.

    When the rule fires, the network's weights are set back to ``snapshot``
    (a list like ``network.parameters()``) if they are not all finite, and
    :class:`DivergenceError` is raised.  ``where`` says when (``"at epoch 3, batch 7"``).
    """
    finite_weights = all(np.isfinite(p).all() for p in network.parameters())
    if math.isfinite(loss) and finite_weights:
        return
    if not finite_weights and snapshot is not None:
        for param, saved in zip(network.parameters(), snapshot):
            np.copyto(param, saved)
    what = f"the loss is {loss}" if not math.isfinite(loss) else "the weights became NaN or infinite"
    raise DivergenceError(f"training diverged {where}: {what}; kept the last finite weights; "
                          f"try a smaller learning rate")
