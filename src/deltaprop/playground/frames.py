"""Pictures as numbers: the network's output and every neuron's activation on a grid.

The page draws heatmaps; the server computes them with the engine's own
forward pass on a regular grid over ``[-extent, extent]²`` and sends each
picture compactly: values quantised to bytes between ``lo`` and ``hi``, then
base64 (a 64×64 output picture is 4 KiB of bytes, ~5.5 KiB on the wire).

Grid order: row-major, first row at the top (``x2 = +extent``), first column on
the left (``x1 = -extent``), as a canvas ``ImageData`` expects.
"""

from __future__ import annotations

import base64

import numpy as np

from ..teach.nudge import nudged_outputs

OUTPUT_GRID = 64
NEURON_GRID = 20


def grid_points(extent, size):
    """``(size², 2)`` points covering ``[-extent, extent]²``, top row first."""
    axis = np.linspace(-extent, extent, size)
    x1, x2 = np.meshgrid(axis, axis[::-1])
    return np.column_stack([x1.ravel(), x2.ravel()])


def quantise(values, lo=None, hi=None):
    """``{"lo", "hi", "data"}``: ``values`` (any shape) as base64 bytes 0..255 between lo and hi."""
    values = np.asarray(values, dtype=np.float64).ravel()
    finite = values[np.isfinite(values)]
    lo = float(finite.min()) if lo is None and finite.size else (0.0 if lo is None else lo)
    hi = float(finite.max()) if hi is None and finite.size else (1.0 if hi is None else hi)
    if not (np.isfinite(lo) and np.isfinite(hi) and hi - lo < np.inf):
        lo, hi = float(np.nan_to_num(lo)), float(np.nan_to_num(hi))     # overflowing pictures: clip them
        lo, hi = max(lo, -1e300), min(hi, 1e300)
    if hi <= lo:
        hi = lo + 1e-12
    with np.errstate(all="ignore"):
        scaled = np.nan_to_num((values - lo) / (hi - lo), nan=0.5, posinf=1.0, neginf=0.0)
    data = np.clip(np.rint(scaled * 255), 0, 255).astype(np.uint8)
    return {"lo": lo, "hi": hi, "data": base64.b64encode(data.tobytes()).decode("ascii")}


def output_frame(network, extent, size=OUTPUT_GRID, nudge=None, inputs=None):
    """One quantised picture per output unit: ``a^L_j`` over the grid.

    ``nudge = (layer, neuron, dz)`` adds ``dz`` to that neuron's ``z`` at every
    grid point first (Nielsen's demon, :func:`deltaprop.teach.nudge.nudged_outputs`).

    Probabilities (sigmoid, softmax) use the fixed range [0, 1]; a linear
    output uses its own minimum and maximum.
    """
    grid = grid_points(extent, size)
    grid = grid if inputs is None else inputs(grid)          # the chosen features of each grid point
    outputs = network.predict(grid) if nudge is None else nudged_outputs(network, grid, *nudge)    # (size², d_L)
    probabilities = network.layers[-1].activation.gives_probabilities
    channels = [quantise(outputs[:, j], *((0.0, 1.0) if probabilities else (None, None)))
                for j in range(outputs.shape[1])]
    return {"size": size, "extent": extent, "channels": channels}


def neuron_frames(network, extent, size=NEURON_GRID, inputs=None):
    """``frames[l-1][j]``: neuron ``j`` of layer ``l``'s activation ``a^l_j`` over a small grid, and each input
    feature's picture (``inputs`` maps the grid's points to the network's inputs, default the points themselves)."""
    grid = grid_points(extent, size)
    _, activations = network.forward(grid if inputs is None else inputs(grid))
    return {"size": size, "inputs": [quantise(activations[0][:, k]) for k in range(activations[0].shape[1])],
            "layers": [[quantise(a[:, j]) for j in range(a.shape[1])] for a in activations[1:]]}
