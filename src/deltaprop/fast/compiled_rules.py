"""The compiled epoch's rules, taken from the one place each is decided (no numba here).

The numba kernels (:mod:`deltaprop.fast.compiled_kernels`, :mod:`deltaprop.fast.compiled_threads`) branch on small integers;
this module is where those integers come from, and what else the kernels must agree on with the NumPy path:

* **codes**, generated from the registries: ``ACTIVATION_CODES`` numbers :data:`deltaprop.core.activations.ACTIVATIONS`
  in order and ``LOSS_CODES`` numbers :data:`deltaprop.core.losses.LOSSES`; the kernels use the named constants below
  (``SIGMOID``, ``CROSS_ENTROPY`` …).  ``KERNEL_ACTIVATIONS`` / ``KERNEL_LOSSES`` are the names the kernels
  implement; a name added to a registry gets a code but is refused by :func:`deltaprop.fast.compiled_epoch.unsupported`
  until a kernel implements it, and a code a kernel does not know raises (never a silent linear unit);
* **the probability clip** of the cross-entropies: :func:`deltaprop.core.losses.probability_bounds`;
* **the accuracy rule**: :func:`deltaprop.core.labels.outputs_to_labels` (arg-max, the first maximum, NaN counting as
  the maximum as in ``np.argmax``; one output: ``a ≥`` :data:`deltaprop.core.labels.THRESHOLD`);
* **the struct** the epoch takes (:class:`Epoch`): the network's arrays, the step's numbers and the buffers, one
  argument instead of two dozen.
"""

from __future__ import annotations

from typing import NamedTuple

from ..core.activations import ACTIVATIONS
from ..core.labels import THRESHOLD
from ..core.losses import LOSSES

ACTIVATION_CODES = {name: code for code, name in enumerate(ACTIVATIONS)}
LOSS_CODES = {name: code for code, name in enumerate(LOSSES)}

KERNEL_ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky-relu", "linear", "softmax")
KERNEL_LOSSES = ("quadratic", "binary-cross-entropy", "cross-entropy")
# a KeyError here (at import) if a registry loses a name the kernels implement
SIGMOID, TANH, RELU, LEAKY_RELU, LINEAR, SOFTMAX = (ACTIVATION_CODES[name] for name in KERNEL_ACTIVATIONS)
QUADRATIC, BINARY_CROSS_ENTROPY, CROSS_ENTROPY = (LOSS_CODES[name] for name in KERNEL_LOSSES)
CLASS_THRESHOLD = THRESHOLD         # one output unit: class 1 when a ≥ this (labels.outputs_to_labels)


class Epoch(NamedTuple):
    """Everything one compiled epoch reads and writes (numba passes it as one typed tuple).

    ``L`` layers; ``B`` rows a batch; ``d_l`` the layer widths.  Tuples of arrays hold one array per layer.
    """

    Ws: tuple               # (d_l, d_{l-1}) weights, updated in place
    bs: tuple               # (d_l,) biases, updated in place
    acts: object            # (L,) int64: ACTIVATION_CODES of each layer
    slopes: object          # (L,) float64: leaky-relu slopes (0 elsewhere)
    train_b: object         # (L,) bool: the layer's biases learn
    loss: int               # LOSS_CODES of the cost
    clip_low: float         # losses.probability_bounds(dtype)
    clip_high: float
    lr: float               # η
    beta: object            # 1 − ηλ/n, in the data's precision (weight decay folded into the step)
    one: object             # 1 and 0 in the data's precision
    zero: object
    small_rows: int         # forward products up to these shapes as register-blocked loops
    small_units: int
    Zs: tuple               # (B, d_l) buffers
    As: tuple
    Ds: tuple
    scratch: object         # BP3's sums: (widest,), or (2, widest) for two threads
    xb: object              # the gathered batch: (B, d_0), (B, d_L); (2, B, ·) for two threads
    yb: object
    X: object               # (n, d_0), (n, d_L): the data set
    Y: object
    order: object           # (n,) int64: the epoch's permutation
    labels: object          # (n,) int64 true classes in visiting order, or (0,) for regression
    B: int
