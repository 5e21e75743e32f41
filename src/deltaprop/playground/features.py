"""Input features, as in TensorFlow Playground: what the network sees of a point ``(x1, x2)``.

With only ``x1, x2`` a network needs hidden units to bend its boundary; with ``x1², x2²`` a single layer
already separates the circles.  Each feature is a column computed from the points; the network's input size is
the number of features chosen.  Pictures and the data plot always use the points themselves.
"""

from __future__ import annotations

import numpy as np

FEATURES = {
    "x1": lambda P: P[:, 0],
    "x2": lambda P: P[:, 1],
    "x1^2": lambda P: P[:, 0] ** 2,
    "x2^2": lambda P: P[:, 1] ** 2,
    "x1x2": lambda P: P[:, 0] * P[:, 1],
    "sin(x1)": lambda P: np.sin(P[:, 0]),
    "sin(x2)": lambda P: np.sin(P[:, 1]),
}
"""name → column of the input matrix from the points ``P`` ``(n, 2)``."""

LABELS = {"x1": "x₁", "x2": "x₂", "x1^2": "x₁²", "x2^2": "x₂²", "x1x2": "x₁x₂", "sin(x1)": "sin x₁",
          "sin(x2)": "sin x₂"}
"""How the page writes each feature."""


def featurize(points, names):
    """The network's inputs ``(n, len(names))`` for the points ``(n, 2)``."""
    points = np.asarray(points, dtype=np.float64)
    return np.stack([FEATURES[name](points) for name in names], axis=1)
