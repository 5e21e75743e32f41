"""What the page's diagnostics show: per-layer gradient norms over time, saturated and dead units, warnings.

Measured with the library's one definition (:data:`deltaprop.core.diagnostics.UNIT_HEALTH`) on the first
:data:`SAMPLE` training points, each time the loss curve gets a point: a unit counts as *saturated* when its σ'(z)
is below ``saturated_share`` (0.05) × its largest value (0.25 sigmoid, 1 tanh) for at least ``most_samples``
(90 %) of those points, as *dead* (ReLU) when z ≤ 0 for all of them.  A warning names the lesson that explains it.
"""

from __future__ import annotations

import numpy as np

from ..core.diagnostics import UNIT_HEALTH

SAMPLE = 256


def measure_units(network, X, Y):
    """``(grad_norms, saturated, dead)``: one number per layer (counts of units; None where it does not apply)."""
    zs, acts = network.forward(X)
    grads = network.backward(Y, zs, acts)
    norms, saturated, dead = [], [], []
    for layer, z, a, gw in zip(network.layers, zs, acts[1:], grads.weights):
        norms.append(float(np.linalg.norm(gw)))
        slow, gone = UNIT_HEALTH.saturated_units(layer.activation, z, a), UNIT_HEALTH.dead_units(layer.activation, z)
        saturated.append(None if slow is None else int(np.sum(slow)))
        dead.append(None if gone is None else int(np.sum(gone)))
    return norms, saturated, dead


def record(session):
    """``[epoch, grad_norms, saturated, dead]`` for the session's current weights."""
    d = session.data
    norms, saturated, dead = measure_units(session.network, d.X_train[:SAMPLE], d.Y_train[:SAMPLE])
    return [session.epoch + session.walk.position / session.walk.n, norms, saturated, dead]


def warnings(session):
    """``[{kind, lesson, layer, count, units}]`` for what the latest diagnostics show (the page words them)."""
    if not session.diagnostics or session.config["preset"] == "mazur":
        return []
    _, norms, saturated, dead = session.diagnostics[-1]
    sizes, out = session.network.sizes, []
    for l in range(1, len(sizes) - 1):                    # hidden layers
        units = sizes[l]
        if dead[l - 1]:
            out.append({"kind": "dead", "lesson": "dead-relu", "layer": l, "count": dead[l - 1], "units": units})
        if saturated[l - 1] and saturated[l - 1] * 2 >= units:
            out.append({"kind": "saturated", "lesson": "saturation", "layer": l, "count": saturated[l - 1],
                        "units": units})
    if len(norms) > 1 and norms[-1] > 0 and norms[0] < 1e-3 * norms[-1]:
        out.append({"kind": "vanishing", "lesson": "saturation", "layer": 1, "count": 0, "units": sizes[1]})
    return out
