"""Nielsen's demon: nudge one neuron's weighted input and watch the cost move by δ·Δz.

Nielsen introduces the error δ (*Neural Networks and Deep Learning*, ch. 2)
with a thought experiment: a demon sits at neuron ``j`` of layer ``l`` and
adds a little ``Δz`` to its weighted input.  The change flows forward and the
cost changes by about ``(∂C/∂z^l_j) Δz = δ^l_j Δz``.  A large ``|δ|`` means the
demon can lower the cost a lot by nudging against its sign; ``δ ≈ 0`` means
no nudge helps much -- the neuron is near optimal (or saturated).

:func:`nudge` does exactly that, with the real engine: the cost before, the
cost after adding ``dz`` to ``z^l_j`` for every sample of the batch and
running the rest of the forward pass, and the prediction ``dz`` times the
batch mean of the engine's ``δ^l_j`` (the cost is the batch mean, so each
sample's ``δ_x dz`` counts ``1/n``).  The gap between the two shrinks as
``O(dz²)``.

Layers are numbered as the engine numbers them: 1 = first hidden layer,
``L`` = output.  In Nielsen's numbering (the input is layer 1) the same layer
is ``l + 1``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from ..core.validation import check_inputs


@dataclass
class Nudge:
    """What the demon saw.  ``layer`` is the engine's number (Nielsen's is ``layer + 1``)."""

    layer: int
    neuron: int
    dz: float
    delta: float            # batch mean of δ^l_j = ∂C_x/∂z^l_j, from backprop
    cost_before: float
    cost_after: float
    actual: float           # cost_after − cost_before
    predicted: float        # dz · delta
    relative_gap: float     # |actual − predicted| / max(|actual|, |predicted|)

    def as_dict(self):
        return asdict(self)


def nudged_outputs(network, X, layer, neuron, dz):
    """Outputs ``a^L`` ``(n, d_L)`` with ``dz`` added to ``z^layer_neuron`` for every row of ``X``."""
    zs, acts = network.forward(X)
    a = acts[layer - 1]
    for l in range(layer, len(network.layers) + 1):
        dense = network.layers[l - 1]
        z = zs[l - 1].copy() if l == layer else a @ dense.weights.T + dense.biases
        if l == layer:
            z[:, neuron] += dz
        a = dense.activation.forward(z, np.empty_like(z))
    return a


def nudge(network, X, Y, layer, neuron, dz):
    """Add ``dz`` to ``z^layer_neuron`` for every sample of the batch ``(X, Y)``; compare ΔC with δ·dz.

    Parameters
    ----------
    network : Network
        Not modified.
    X : array_like, shape (n, d_0)
    Y : array_like, shape (n, d_L) or labels (n,)
    layer : int
        1 = first hidden layer … L = output layer (Nielsen's layer ``layer + 1``).
    neuron : int
        0-based index within the layer.
    dz : float
        The demon's nudge, finite and non-zero.

    Returns
    -------
    Nudge
    """
    L = len(network.layers)
    if isinstance(layer, bool) or not isinstance(layer, (int, np.integer)) or not 1 <= layer <= L:
        raise ValueError(f"layer must be 1..{L} (1 = first hidden layer, {L} = output), got {layer!r}")
    size = network.sizes[layer]
    if isinstance(neuron, bool) or not isinstance(neuron, (int, np.integer)) or not 0 <= neuron < size:
        raise ValueError(f"neuron must be 0..{size - 1} for layer {layer}, got {neuron!r}")
    dz = float(dz)
    if not math.isfinite(dz) or dz == 0.0:
        raise ValueError(f"dz must be a finite, non-zero number, got {dz}")
    X = check_inputs(X, network.sizes[0], network.dtype)
    Y = network.check_targets(Y, X.shape[0])
    zs, acts = network.forward(X)
    delta = float(network.backward(Y, zs, acts).deltas[layer - 1][:, neuron].mean())
    cost_before = network.loss.value(acts[-1], Y)
    cost_after = network.loss.value(nudged_outputs(network, X, int(layer), int(neuron), dz), Y)
    actual, predicted = cost_after - cost_before, dz * delta
    scale = max(abs(actual), abs(predicted))
    gap = abs(actual - predicted) / scale if scale > 0 else 0.0
    return Nudge(int(layer), int(neuron), dz, delta, float(cost_before), float(cost_after), float(actual),
                 float(predicted), float(gap))
