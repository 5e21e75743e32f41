"""The teaching twin of :mod:`deltaprop.core.backprop`: backpropagation one neuron at a time.

Nothing here is vectorised.  Every quantity is a Python float computed with
the per-neuron sums of Mazur's tutorial and Nielsen's component
form, looping over samples ``x``, neurons ``j`` and inputs ``k``:

    z^l_j   = Σ_k w^l_jk a^{l-1}_k + b^l_j
    a^l_j   = σ(z^l_j)
    δ^L_j   = ∂C/∂a^L_j · σ'(z^L_j)                  (BP1)
    δ^l_j   = Σ_k w^{l+1}_kj δ^{l+1}_k · σ'(z^l_j)   (BP2)
    ∂C/∂b^l_j  = δ^l_j                               (BP3)
    ∂C/∂w^l_jk = a^{l-1}_k δ^l_j                     (BP4)

with the activations and losses written out again from their formulas (using
``math``, not the engine's NumPy code), so the tests can check the matrix
path against an independent computation.  It is slow on purpose: read it,
do not train with it.
"""

from __future__ import annotations

import math


def _sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


SCALAR_ACTIVATIONS = {
    # name: (σ(z), σ'(z))
    "sigmoid": (_sigmoid, lambda z: _sigmoid(z) * (1.0 - _sigmoid(z))),
    "tanh": (math.tanh, lambda z: 1.0 - math.tanh(z) ** 2),
    "relu": (lambda z: max(z, 0.0), lambda z: 1.0 if z > 0 else 0.0),
    "linear": (lambda z: z, lambda z: 1.0),
}


def _leaky(slope):
    return (lambda z: z if z > 0 else slope * z), (lambda z: 1.0 if z > 0 else slope)


def _softmax(zs):
    top = max(zs)
    exps = [math.exp(z - top) for z in zs]
    total = sum(exps)
    return [e / total for e in exps]


def _loss_terms(loss, a, y):
    """Per-output cost C_j and ∂C/∂a_j for one sample."""
    if loss == "quadratic":
        return [0.5 * (y_j - a_j) ** 2 for a_j, y_j in zip(a, y)], [a_j - y_j for a_j, y_j in zip(a, y)]
    if loss == "binary-cross-entropy":
        costs = [-(y_j * math.log(a_j) + (1 - y_j) * math.log(1 - a_j)) for a_j, y_j in zip(a, y)]
        return costs, [(a_j - y_j) / (a_j * (1 - a_j)) for a_j, y_j in zip(a, y)]
    if loss == "cross-entropy":
        return [-y_j * math.log(a_j) for a_j, y_j in zip(a, y)], [-y_j / a_j for a_j, y_j in zip(a, y)]
    raise ValueError(f"unknown loss {loss!r}")


def scalar_backprop(weights, biases, activations, loss, X, Y):
    """Loss and batch-mean gradients computed neuron by neuron.

    Parameters
    ----------
    weights : list of nested lists, ``weights[l][j][k]`` (layer l from 0)
    biases : list of lists, ``biases[l][j]``
    activations : list of names (``"leaky-relu:0.1"`` allowed)
    loss : ``"quadratic"``, ``"binary-cross-entropy"`` or ``"cross-entropy"``
    X, Y : nested lists, one row per sample

    Returns
    -------
    loss : float
        Mean over samples of ``Σ_j C_j``.
    grad_w : list of nested lists like ``weights``
    grad_b : list of lists like ``biases``
    deltas : list (per sample) of lists (per layer) of per-neuron δ
    """
    L = len(weights)
    grad_w = [[[0.0 for _ in row] for row in W] for W in weights]
    grad_b = [[0.0 for _ in b] for b in biases]
    total, all_deltas = 0.0, []
    for x, y in zip(X, Y):
        # forward, neuron by neuron
        a_s, z_s = [list(map(float, x))], []
        for l in range(L):
            z = [sum(weights[l][j][k] * a_s[-1][k] for k in range(len(a_s[-1]))) + biases[l][j]
                 for j in range(len(weights[l]))]
            z_s.append(z)
            a_s.append(_softmax(z) if activations[l] == "softmax" else [_f(activations[l])[0](v) for v in z])
        costs, dC_da = _loss_terms(loss, a_s[-1], y)
        total += sum(costs)
        # BP1: δ^L_j = Σ_i ∂C/∂a_i · ∂a_i/∂z_j   (= ∂C/∂a_j σ'(z_j) for element-wise σ)
        a_out = a_s[-1]
        if activations[-1] == "softmax":
            deltas = [[sum(dC_da[i] * a_out[i] * ((1.0 if i == j else 0.0) - a_out[j]) for i in range(len(a_out)))
                       for j in range(len(a_out))]]
        else:
            deltas = [[dC_da[j] * _f(activations[-1])[1](z_s[-1][j]) for j in range(len(a_out))]]
        # BP2: δ^l_j = Σ_k w^{l+1}_kj δ^{l+1}_k · σ'(z^l_j)
        for l in range(L - 2, -1, -1):
            upper, W = deltas[0], weights[l + 1]
            back = [sum(W[k][j] * upper[k] for k in range(len(upper))) for j in range(len(z_s[l]))]
            if activations[l] == "softmax":
                a_l = a_s[l + 1]
                deltas.insert(0, [sum(back[i] * a_l[i] * ((1.0 if i == j else 0.0) - a_l[j])
                                      for i in range(len(a_l))) for j in range(len(a_l))])
            else:
                deltas.insert(0, [back[j] * _f(activations[l])[1](z_s[l][j]) for j in range(len(back))])
        # BP3 and BP4, accumulated over the batch
        for l in range(L):
            for j, delta_j in enumerate(deltas[l]):
                grad_b[l][j] += delta_j
                for k, a_k in enumerate(a_s[l]):
                    grad_w[l][j][k] += a_k * delta_j
        all_deltas.append(deltas)
    n = len(X)
    grad_w = [[[g / n for g in row] for row in W] for W in grad_w]
    grad_b = [[g / n for g in b] for b in grad_b]
    return total / n, grad_w, grad_b, all_deltas


def _f(name):
    if name.startswith("leaky-relu"):
        _, _, slope = name.partition(":")
        return _leaky(float(slope) if slope else 0.01)
    return SCALAR_ACTIVATIONS[name]
