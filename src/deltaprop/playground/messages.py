"""What the session tells the learner: notices (a restart, a live change) and hints (why training stalls).

Each is a record ``{"kind": ..., <numbers>, "text": <English>}``: the page words it in the learner's language
from ``kind`` and the numbers (``static/i18n.js``); ``text`` is the English for API users and logs.
"""

from __future__ import annotations

# What each configuration field is called in a notice or a chart marker.
NAMES = {"learning_rate": "η", "optimizer": "optimiser", "batch_size": "batch size", "l2": "L2 λ", "l1": "L1 λ",
         "loss": "loss", "seed": "seed", "dataset": "data set", "hidden": "hidden layers",
         "activations": "activations", "features": "features", "samples": "points", "noise": "noise",
         "train_fraction": "training fraction", "classes": "classes", "data_seed": "data sample",
         "preset": "preset", "upload": "uploaded CSV"}
# The fields whose change makes a new network (in the order a notice names them).
RESTART_KEYS = ("preset", "dataset", "classes", "samples", "noise", "data_seed", "train_fraction", "features",
                "hidden", "activations", "loss", "seed")


def notice(kind, changes):
    """``kind`` "live" (same weights), "restarted" (new weights, because of ``changes``) or "reset"."""
    said = ", ".join(f"{NAMES[key]} {old} → {new}" if kind == "live" or key != "upload" else NAMES[key]
                     for key, old, new in changes)
    text = {"live": f"Changed {said}; training goes on from the same weights.",
            "restarted": f"Restarted from new weights because {said} changed.",
            "reset": "Reset: the same seed gives the same starting weights; epoch 0."}[kind]
    return {"kind": kind, "changes": changes, "text": text}


def hint_record(kind, **values):
    """Why the training loss has stalled, from the diagnostics (see :meth:`.session.Session.hint`)."""
    v = values
    text = {
        "stall_saturated": f"The training loss has not gone down for {v['epochs']} epochs: {v.get('count')} of "
                           f"{v.get('units')} units in layer {v.get('layer')} are saturated (σ′ ≈ 0), so they barely "
                           f"learn at any η. Press Reset to start again from fresh weights.",
        "stall_vanishing": f"The training loss has not gone down for {v['epochs']} epochs: the first layer's gradient is "
                           f"about {v.get('factor')} times smaller than the last layer's (vanishing gradients). A larger "
                           f"η will not fix it: try ReLU, fewer layers, or the cross-entropy cost.",
        "stall_deep_sigmoid": f"The training loss has not gone down for {v['epochs']} epochs: {v.get('layers')} sigmoid "
                              f"layers each multiply δ by σ′ ≤ ¼ in BP2, so the early layers barely learn (unstable "
                              f"gradients, Nielsen ch. 5). Try tanh or ReLU, or fewer layers.",
        "stall_dead": f"The training loss has not gone down for {v['epochs']} epochs: {v.get('count')} of "
                      f"{v.get('units')} ReLU units in layer {v.get('layer')} are dead. Lower η and press Reset.",
        "stall_large_eta": f"The training loss has not gone down for {v['epochs']} epochs: the learning rate "
                           f"{v['eta']:g} may be too large (steps overshoot).",
        "stall_small": f"The training loss has not gone down for {v['epochs']} epochs: the learning rate {v['eta']:g} "
                       f"may be too small, or the network too small for the data.",
    }[kind]
    return {"kind": kind, **values, "text": text}
