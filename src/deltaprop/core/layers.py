"""A fully connected (dense) layer: ``Z = X @ W.T + b``, ``A = σ(Z)``."""

from __future__ import annotations

import numpy as np

from .activations import Activation, get_activation


class Dense:
    """One layer of neurons, every neuron connected to every input.

    Parameters
    ----------
    weights : array_like, shape (n_out, n_in)
        ``weights[j, k]`` is Nielsen's ``w_jk``: from input ``k`` to neuron ``j``
        (PyTorch's ``nn.Linear`` layout).
    biases : array_like, shape (n_out,)
    activation : str or Activation
        The layer's non-linearity ``σ`` (see :mod:`deltaprop.core.activations`).
    dropout : float, default 0
        Probability of zeroing each of this layer's outputs while training
        (inverted dropout: kept outputs are scaled by ``1/(1 − p)``, so nothing
        changes at prediction time).  Must be 0 on the output layer.
    train_biases : bool, default True
        If False the optimiser leaves the biases as they are (Mazur's tutorial
        keeps them fixed).
    dtype : numpy dtype, optional
        float32 or float64; default: float64.
    """

    def __init__(self, weights, biases, activation="sigmoid", *, dropout=0.0,
                 train_biases=True, dtype=None):
        dtype = np.dtype(np.float64 if dtype is None else dtype)
        if dtype not in (np.dtype(np.float32), np.dtype(np.float64)):
            raise ValueError(f"dtype must be float32 or float64, got {dtype}")
        weights = _as_float_array(weights, "weights", dtype)
        biases = _as_float_array(biases, "biases", dtype)
        if weights.ndim != 2:
            raise ValueError(f"weights must be 2-D (n_out, n_in), got shape {weights.shape}")
        if biases.shape != (weights.shape[0],):
            raise ValueError(f"biases must have shape ({weights.shape[0]},) to match weights "
                             f"{weights.shape}, got {biases.shape}")
        dropout = float(dropout)
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"dropout must be in [0, 1), got {dropout}")
        self.weights = weights                       # (n_out, n_in)
        self.biases = biases                         # (n_out,)
        self.activation: Activation = get_activation(activation)
        self.dropout = dropout
        self.train_biases = bool(train_biases)

    @property
    def n_in(self):
        return self.weights.shape[1]

    @property
    def n_out(self):
        return self.weights.shape[0]

    def forward(self, x):
        """``(z, a)`` for a batch ``x`` of shape ``(n, n_in)``; both ``(n, n_out)``."""
        z = x @ self.weights.T + self.biases
        return z, self.activation.forward(z, np.empty_like(z))

    def __repr__(self):
        extra = f", dropout={self.dropout}" if self.dropout else ""
        return f"Dense({self.n_in} → {self.n_out}, {self.activation.spec()}{extra})"


def _as_float_array(values, what, dtype):
    try:
        array = np.array(values, dtype=dtype)   # a copy: the layer owns its parameters
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{what} must be numbers in a rectangular array ({exc})") from None
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{what} contain NaN or infinity")
    return array
