"""What the neuron panel shows: one neuron's z, a and δ for a mini-batch, and BP1–BP4 with numbers.

All numbers come from the engine: :meth:`Network.forward` and
:meth:`Network.backward` on the exact batch, with the weights the network had
when it took (or will take) its step on that batch.  Nothing is recomputed by
hand except the sums shown term by term, and those are checked against the
engine's result.
"""

from __future__ import annotations

import numpy as np

from ..core.diagnostics import UNIT_HEALTH

MAX_ROWS = 32           # samples listed in the panel (means use the whole batch)


def neuron_report(network, X, Y, layer, j, sample=0):
    """The panel's content for neuron ``j`` of layer ``l`` (1 = first hidden) on batch ``(X, Y)``.

    Parameters
    ----------
    network : Network
        With the weights in force for this batch.
    X : ndarray, shape (n, d_0)
    Y : ndarray, shape (n, d_L)
    layer, j : int
    sample : int
        The sample whose equations are written out term by term.

    Returns
    -------
    dict
        ``z``, ``a``, ``delta`` (per sample, first :data:`MAX_ROWS`), ``forward``,
        ``bp1`` or ``bp2``, ``bp3``, ``bp4`` (JSON-ready).
    """
    zs, acts = network.forward(X)
    grads = network.backward(Y, zs, acts)
    n, L = X.shape[0], len(network.layers)
    sample = min(max(int(sample), 0), n - 1)
    dense = network.layers[layer - 1]
    z, a, delta = zs[layer - 1][:, j], acts[layer][:, j], grads.deltas[layer - 1][:, j]
    prev = acts[layer - 1][sample]
    report = {
        "layer": layer, "neuron": j, "output": layer == L, "batch_size": n, "sample": sample,
        "activation": dense.activation.name,
        "z": _floats(z[:MAX_ROWS]), "a": _floats(a[:MAX_ROWS]), "delta": _floats(delta[:MAX_ROWS]),
        "forward": {"inputs": _floats(prev), "weights": _floats(dense.weights[j]), "bias": float(dense.biases[j]),
                    "z": float(z[sample]), "a": float(a[sample])},
        "derivative": _derivative(dense, zs[layer - 1], acts[layer], j, sample),
        **_health(dense, zs[layer - 1], acts[layer], j, sample),
    }
    if layer == L:
        report["bp1"] = _bp1(network, acts[L], Y, j, sample, float(delta[sample]))
    else:
        above = network.layers[layer]
        report["bp2"] = {"weights": _floats(above.weights[:, j]),
                         "deltas": _floats(grads.deltas[layer][sample]),
                         "sum": float(above.weights[:, j] @ grads.deltas[layer][sample]),
                         "delta": float(delta[sample])}
    report["bp3"] = {"gradient": float(grads.biases[layer - 1][j]), "mean_delta": float(delta.mean()),
                     "trainable": bool(dense.train_biases)}
    report["bp4"] = {"gradients": _floats(grads.weights[layer - 1][j]),
                     "inputs_sample": _floats(prev), "delta_sample": float(delta[sample])}
    return report


def _bp1(network, output, Y, j, sample, delta):
    """BP1 at output unit ``j``: δ^L_j = ∂C/∂a_j · σ'(z_j), or a − y for the matched pairs."""
    loss, activation = network.loss, network.layers[-1].activation
    grad_a = np.empty_like(output)
    loss.gradient(output, Y, out=grad_a)                   # ∇_a C per sample (not divided by n)
    return {"loss": loss.name, "a_minus_y": loss.bp1_is_a_minus_y(activation),
            "elementwise": activation.elementwise,
            "a": float(output[sample, j]), "y": float(Y[sample, j]),
            "grad_a": float(grad_a[sample, j]), "delta": delta}


def _health(dense, z, a, j, sample):
    """For the page's badge, by the library's one definition (:data:`deltaprop.core.diagnostics.UNIT_HEALTH`):
    is the neuron saturated on this sample (and below which σ'), inactive on it (a ReLU with z ≤ 0)?"""
    slow = UNIT_HEALTH.slow(dense.activation, z[sample:sample + 1], a[sample:sample + 1])
    gone = UNIT_HEALTH.dead_units(dense.activation, z[sample:sample + 1])
    peak = UNIT_HEALTH.peak_slope.get(dense.activation.name)
    return {"saturated": None if slow is None else bool(slow[0, j]),
            "saturated_below": None if peak is None else UNIT_HEALTH.saturated_share * peak,
            "inactive": None if gone is None else bool(gone[j])}


def _derivative(dense, z, a, j, sample):
    """σ'(z_j) for the sample, or None for softmax (not element-wise)."""
    if not dense.activation.elementwise:
        return None
    return float(dense.activation.derivative(z[sample:sample + 1], a[sample:sample + 1])[0, j])


def _floats(values):
    return [float(v) for v in np.asarray(values).ravel()]
