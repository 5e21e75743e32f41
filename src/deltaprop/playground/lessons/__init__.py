"""Guided lessons: a lesson = data + architecture + settings + a short text + what to try.

Each lesson's configuration goes through the same validation as any other (``schema.validate_config``), and
each has a ``check`` that does what its "what to try" says, through the real :class:`~..session.Session`, and
returns the number the text promises (tests assert it; ``tests/playground/test_lessons.py``).  The texts live in
``lessons/<lang>.json`` (en, zh, ja, fr).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from ...explain import check_language
from ...teach.nudge import nudge

LESSONS = [
    {"id": "mazur", "config": {"preset": "mazur"}},
    {"id": "xor", "config": {"dataset": "xor", "hidden": [], "activations": [], "learning_rate": 0.3,
                             "samples": 200, "batch_size": 10}},
    {"id": "saturation", "config": {"dataset": "circles", "hidden": [3], "activations": ["sigmoid"],
                                    "loss": "quadratic", "learning_rate": 0.3}},
    {"id": "demon", "config": {"dataset": "circles", "hidden": [4], "activations": ["tanh"]}},
    {"id": "dead-relu", "config": {"dataset": "spirals", "hidden": [8, 8], "activations": ["relu", "relu"],
                                   "learning_rate": 1.0, "batch_size": 10}},
    {"id": "learning-rate", "config": {"dataset": "circles", "hidden": [4], "activations": ["tanh"],
                                       "learning_rate": 10.0}},
    {"id": "batch-size", "config": {"dataset": "moons", "hidden": [6], "activations": ["tanh"],
                                    "batch_size": 1, "learning_rate": 0.03}},
    {"id": "regularisation", "config": {"dataset": "moons", "noise": 0.3, "samples": 200, "hidden": [8, 8],
                                        "activations": ["tanh", "tanh"], "learning_rate": 0.1, "batch_size": 10,
                                        "l1": 1.0}},
]


@cache
def texts(lang):
    check_language(lang)
    return json.loads(resources.files(__package__).joinpath(f"{lang}.json").read_text(encoding="utf-8"))


def catalogue(lang="en"):
    """The lessons for the page: id, configuration, title, text, what to try."""
    words = texts(lang)
    return [{**lesson, **words[lesson["id"]]} for lesson in LESSONS]


# ---------------------------------------------------------------- what each lesson's "what to try" shows
def _epochs(session, n):
    for _ in range(n):
        session.run_epoch()


def check_mazur(session):
    """Step once: the error goes from Mazur's 0.298371109 to 0.291027774 (exact arithmetic)."""
    before = session.step()
    return {"before": before, "after": session.losses()["train"]}


def check_xor(session, configure):
    """No hidden layer: accuracy stays near chance; with 4 tanh units it learns XOR."""
    _epochs(session, 60)
    flat = session.losses()["test_accuracy"]
    configure({"hidden": [4], "activations": ["tanh"]})
    _epochs(session, 100)
    return {"no_hidden": flat, "hidden": session.losses()["test_accuracy"]}


def check_saturation(session):
    """Set a first-layer weight to 30: the hidden neuron saturates, σ'(z) < 0.01 for most points."""
    for frm in (0, 1):
        session.set_weight(1, 0, frm, 30.0)
    network, X, Y, _ = session.current_batch()
    zs, acts = network.forward(X)
    sigma = network.layers[0].activation.derivative(zs[0], acts[1])[:, 0]
    return {"median_sigma_prime": float(sorted(sigma)[len(sigma) // 2])}


def check_demon(session):
    """Nudge a hidden neuron by Δz = 0.001: ΔC and δ·Δz agree to well under 1 %."""
    network, X, Y, _ = session.current_batch()
    result = nudge(network, X, Y, 1, 0, 1e-3)
    return {"relative_gap": result.relative_gap}


def check_dead_relu(session):
    """Train at η = 1: some relu units end up dead (z ≤ 0 for every point), which the diagnostics count."""
    from ...core.diagnostics import measure
    _epochs(session, 5)
    d = measure(session.network, session.data.X_train, session.data.Y_train, session.config["learning_rate"])
    return {"dead": max(layer["dead"] for layer in d[:-1])}


def check_learning_rate(session, configure):
    """At η = 10 training stalls or diverges; lowered to 0.3 (live, same weights), the loss falls."""
    try:
        _epochs(session, 25)
    except Exception:               # diverged: the session keeps the last finite weights and says so
        pass
    stuck, hint = session.losses()["train"], session.hint() or session.error
    configure({"learning_rate": 0.3})
    session.error = None
    _epochs(session, 25)
    return {"at_10": stuck, "hint": hint, "after_lowering": session.losses()["train"]}


def check_batch_size(session, configure):
    """Batch size 1: the batch losses jump around; batch 100: they are smooth (their spread shrinks)."""
    import numpy as np

    def spread():
        losses = [session.step() for _ in range(40)]
        return float(np.std(np.diff(losses)))
    noisy = spread()
    configure({"batch_size": 100})
    return {"batch_1": noisy, "batch_100": spread()}


def check_regularisation(session, configure):
    """After 100 epochs, L1 has set far more weights to (nearly) 0 than L2 with the same λ does."""
    import numpy as np

    def near_zero():
        weights = np.concatenate([w.ravel() for w in session.network.weights])
        return float(np.mean(np.abs(weights) < 0.01))
    _epochs(session, 100)
    l1 = near_zero()
    configure({"l1": 0.0, "l2": 1.0})
    session.reset()
    _epochs(session, 100)
    return {"l1_near_zero": l1, "l2_near_zero": near_zero()}


CHECKS = {"mazur": check_mazur, "xor": check_xor, "saturation": check_saturation, "demon": check_demon,
          "dead-relu": check_dead_relu, "learning-rate": check_learning_rate, "batch-size": check_batch_size,
          "regularisation": check_regularisation}
