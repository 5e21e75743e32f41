"""Why training stalls: the hint a session gives when its training loss has not gone down for a while.

Read from the diagnosis (:mod:`.page_diagnosis`): saturated units or vanishing gradients are named as the cause (a
smaller η cannot revive them; Reset can); only without them is a large η (≥ 1) blamed, or a small η or network.
The page words each hint from its ``kind`` and numbers (:func:`.messages.hint_record`).
"""

from __future__ import annotations

from .messages import hint_record
from .page_diagnosis import warnings

STALL_EPOCHS = 20         # no new lowest training loss for this many epochs: a stall
VANISHING_HINT = 1e-2     # a stalled run whose first layer's gradient is 100× smaller than the last's: vanishing


def stall_hint(session):
    """``{"kind", "text", ...}`` when the training loss has not gone down for :data:`STALL_EPOCHS` epochs, or None."""
    history, epoch = session.history, session.epoch
    points = [p for p in history if p[0] >= epoch - STALL_EPOCHS]
    earlier = [p[1] for p in history if p[0] < epoch - STALL_EPOCHS]
    if epoch < STALL_EPOCHS or not earlier or not points:
        return None
    if min(p[1] for p in points) < min(earlier) * 0.999:
        return None
    eta, found = session.config["learning_rate"], {w["kind"]: w for w in warnings(session)}
    base = {"epochs": STALL_EPOCHS, "eta": eta}
    if "saturated" in found:
        w = found["saturated"]
        return hint_record("stall_saturated", **base, layer=w["layer"], count=w["count"], units=w["units"])
    norms = session.diagnostics[-1][1] if session.diagnostics else []
    if len(norms) > 2 and norms[-1] > 0 and norms[0] < VANISHING_HINT * norms[-1]:   # a stall: a milder bar
        return hint_record("stall_vanishing", **base, factor=int(round(norms[-1] / max(norms[0], 1e-300), -1)))
    sigmoid = sum(act == "sigmoid" for act in session.config["activations"])
    if sigmoid >= 3:                        # BP2 multiplies δ by σ′ ≤ ¼ at each sigmoid layer (Nielsen ch. 5)
        return hint_record("stall_deep_sigmoid", **base, layers=sigmoid)
    if "dead" in found:
        w = found["dead"]
        return hint_record("stall_dead", **base, layer=w["layer"], count=w["count"], units=w["units"])
    return hint_record("stall_large_eta" if eta >= 1 else "stall_small", **base)
