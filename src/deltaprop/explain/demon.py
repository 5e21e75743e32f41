"""The demon check (``detail="derive"``): for every neuron, δ·Δz next to the cost change recomputed by the engine.

Nielsen (ch. 2) introduces δ with a demon that adds Δz to one neuron's
weighted input: the cost then changes by about ``δ Δz`` because ``δ = ∂C/∂z``.
Both numbers come from the engine: δ from backprop (the batch mean), the
recomputed change from :func:`deltaprop.teach.nudge.nudge`, which runs the forward
pass again with the nudge.
"""

from __future__ import annotations

from ..teach.nudge import nudge
from .document import Heading, Para
from .expr import Num

DZ = 1e-3


def checks(trace):
    """One :class:`~deltaprop.teach.nudge.Nudge` per neuron, layers 1..L (the engine's numbering)."""
    net = trace.network
    return [nudge(net, trace.X, trace.Y, l, j, DZ) for l in range(1, len(net.layers) + 1)
            for j in range(net.sizes[l])]


def build(trace, names):
    """The section's blocks: a heading, the idea in one paragraph, one line per neuron."""
    out = [Heading(2, "demon_heading"), Para("demon_intro", {"dz": Num(DZ)})]
    kinks = {(l, j) for l, _, j in trace.kinks()}
    for check in checks(trace):
        if (check.layer, check.neuron) in kinks:          # z = 0 on a ReLU: +Δz sees the right-hand slope
            out.append(Para("demon_check_kink", {"name": names.unit_label(check.layer, check.neuron),
                                                 "dz": Num(DZ), "actual": Num(check.actual)}))
            continue
        out.append(Para("demon_check" if trace.n == 1 else "demon_check_batch", {"name": names.unit_label(check.layer, check.neuron), "dz": Num(DZ),
                                        "delta": Num(check.delta), "predicted": Num(check.predicted),
                                        "actual": Num(check.actual)}))
    return out
