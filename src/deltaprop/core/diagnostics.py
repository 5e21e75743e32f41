"""Training diagnostics: is each layer learning, and if not, why?

Per layer, measured on a fixed sample of the training data (the first :data:`SAMPLE` rows) after an epoch:

``weight_norm``      ‖W^l‖ (Frobenius)
``grad_norm``        ‖∂C/∂W^l‖ on the sample
``update_ratio``     η ‖∂C/∂W^l‖ / ‖W^l‖: the relative size of a plain SGD step; around 1e-3 is healthy,
                     far below means the layer barely moves, far above that it thrashes
``saturated``        sigmoid/tanh layers: the fraction of (sample, unit) pairs whose σ'(z) is below
                     ``UNIT_HEALTH.saturated_share`` × its largest value (σ' < 0.0125 for sigmoid, < 0.05 for tanh).
                     BP1 and BP2 multiply δ by σ'(z), so saturated units learn slowly (Nielsen ch. 2 and 3)
``dead``             relu layers: the fraction of units whose z ≤ 0 for every sample: σ'(z) = 0, so no
                     gradient ever reaches their incoming weights ("dead ReLU")

What "saturated" and "dead" mean is :data:`UNIT_HEALTH`, defined here once: the library's diagnostics, the
explainer's remarks, the playground's counts and warnings, and the page's badge (through ``/api/options`` and
the neuron report) all ask it.

``fit(..., diagnostics=True)`` stores them in each epoch's record under ``"diagnostics"`` (layers numbered from
1 = first hidden layer); ``deltaprop train --diagnostics`` prints them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

SAMPLE = 1024


@dataclass(frozen=True)
class UnitHealth:
    """When a unit learns slowly (saturated) or not at all (dead): the one definition every face uses.

    * A sigmoid/tanh unit is **saturated** on a sample when ``σ'(z) < saturated_share × peak``, ``peak`` being the
      largest σ' (0.25 for sigmoid, 1 for tanh, at z = 0); BP1 and BP2 multiply its δ by that small σ'.  Over a set
      of samples a unit is saturated when it is so on at least ``most_samples`` of them.
    * A unit is **dead** when its activation passes no gradient for z ≤ 0 (ReLU) and z ≤ 0 on every sample.
    """

    saturated_share: float = 0.05
    most_samples: float = 0.9
    peak_slope: MappingProxyType = field(default_factory=lambda: MappingProxyType({"sigmoid": 0.25, "tanh": 1.0}))
    dead_activations: tuple = ("relu",)

    def slow(self, activation, z, a):
        """``(n, d)`` booleans: saturated on each sample (None for activations whose slope does not fade)."""
        peak = self.peak_slope.get(activation.name)
        return None if peak is None else activation.derivative(z, a) < self.saturated_share * peak

    def saturated_units(self, activation, z, a):
        """``(d,)`` booleans: units saturated on at least :attr:`most_samples` of the rows (None: not applicable)."""
        slow = self.slow(activation, z, a)
        return None if slow is None else slow.mean(axis=0) >= self.most_samples

    def dead_units(self, activation, z):
        """``(d,)`` booleans: units whose z ≤ 0 on every row, for a ReLU (None for other activations)."""
        return np.all(z <= 0, axis=0) if activation.name in self.dead_activations else None

    def to_dict(self):
        """The definition as JSON (``/api/options``: the page draws its badge from these numbers)."""
        return {"saturated_share": self.saturated_share, "most_samples": self.most_samples,
                "peak_slope": dict(self.peak_slope), "dead_activations": list(self.dead_activations)}


UNIT_HEALTH = UnitHealth()
PEAK_SLOPE = UNIT_HEALTH.peak_slope     # the largest σ'(z), at z = 0


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
        slow = UNIT_HEALTH.slow(layer.activation, z, a)
        if slow is not None:
            record["saturated"] = float(np.mean(slow))
        dead = UNIT_HEALTH.dead_units(layer.activation, z)
        if dead is not None:
            record["dead"] = float(np.mean(dead))
        out.append(record)
    return out


def summary_line(record):
    """One line for a layer's diagnostics, e.g. for ``deltaprop train --diagnostics``."""
    text = (f"  layer {record['layer']}: |W| {record['weight_norm']:.3g}  |dC/dW| {record['grad_norm']:.3g}  "
            f"update/weight {record['update_ratio']:.2g}")
    if record["saturated"] is not None:
        text += f"  saturated {100 * record['saturated']:.0f} %"
    if record["dead"] is not None:
        text += f"  dead {100 * record['dead']:.0f} %"
    return text
