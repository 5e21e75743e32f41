"""Training curves and confusion matrices as PNG files (matplotlib, the optional ``plot`` extra).

matplotlib is imported only when a plot is asked for, with the non-interactive
Agg backend; if it is missing the error says how to install it.
"""

from __future__ import annotations

import os

import numpy as np

from ..io.atomic_writes import atomic_write


def _pyplot():
    try:
        import matplotlib
    except ImportError:
        raise ImportError("plotting needs matplotlib: pip install 'deltaprop[plot]'") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def training_curves(history, path, title=None):
    """Loss (left) and accuracy (right) per epoch, training and validation.

    Parameters
    ----------
    history : list of dict
        Per-epoch records (``History.epochs``): ``epoch``, ``loss``, and
        optionally ``accuracy``, ``val_loss``, ``val_accuracy``.
    path : str
        Output PNG file.
    """
    plt = _pyplot()
    epochs = [r["epoch"] for r in history]
    has_accuracy = any("accuracy" in r for r in history)
    has_diagnostics = any("diagnostics" in r for r in history)
    rows = 2 if has_diagnostics else 1
    fig, axes = plt.subplots(rows, 2 if has_accuracy or has_diagnostics else 1,
                             figsize=(10 if has_accuracy or has_diagnostics else 5.5, 4 * rows), squeeze=False)
    if has_diagnostics:
        _diagnostics(axes[1], epochs, history)
    for ax, key, label in zip(axes[0], ("loss", "accuracy"), ("loss", "accuracy")):
        for prefix, name, style in (("", "training", "-"), ("val_", "validation", "--")):
            values = [r.get(prefix + key) for r in history]
            if any(v is not None for v in values):
                ax.plot(epochs, [np.nan if v is None else v for v in values], style, marker="o", markersize=3,
                        label=name)
        ax.set_xlabel("epoch")
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
        ax.legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    _save(fig, path)
    plt.close(fig)


def _diagnostics(axes, epochs, history):
    """Update/weight ratio per layer (log scale) and the saturated / dead fractions, per epoch."""
    layers = len(history[0]["diagnostics"])
    for l in range(layers):
        axes[0].plot(epochs, [r["diagnostics"][l]["update_ratio"] for r in history], marker="o", markersize=3,
                     label=f"layer {l + 1}")
        for key, style in (("saturated", "-"), ("dead", "--")):
            values = [r["diagnostics"][l][key] for r in history]
            if any(v is not None for v in values):
                axes[1].plot(epochs, [100 * (v or 0) for v in values], style, marker="o", markersize=3,
                             label=f"layer {l + 1} {key}")
    axes[0].set_yscale("log")
    axes[0].set_ylabel("η‖∂C/∂W‖ / ‖W‖ (update / weight)")
    axes[1].set_ylabel("% of units")
    axes[1].set_ylim(-2, 102)
    for ax in axes:
        ax.set_xlabel("epoch")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)


def confusion_matrix_plot(matrix, path, class_names=None, title="confusion matrix"):
    """A confusion matrix (rows: true class, columns: predicted) as a heat map with counts."""
    plt = _pyplot()
    matrix = np.asarray(matrix)
    k = matrix.shape[0]
    names = list(class_names) if class_names and len(class_names) == k else [str(i) for i in range(k)]
    fig, ax = plt.subplots(figsize=(1.0 + 0.6 * k, 0.8 + 0.6 * k))
    ax.imshow(matrix, cmap="Blues")
    threshold = matrix.max() / 2 if matrix.size else 0
    for i in range(k):
        for j in range(k):
            ax.text(j, i, str(matrix[i, j]), ha="center", va="center", fontsize=8,
                    color="white" if matrix[i, j] > threshold else "black")
    ax.set_xticks(range(k), names, rotation=45, ha="right")
    ax.set_yticks(range(k), names)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(title)
    fig.tight_layout()
    _save(fig, path)
    plt.close(fig)


def _save(fig, path):
    """Save atomically, in the format the file name asks for (PNG by default)."""
    extension = os.path.splitext(os.fspath(path))[1].lstrip(".").lower() or "png"
    with atomic_write(path) as handle:
        fig.savefig(handle, format=extension, dpi=110)
