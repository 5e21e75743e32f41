"""Gradient checking: compare backprop's gradients with central finite differences.

For every weight and bias θ, ``(C(θ + h) − C(θ − h)) / 2h`` approximates
``∂C/∂θ`` with an error of order ``h²``.  Done in float64 on a copy of the
network, so the network itself is never touched.
"""

from __future__ import annotations

import numpy as np

from ..core.validation import check_inputs, check_positive_float


def relative_error(analytic, numeric, floor=1e-4):
    """Element-wise ``|a − n| / max(|a|, |n|, floor)``.

    Central differences carry a rounding error of about ``1e-16 · C / h``
    (≈ 1e-10 here), so gradients far below ``floor`` are compared on an
    absolute scale instead of blowing up the ratio."""
    analytic, numeric = np.asarray(analytic), np.asarray(numeric)
    return np.abs(analytic - numeric) / np.maximum(np.maximum(np.abs(analytic), np.abs(numeric)), floor)


def numerical_gradients(network, X, Y, h=1e-5):
    """Central-difference gradients of the batch-mean cost: lists like ``network.weights``/``biases``.

    ``network`` should be float64 (see :func:`gradcheck`), ``X`` ``(n, d_0)``.
    """
    def cost():
        return network.loss.value(network.predict(X), Y)

    grads_w, grads_b = [], []
    for layer in network.layers:
        for param, out in ((layer.weights, grads_w), (layer.biases, grads_b)):
            grad = np.zeros_like(param)
            flat, flat_grad = param.reshape(-1), grad.reshape(-1)    # views
            for i in range(flat.size):
                saved = flat[i]
                flat[i] = saved + h
                plus = cost()
                flat[i] = saved - h
                minus = cost()
                flat[i] = saved
                flat_grad[i] = (plus - minus) / (2 * h)
            out.append(grad)
    return grads_w, grads_b


def gradcheck(network, X, Y, h=1e-5):
    """Worst relative error between backprop and finite differences, per layer.

    Parameters
    ----------
    network : Network
        Copied and promoted to float64; not modified.
    X : array_like, shape (n, d_0)
    Y : array_like, shape (n, d_L) or labels (n,)
    h : float
        Finite-difference step.

    Returns
    -------
    list of dict
        One per layer (from 1): ``{"layer", "weights", "biases"}`` worst
        relative errors; below ~1e-6 means the gradients agree.
    """
    h = check_positive_float(h, "h (the finite-difference step)")
    net = network.astype(np.float64)
    X = check_inputs(X, net.sizes[0], np.float64)
    Y = net.check_targets(Y, X.shape[0])
    analytic = net.gradients(X, Y)
    numeric_w, numeric_b = numerical_gradients(net, X, Y, h)
    report = []
    for l, (gw, gb, nw, nb) in enumerate(zip(analytic.weights, analytic.biases, numeric_w, numeric_b), start=1):
        report.append({"layer": l,
                       "weights": float(relative_error(gw, nw).max()),
                       "biases": float(relative_error(gb, nb).max())})
    return report
