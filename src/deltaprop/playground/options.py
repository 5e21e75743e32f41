"""``GET /api/options``: what the page may choose from, the limits it must respect, and the names it shows.

The page restates no rule: the problem types list their data sets, their default cost and the costs they accept
(:func:`deltaprop.core.losses.check_regression_loss` decides for regression), the unit-health thresholds are the
library's (:data:`deltaprop.core.diagnostics.UNIT_HEALTH`), and Mazur's names for his network are sent from here,
the page's one copy.
"""

from __future__ import annotations

from ..core.activations import ACTIVATIONS
from ..core.diagnostics import UNIT_HEALTH
from ..core.losses import LOSSES, check_regression_loss, default_loss
from ..teach import mazur
from . import schema
from .features import FEATURES, LABELS


def options():
    """What the page may choose from, and the limits it must respect."""
    return {
        "datasets": list(schema.DATASETS), "presets": list(schema.PRESETS), "problems": problems(),
        "activations": schema.hidden_activations(), "all_activations": list(ACTIVATIONS),
        "losses": list(LOSSES), "optimizers": schema.optimizer_names(), "defaults": schema.DEFAULTS,
        "features": list(FEATURES), "feature_labels": LABELS, "unit_health": UNIT_HEALTH.to_dict(),
        "mazur_names": mazur_names(),
        "limits": {"hidden_layers": schema.MAX_HIDDEN_LAYERS, "neurons": schema.MAX_NEURONS,
                   "samples": [schema.MIN_SAMPLES, schema.MAX_SAMPLES], "upload_bytes": schema.MAX_UPLOAD_BYTES,
                   "upload_rows": schema.MAX_UPLOAD_ROWS, "body_bytes": schema.MAX_BODY_BYTES},
    }


def problems():
    """``{problem: {"datasets", "loss", "losses"}}`` for classification and regression: the data sets of each
    family, the cost a switch to it chooses (:func:`deltaprop.core.losses.default_loss`; several class outputs for
    classification), and the costs it accepts."""
    return {
        "classification": {"datasets": list(schema.PROBLEMS["classification"]),
                           "loss": default_loss(2, classification=True), "losses": list(LOSSES)},
        "regression": {"datasets": list(schema.PROBLEMS["regression"]),
                       "loss": default_loss(1, classification=False),
                       "losses": [name for name in LOSSES if _takes_real_targets(name)]},
    }


def _takes_real_targets(loss):
    try:
        check_regression_loss(loss)
    except ValueError:
        return False
    return True


def mazur_names():
    """Mazur's names for his 2-2-2 network: units ``i1 i2 / h1 h2 / o1 o2`` by layer, weights ``w1``…``w8``
    numbered row by row, layer by layer, in the engine's ``(n_out, n_in)`` layout (``weights[l][j][k]``)."""
    sizes = [len(mazur.INPUT)] + [len(W) for W in mazur.WEIGHTS]
    units = [[f"{prefix}{j + 1}" for j in range(n)] for prefix, n in zip("iho", sizes)]
    weights, number = [], 0
    for W in mazur.WEIGHTS:
        layer = []
        for row in W:
            layer.append([f"w{number + k + 1}" for k in range(len(row))])
            number += len(row)
        weights.append(layer)
    return {"units": units, "weights": weights}
