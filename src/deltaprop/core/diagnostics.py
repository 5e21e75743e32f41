"""Training diagnostics: is each layer learning, and if not, why?

Per layer, measured on a fixed sample of the training data (the first :data:`SAMPLE` rows) after an epoch:

``weight_norm``      ‖W^l‖ (Frobenius)
``grad_norm``        ‖∂C/∂W^l‖ on the sample
``update_ratio``     η ‖∂C/∂W^l‖ / ‖W^l‖: the relative size of a plain SGD step; around 1e-3 is healthy,
                     far below means the layer barely moves, far above that it thrashes
``saturated``        sigmoid/tanh layers: the fraction of (sample, unit) pairs whose σ'(z) is below
                     :data:`SATURATED` × its largest value (σ' ≤ 0.0025 for sigmoid, ≤ 0.01 for tanh).  BP1 and
                     BP2 multiply δ by σ'(z), so saturated units learn slowly (Nielsen ch. 2 and 3)
``dead``             relu layers: the fraction of units whose z ≤ 0 for every sample: σ'(z) = 0, so no
                     gradient ever reaches their incoming weights ("dead ReLU")

``fit(..., diagnostics=True)`` stores them in each epoch's record under ``"diagnostics"`` (layers numbered from
1 = first hidden layer); ``deltaprop train --diagnostics`` prints them.
"""

from __future__ import annotations

import numpy as np

SAMPLE = 1024
SATURATED = 0.01


def measure(network, X, Y, learning_rate):
    """``[{layer, weight_norm, grad_norm, update_ratio, saturated, dead}, ...]`` for the batch ``(X, Y)``."""
    zs, acts = network.forward(X)
    grads = network.backward(Y, zs, acts)
    out = []
    for l, (layer, z, a, gw) in enumerate(zip(network.layers, zs, acts[1:], grads.weights), start=1):
        w_norm, g_norm = float(np.linalg.norm(layer.weights)), float(np.linalg.norm(gw))
        record = {"layer": l, "weight_norm": w_norm, "grad_norm": g_norm,
                  "update_ratio": learning_rate * g_norm / w_norm if w_norm else float("inf"),
                  "saturated": None, "dead": None}
        slow = slow_units(layer, z, a, SATURATED)
        if slow is not None:
            record["saturated"] = float(np.mean(slow))
        if layer.activation.name in ("relu", "leaky-relu"):
            record["dead"] = float(np.mean(dead_units(z)))
        out.append(record)
    return out


PEAK_SLOPE = {"sigmoid": 0.25, "tanh": 1.0}     # the largest σ'(z), at z = 0


def slow_units(layer, z, a, share):
    """``(n, d)`` booleans: where σ'(z) is below ``share`` × its largest value (sigmoid and tanh layers; None for
    the others, whose slope does not fade)."""
    peak = PEAK_SLOPE.get(layer.activation.name)
    return None if peak is None else layer.activation.derivative(z, a) < share * peak


def dead_units(z):
    """``(d,)`` booleans: the units whose ``z ≤ 0`` for every sample (a ReLU there passes no gradient)."""
    return np.all(z <= 0, axis=0)


def summary_line(record):
    """One line for a layer's diagnostics, e.g. for ``deltaprop train --diagnostics``."""
    text = (f"  layer {record['layer']}: |W| {record['weight_norm']:.3g}  |dC/dW| {record['grad_norm']:.3g}  "
            f"update/weight {record['update_ratio']:.2g}")
    if record["saturated"] is not None:
        text += f"  saturated {100 * record['saturated']:.0f} %"
    if record["dead"] is not None:
        text += f"  dead {100 * record['dead']:.0f} %"
    return text
