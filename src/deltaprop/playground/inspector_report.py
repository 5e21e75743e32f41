"""What the inspector shows: one neuron's z, a and δ for a mini-batch with BP1–BP4 in numbers, or one link's weight
and gradient.

Every number is read from the explainer's record of the step (:class:`deltaprop.explain.Trace`, through
:mod:`.batch_trace`): the engine's ``Network.forward`` / ``Network.backward`` on the exact batch, with the weights the
network had when it took (or will take) its step on that batch, the loss's ∇ₐC and each activation's σ′(z).
Nothing is recomputed here except the sums shown term by term, which are the Trace's own products.
"""

from __future__ import annotations

import numpy as np

from ..core.diagnostics import UNIT_HEALTH
from .batch_trace import batch_trace, trace_of

MAX_ROWS = 32           # samples listed in the panel (means use the whole batch)


def neuron_report(network, X, Y, layer, j, sample=0, trace=None):
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
    trace : Trace, optional
        The explainer's record of this batch's step (made here when not given).

    Returns
    -------
    dict
        ``z``, ``a``, ``delta`` (per sample, first :data:`MAX_ROWS`), ``forward``,
        ``bp1`` or ``bp2``, ``bp3``, ``bp4`` (JSON-ready).
    """
    trace = trace_of(network, X, Y) if trace is None else trace
    zs, acts, grads = trace.zs, trace.acts, trace.grads
    n, L = trace.n, trace.n_layers
    sample = min(max(int(sample), 0), n - 1)
    dense = trace.network.layers[layer - 1]
    z, a, delta = zs[layer - 1][:, j], acts[layer][:, j], grads.deltas[layer - 1][:, j]
    prev = acts[layer - 1][sample]
    derivative = trace.derivatives[layer - 1]
    report = {
        "layer": layer, "neuron": j, "output": layer == L, "batch_size": n, "sample": sample,
        "activation": dense.activation.name,
        "z": _floats(z[:MAX_ROWS]), "a": _floats(a[:MAX_ROWS]), "delta": _floats(delta[:MAX_ROWS]),
        "forward": {"inputs": _floats(prev), "weights": _floats(dense.weights[j]), "bias": float(dense.biases[j]),
                    "z": float(z[sample]), "a": float(a[sample])},
        "derivative": None if derivative is None else float(derivative[sample, j]),
        **_health(dense, zs[layer - 1], acts[layer], j, sample),
    }
    if layer == L:
        report["bp1"] = {"loss": trace.network.loss.name, "a_minus_y": trace.bp1_is_a_minus_y(),
                         "elementwise": dense.activation.elementwise,
                         "a": float(a[sample]), "y": float(trace.Y[sample, j]),
                         "grad_a": float(trace.loss_gradient[sample, j]), "delta": float(delta[sample])}
    else:
        above = trace.network.layers[layer]
        report["bp2"] = {"weights": _floats(above.weights[:, j]),
                         "deltas": _floats(grads.deltas[layer][sample]),
                         "sum": float(trace.error_into(layer)[sample, j]),
                         "delta": float(delta[sample])}
    report["bp3"] = {"gradient": float(grads.biases[layer - 1][j]), "mean_delta": float(delta.mean()),
                     "trainable": bool(dense.train_biases)}
    report["bp4"] = {"gradients": _floats(grads.weights[layer - 1][j]),
                     "inputs_sample": _floats(prev), "delta_sample": float(delta[sample])}
    return report


def session_neuron_report(session, layer, j, sample=0):
    """:func:`neuron_report` for the session's current mini-batch, with its indices and loss."""
    network, X, Y, idx = session.current_batch()
    report = neuron_report(network, X, Y, layer, j, sample, trace=batch_trace(session))
    return {**report, "indices": idx.tolist(), "batch_loss": session.batch["loss"]}


def link_report(session, layer, to, frm):
    """A weight (or bias when ``frm == -1``): value now, value and gradient for the current batch.

    For a weight, also BP4's two factors averaged over the batch: the input
    ``a^{l-1}_k`` it carries and the error ``δ^l_j`` of the neuron it feeds.
    """
    trace = batch_trace(session)
    before, grads = trace.network, trace.grads
    if frm < 0:
        return {"layer": layer, "to": to, "from": -1, "value": float(session.network.biases[layer - 1][to]),
                "value_before": float(before.biases[layer - 1][to]),
                "gradient": float(grads.biases[layer - 1][to])}
    return {"layer": layer, "to": to, "from": frm, "value": float(session.network.weights[layer - 1][to, frm]),
            "value_before": float(before.weights[layer - 1][to, frm]),
            "gradient": float(grads.weights[layer - 1][to, frm]),
            "a_in_mean": float(np.abs(trace.acts[layer - 1][:, frm]).mean()),
            "delta_out_mean": float(grads.deltas[layer - 1][:, to].mean())}


def _health(dense, z, a, j, sample):
    """For the page's badge, by the library's one definition (:data:`deltaprop.core.diagnostics.UNIT_HEALTH`):
    is the neuron saturated on this sample (and below which σ'), inactive on it (a ReLU with z ≤ 0)?"""
    slow = UNIT_HEALTH.slow(dense.activation, z[sample:sample + 1], a[sample:sample + 1])
    gone = UNIT_HEALTH.dead_units(dense.activation, z[sample:sample + 1])
    peak = UNIT_HEALTH.peak_slope.get(dense.activation.name)
    return {"saturated": None if slow is None else bool(slow[0, j]),
            "saturated_below": None if peak is None else UNIT_HEALTH.saturated_share * peak,
            "inactive": None if gone is None else bool(gone[j])}


def _floats(values):
    return [float(v) for v in np.asarray(values).ravel()]
