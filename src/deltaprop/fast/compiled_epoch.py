"""A compiled SGD epoch (numba): the whole loop over mini-batches in machine code, no Python per batch.

Speed work beside the reference, like :mod:`deltaprop.fast.numpy_sgd`: the same four equations and the same update,
tested equal to the NumPy path (``tests/fast/test_compiled.py``).  Where it helps: small batches, where
Python's fixed cost per NumPy call (about 30 calls a batch) is most of an epoch.  Each batch is

* gathered from the epoch's permutation into a contiguous buffer;
* forward: ``Z^l = A^{l−1} W^lᵀ`` (one GEMM, run as ``Z^lᵀ = W^l A^{l−1}ᵀ`` when the layer has more units than the
  batch has rows, which OpenBLAS does faster: ``compiled_kernels.transposed_forward``; for at most ``SMALL_ROWS``
  samples and ``SMALL_UNITS`` units a register-blocked loop instead, see :data:`SMALL_ROWS`), then ``+ b`` and ``σ``
  in one loop;
* BP1 with η/n folded in (``a − y`` for the matched pairs, ``(a − y) σ'(z)`` for the quadratic cost);
* BP2 as one GEMM and one loop for ``⊙ σ'``; BP3 as column sums subtracted from ``b``;
* BP4 and the step as one GEMM with β = 1 − ηλ/n (weight decay folded in): ``W ← β W − Δᵀ A``.

For a small network (a first layer of 8 to 64 units, tiny later layers, up to 256 rows a batch) the epoch runs on
two threads that split the first layer's units (:mod:`deltaprop.fast.compiled_threads`; :func:`threads_for` decides).

This module decides; the numba code is in :mod:`deltaprop.fast.compiled_kernels` and :mod:`deltaprop.fast.compiled_threads`
(imported only when numba is installed). The GEMMs call the OpenBLAS that NumPy's wheels bundle (the library
:mod:`deltaprop.fast.blas_gemm` finds), bound by symbol name so that numba can cache the compiled code on disk: the first use
compiles (seconds, in a helper process while ``fit`` trains on the NumPy path: :mod:`deltaprop.fast.compiled_warmup`),
later processes load it (under a second; ``tests/fast/test_compiled.py`` checks that a new process compiles
nothing).  The rules the kernels share with the NumPy path (codes, clipping, the class rule) and the one struct an
epoch kernel takes are in :mod:`deltaprop.fast.compiled_rules`.

Supported: plain SGD (with L2 weight decay), no dropout, float32/float64, hidden layers sigmoid, tanh, relu,
leaky-relu, linear, and an output that is sigmoid + binary cross-entropy, softmax + cross-entropy, or any
element-wise activation with the quadratic cost.  :func:`unsupported` says why anything else is not.
"""

from __future__ import annotations

import sys
import threading

import numpy as np

from . import blas_gemm as blas
from .thread_choice import available_cpus
from .compiled_rules import ACTIVATION_CODES, KERNEL_ACTIVATIONS, KERNEL_LOSSES, LOSS_CODES, Epoch
from ..core.losses import probability_bounds
from ..core.optimizers import SGD
# Forward products with at most this many rows (samples) and units are register-blocked loops instead of a GEMM
# call: OpenBLAS packs both operands for every call, which at (10 × 784) · (784 × 30) costs more than the product
# (docs/performance.md, "loops for small forward products").
SMALL_ROWS, SMALL_UNITS = 32, 64
# Two threads share an epoch (deltaprop.fast.compiled_threads) when the first layer has few units (the register-blocked
# loops' shapes) and every later product is below the size at which OpenBLAS starts its own threads
# (m·n·k = 4 × 65,536); OpenBLAS is held to one thread meanwhile, so the two pools never compete for the cores.
THREADS = min(2, available_cpus())
OPENBLAS_THREADING_MACS = 4 * 65_536
THREAD0_SHARE = 0.5         # of layer 1's units, for thread 0 (which also runs layers 2…L)
THREADS_MAX_ROWS = 256


def _numba():
    """True when numba can be imported (looked up, not imported: importing it takes a third of a second)."""
    import importlib.util
    try:
        return importlib.util.find_spec("numba") is not None
    except (ImportError, ValueError):
        return False


def unsupported(network, optimizer, dropout):
    """Why this training run cannot take the compiled path, or None when it can."""
    if not _numba():
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
        if layer.activation.name not in KERNEL_ACTIVATIONS or not layer.activation.elementwise:
            return f"activation {layer.activation.name} in hidden layer {l}"
    output, loss = network.layers[-1].activation, network.loss
    if loss.name not in KERNEL_LOSSES:
        return f"the {loss.name} cost"
    elementwise = output.name in KERNEL_ACTIVATIONS and output.elementwise
    if not (loss.name == "quadratic" and elementwise) and not loss.bp1_is_a_minus_y(output):
        return f"{output.name} output with the {loss.name} cost (only the matched pairs and element-wise + quadratic)"
    return None


def train_epoch(network, X, Y, labels, order, batch_size, optimizer, threads=None):
    """One epoch of plain SGD on the rows ``order`` of ``(X, Y)`` (None: all, as stored; the rest of an epoch
    begun on the NumPy path is some of them), ``labels`` in that order: updates the network in place.
    ``threads``: 1 or 2 (the engine's choice for this epoch, :mod:`deltaprop.fast.thread_choice`); None:
    :func:`threads_for`'s.

    Returns ``(loss_sum, correct)`` as :func:`deltaprop.core.training.fit` books them: the sum over samples of the
    per-sample cost computed before each batch's step, and the count of correct labels (0 when ``labels`` is None).
    """
    B = min(batch_size, X.shape[0])
    two = (threads_for(network, X, batch_size) if threads is None else threads) == 2
    e = epoch_struct(network, X, Y, labels, order, B, optimizer, two)
    if two:
        loss_sum, correct = _two_threads(network, e)
    else:
        loss_sum, correct = _kernel(network.dtype)(e)
    optimizer.steps += -(-e.order.shape[0] // B)
    return float(loss_sum), int(correct)


def epoch_struct(network, X, Y, labels, order, B, optimizer, two_threads=False):
    """The :class:`deltaprop.fast.compiled_rules.Epoch` for one epoch: the network's arrays (updated in place), the
    step's numbers, the rules' codes and fresh buffers for batches of ``B`` rows (doubled for two threads)."""
    layers, dtype = network.layers, np.dtype(network.dtype)
    real, lr = dtype.type, float(optimizer.learning_rate)
    widest = max(layer.n_out for layer in layers)
    copies = (2,) if two_threads else ()

    def per_layer():
        return tuple(np.empty((B, layer.n_out), dtype) for layer in layers)
    return Epoch(
        Ws=tuple(layer.weights for layer in layers), bs=tuple(layer.biases for layer in layers),
        acts=np.array([ACTIVATION_CODES[layer.activation.name] for layer in layers], np.int64),
        slopes=np.array([getattr(layer.activation, "slope", 0.0) for layer in layers], np.float64),
        train_b=np.array([layer.train_biases for layer in layers], np.bool_),
        loss=LOSS_CODES[network.loss.name], clip_low=probability_bounds(dtype)[0],
        clip_high=probability_bounds(dtype)[1], lr=lr, beta=real(1.0 - lr * optimizer.weight_decay),
        one=real(1.0), zero=real(0.0), small_rows=SMALL_ROWS, small_units=SMALL_UNITS,
        Zs=per_layer(), As=per_layer(), Ds=per_layer(), scratch=np.empty(copies + (widest,), dtype),
        xb=np.empty(copies + (B, X.shape[1]), dtype), yb=np.empty(copies + (B, Y.shape[1]), dtype),
        X=X, Y=Y, order=(np.arange(X.shape[0]) if order is None else order).astype(np.int64, copy=False),
        labels=np.empty(0, np.int64) if labels is None else labels.astype(np.int64, copy=False), B=B)


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


def _two_threads(network, e):
    """Run :func:`deltaprop.fast.compiled_threads.epoch_part` on this thread (part 0) and a helper thread (part 1)."""
    from . import compiled_threads
    flags = np.zeros(compiled_threads.FLAGS, np.int64)
    units = network.layers[0].n_out
    split = max(4, min(units - 4, round(units * THREAD0_SHARE / 4) * 4))       # whole blocks of 4 units
    failures = []

    def helper():
        try:
            compiled_threads.epoch_part(1, split, flags, e)
        except BaseException as error:                  # noqa: BLE001 -- raised again below, in the caller
            flags[compiled_threads.ABORT] = 1
            failures.append(error)

    with blas.one_thread():                             # each of our threads calls OpenBLAS on its own
        thread = threading.Thread(target=helper, name="deltaprop-epoch-part-1", daemon=True)
        thread.start()
        try:
            result = compiled_threads.epoch_part(0, split, flags, e)
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
