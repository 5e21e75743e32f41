"""A compiled SGD epoch (numba): the whole loop over mini-batches in machine code, no Python per batch.

Speed work beside the reference, like :mod:`deltaprop.fast.numpy_sgd`: the same four equations and the same update,
tested equal to the NumPy path (``tests/fast/test_compiled.py``).  Where it helps: small batches, where
Python's fixed cost per NumPy call (about 30 calls a batch) is most of an epoch.  Each batch is

* gathered from the epoch's permutation into a contiguous buffer;
* forward: ``Z^l = A^{l−1} W^lᵀ`` (one GEMM; for at most ``SMALL_ROWS`` samples and ``SMALL_UNITS`` units a
  register-blocked loop instead, see :data:`SMALL_ROWS`), then ``+ b`` and ``σ`` in one loop;
* BP1 with η/n folded in (``a − y`` for the matched pairs, ``(a − y) σ'(z)`` for the quadratic cost);
* BP2 as one GEMM and one loop for ``⊙ σ'``; BP3 as column sums subtracted from ``b``;
* BP4 and the step as one GEMM with β = 1 − ηλ/n (weight decay folded in): ``W ← β W − Δᵀ A``.

For a small network (a first layer of 8 to 64 units, tiny later layers, up to 256 rows a batch) the epoch runs on
two threads that split the first layer's units (:mod:`deltaprop.fast.compiled_threads`; :func:`threads_for` decides).

This module decides; the numba code is in :mod:`deltaprop.fast.compiled_kernels` and :mod:`deltaprop.fast.compiled_threads`
(imported only when numba is installed). The GEMMs call the OpenBLAS that NumPy's wheels bundle (the library
:mod:`deltaprop.fast.blas_gemm` finds), bound by symbol name so that numba can cache the compiled code on disk: the first use
compiles (seconds), later processes load it (under a second; ``tests/fast/test_compiled.py`` checks that a
new process compiles nothing).

Supported: plain SGD (with L2 weight decay), no dropout, float32/float64, hidden layers sigmoid, tanh, relu,
leaky-relu, linear, and an output that is sigmoid + binary cross-entropy, softmax + cross-entropy, or any
element-wise activation with the quadratic cost.  :func:`unsupported` says why anything else is not.
"""

from __future__ import annotations

import os
import sys
import threading

import numpy as np

from . import blas_gemm as blas
from ..core.optimizers import SGD

_ACT = {"sigmoid": 0, "tanh": 1, "relu": 2, "leaky-relu": 3, "linear": 4, "softmax": 5}
_LOSS = {"quadratic": 0, "binary-cross-entropy": 1, "cross-entropy": 2}
# Forward products with at most this many rows (samples) and units are register-blocked loops instead of a GEMM
# call: OpenBLAS packs both operands for every call, which at (10 × 784) · (784 × 30) costs more than the product
# (docs/performance.md, "loops for small forward products").
SMALL_ROWS, SMALL_UNITS = 32, 64
# Two threads share an epoch (deltaprop.fast.compiled_threads) when the first layer has few units (the register-blocked
# loops' shapes) and every later product is below the size at which OpenBLAS starts its own threads
# (m·n·k = 4 × 65,536); OpenBLAS is held to one thread meanwhile, so the two pools never compete for the cores.
THREADS = min(2, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
OPENBLAS_THREADING_MACS = 4 * 65_536
THREAD0_SHARE = 0.5         # of layer 1's units, for thread 0 (which also runs layers 2…L)
THREADS_MAX_ROWS = 256


def _numba():
    try:
        import numba
        return numba
    except ImportError:
        return None


def unsupported(network, optimizer, dropout):
    """Why this training run cannot take the compiled path, or None when it can."""
    if _numba() is None:
        return "numba is not installed (pip install 'deltaprop[fast]')"
    if not blas.available():
        return "NumPy's bundled OpenBLAS was not found (or DELTAPROP_NO_BLAS is set)"
    if not isinstance(optimizer, SGD) or type(optimizer).update is not SGD.update:
        return f"the {optimizer.name} optimiser (the compiled path does plain SGD)"
    if optimizer.l1_decay:
        return "L1 regularisation (the compiled path does L2 only)"
    if dropout:
        return "dropout (the compiled path has no dropout)"
    if network.dtype not in (np.float32, np.float64):
        return f"dtype {network.dtype}"
    for l, layer in enumerate(network.layers[:-1], start=1):
        if layer.activation.name not in _ACT or layer.activation.name == "softmax":
            return f"activation {layer.activation.name} in hidden layer {l}"
    out, loss = network.layers[-1].activation.name, network.loss.name
    if not (loss == "quadratic" and out in _ACT and out != "softmax") and not network.loss.bp1_is_a_minus_y(
            network.layers[-1].activation):
        return f"{out} output with the {loss} cost (only the matched pairs and element-wise + quadratic)"
    return None


def train_epoch(network, X, Y, labels, order, batch_size, optimizer):
    """One epoch of plain SGD on ``(X, Y)`` in ``order``: updates the network in place.

    Returns ``(loss_sum, correct)`` as :func:`deltaprop.core.training.fit` books them: the sum over samples of the
    per-sample cost computed before each batch's step, and the count of correct labels (0 when ``labels`` is None).
    """
    kernel = _kernel(network.dtype)
    layers = network.layers
    dtype = np.dtype(network.dtype)
    Ws = tuple(layer.weights for layer in layers)
    bs = tuple(layer.biases for layer in layers)
    acts = np.array([_ACT[layer.activation.name] for layer in layers], np.int64)
    slopes = np.array([getattr(layer.activation, "slope", 0.0) for layer in layers], np.float64)
    train_b = np.array([layer.train_biases for layer in layers], np.bool_)
    B = min(batch_size, X.shape[0])
    Zs = tuple(np.empty((B, layer.n_out), dtype) for layer in layers)
    As = tuple(np.empty((B, layer.n_out), dtype) for layer in layers)
    Ds = tuple(np.empty((B, layer.n_out), dtype) for layer in layers)
    order = np.arange(X.shape[0]) if order is None else order
    label_arr = np.empty(0, np.int64) if labels is None else labels
    lr, real = float(optimizer.learning_rate), dtype.type
    rest = (lr, real(1.0 - lr * optimizer.weight_decay), acts, slopes, train_b, _LOSS[network.loss.name],
            SMALL_ROWS, SMALL_UNITS, real(1.0), real(0.0))
    order = order.astype(np.int64)
    widest = max(layer.n_out for layer in layers)
    if threads_for(network, X, batch_size) == 2:
        xbs = np.empty((2, B, X.shape[1]), dtype)          # the batch, gathered by thread 1 into each in turn
        ybs = np.empty((2, B, Y.shape[1]), dtype)
        scratch = np.empty((2, widest), dtype)             # each thread's row for BP3's sums
        loss_sum, correct = _two_threads(network, (Ws, bs, Zs, As, Ds, scratch, xbs, ybs, X, Y, order, label_arr, B)
                                         + rest)
    else:
        xb, yb = np.empty((B, X.shape[1]), dtype), np.empty((B, Y.shape[1]), dtype)     # the gathered batch
        scratch = np.empty(widest, dtype)                  # BP3's sums
        loss_sum, correct = kernel(Ws, bs, Zs, As, Ds, scratch, xb, yb, X, Y, order, label_arr, B, *rest)
    optimizer.steps += -(-X.shape[0] // B)
    return float(loss_sum), int(correct)


def threads_for(network, X, batch_size):
    """How many threads the compiled epoch uses for this run: 2 for small networks on a machine with two cores or
    more (see :data:`THREADS`), unless OpenBLAS was limited to one thread (``OPENBLAS_NUM_THREADS=1``,
    threadpoolctl): then 1, as for everything else."""
    layers, m = network.layers, min(batch_size, X.shape[0])
    if THREADS < 2 or (blas.threads() or 1) < 2 or len(layers) < 2 or sys.platform == "win32":
        return 1                                        # one core, or BLAS limited to one thread by the user
    if m > THREADS_MAX_ROWS or not 8 <= layers[0].n_out <= SMALL_UNITS:
        return 1
    if any(m * layer.n_out * layer.n_in >= OPENBLAS_THREADING_MACS for layer in layers[1:]):
        return 1
    if X.dtype != network.dtype or not X.flags.c_contiguous:
        return 1
    return 2


def _two_threads(network, args):
    """Run :func:`deltaprop.fast.compiled_threads.epoch_part` on this thread (part 0) and a helper thread (part 1)."""
    from . import compiled_threads
    flags = np.zeros(compiled_threads.FLAGS, np.int64)
    units = network.layers[0].n_out
    split = max(4, min(units - 4, round(units * THREAD0_SHARE / 4) * 4))       # whole blocks of 4 units
    failures = []

    def helper():
        try:
            compiled_threads.epoch_part(1, split, flags, *args)
        except BaseException as error:                  # noqa: BLE001 -- raised again below, in the caller
            flags[compiled_threads.ABORT] = 1
            failures.append(error)

    with blas.one_thread():                             # each of our threads calls OpenBLAS on its own
        thread = threading.Thread(target=helper, name="deltaprop-epoch-part-1", daemon=True)
        thread.start()
        try:
            result = compiled_threads.epoch_part(0, split, flags, *args)
        except BaseException:
            flags[compiled_threads.ABORT] = 1
            raise
        finally:
            thread.join()
    if failures:
        raise failures[0]
    return result


def _kernel(dtype, name="epoch"):
    """The compiled ``epoch`` or ``forward_small`` of :mod:`deltaprop.fast.compiled_kernels` (one function for both
    dtypes: numba compiles, or loads from its disk cache, one machine-code version per dtype on first call)."""
    assert np.dtype(dtype) in (np.float32, np.float64)
    from . import compiled_kernels
    return getattr(compiled_kernels, name)
