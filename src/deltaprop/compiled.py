"""A compiled SGD epoch (numba): the whole loop over mini-batches in machine code, no Python per batch.

Speed work beside the reference, like :mod:`deltaprop.fused`: the same four equations and the same update,
tested equal to the NumPy path (``tests/performance/test_compiled.py``).  Where it helps: small batches, where
Python's fixed cost per NumPy call (about 30 calls a batch) is most of an epoch.  Each batch is

* gathered from the epoch's permutation into a contiguous buffer;
* forward: ``Z^l = A^{l−1} W^lᵀ`` (one GEMM; for at most ``SMALL_ROWS`` samples and ``SMALL_UNITS`` units a
  register-blocked loop instead, see :data:`SMALL_ROWS`), then ``+ b`` and ``σ`` in one loop;
* BP1 with η/n folded in (``a − y`` for the matched pairs, ``(a − y) σ'(z)`` for the quadratic cost);
* BP2 as one GEMM and one loop for ``⊙ σ'``; BP3 as column sums subtracted from ``b``;
* BP4 and the step as one GEMM with β = 1 − ηλ/n (weight decay folded in): ``W ← β W − Δᵀ A``.

The GEMMs call the OpenBLAS that NumPy's wheels bundle (the library :mod:`deltaprop.blas` finds), bound by
symbol name so that numba can cache the compiled code on disk (``cache=True``): the first use compiles (a few
seconds), later runs load it.

Supported: plain SGD (with L2 weight decay), no dropout, float32/float64, hidden layers sigmoid, tanh, relu,
leaky-relu, linear, and an output that is sigmoid + binary cross-entropy, softmax + cross-entropy, or any
element-wise activation with the quadratic cost.  :func:`unsupported` says why anything else is not.
"""

from __future__ import annotations

import ctypes

import numpy as np

from . import blas
from .optimizers import SGD

_ACT = {"sigmoid": 0, "tanh": 1, "relu": 2, "leaky-relu": 3, "linear": 4, "softmax": 5}
_LOSS = {"quadratic": 0, "binary-cross-entropy": 1, "cross-entropy": 2}
_kernels = None             # {dtype: compiled epoch function}, built on first use
# Forward products with at most this many rows (samples) and units are register-blocked loops instead of a GEMM
# call: OpenBLAS packs both operands for every call, which at (10 × 784) · (784 × 30) costs more than the product
# (docs/performance.md, "loops for small forward products").
SMALL_ROWS, SMALL_UNITS = 32, 64


def _numba():
    try:
        import llvmlite.binding
        import numba
        return numba, llvmlite.binding
    except ImportError:
        return None, None


def unsupported(network, optimizer, dropout):
    """Why this training run cannot take the compiled path, or None when it can."""
    numba, _ = _numba()
    if numba is None:
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
    if not (loss == "quadratic" and out in _ACT and out != "softmax") and not network.loss.fuses_with(
            network.layers[-1].activation):
        return f"{out} output with the {loss} cost (only the matched pairs and element-wise + quadratic)"
    return None


def train_epoch(network, X, Y, labels, order, batch_size, optimizer):
    """One epoch of plain SGD on ``(X, Y)`` in ``order``: updates the network in place.

    Returns ``(loss_sum, correct)`` as :func:`deltaprop.training.fit` books them: the sum over samples of the
    per-sample cost computed before each batch's step, and the count of correct labels (0 when ``labels`` is None).
    """
    kernel = _kernel(network.dtype)
    layers = network.layers
    dtype = network.dtype
    Ws = tuple(layer.weights for layer in layers)
    bs = tuple(layer.biases for layer in layers)
    acts = np.array([_ACT[layer.activation.name] for layer in layers], np.int64)
    slopes = np.array([getattr(layer.activation, "slope", 0.0) for layer in layers], np.float64)
    train_b = np.array([layer.train_biases for layer in layers], np.bool_)
    B = min(batch_size, X.shape[0])
    Zs = tuple(np.empty((B, layer.n_out), dtype) for layer in layers)
    As = tuple(np.empty((B, layer.n_out), dtype) for layer in layers)
    Ds = tuple(np.empty((B, layer.n_out), dtype) for layer in layers)
    xb = np.empty((B, X.shape[1]), dtype)
    yb = np.empty((B, Y.shape[1]), dtype)
    order = np.arange(X.shape[0]) if order is None else order
    label_arr = np.empty(0, np.int64) if labels is None else labels
    loss_sum, correct = kernel(Ws, bs, Zs, As, Ds, xb, yb, X, Y, order.astype(np.int64), label_arr, B,
                               float(optimizer.learning_rate), float(optimizer.weight_decay), acts, slopes, train_b,
                               _LOSS[network.loss.name], SMALL_ROWS, SMALL_UNITS)
    optimizer.steps += -(-X.shape[0] // B)
    return float(loss_sum), int(correct)


def _kernel(dtype, name="epoch"):
    """The compiled ``epoch`` (or its ``forward_small``) for ``dtype``: compiled, or loaded from numba's cache, on
    first use."""
    global _kernels
    if _kernels is None:
        _kernels = _build()
    return _kernels[np.dtype(dtype)][name]


def _build():
    numba, llvm = _numba()
    from numba import types
    kernels = {}
    for dtype, (name, real) in {np.dtype(np.float32): ("scipy_cblas_sgemm64_", types.float32),
                                np.dtype(np.float64): ("scipy_cblas_dgemm64_", types.float64)}.items():
        function = blas._GEMM[dtype]
        llvm.add_symbol(name, ctypes.cast(function, ctypes.c_void_p).value)     # bound by name: cacheable
        signature = types.void(types.intc, types.intc, types.intc, types.int64, types.int64, types.int64, real,
                               types.intp, types.int64, types.intp, types.int64, real, types.intp, types.int64)
        kernels[dtype] = _make_epoch(numba, types.ExternalFunction(name, signature), dtype)
    return kernels


def _make_epoch(numba, gemm, dtype):
    ROW, N, T = 101, 111, 112
    real = dtype.type                   # np.float32 or np.float64: the GEMM's scalar type
    one, zero = real(1.0), real(0.0)

    # reassoc + contract only: the 8 sums may be vectorised and fused (FMA), but NaN and inf still propagate
    @numba.njit(cache=True, fastmath={"reassoc", "contract"})
    def forward_small(prev, W, Z, m):
        """``Z[:m] = prev[:m] Wᵀ``: 4 units × 2 samples per pass over the inputs, 8 sums held in registers."""
        d_out, d_in = W.shape[0], W.shape[1]
        for j in range(0, d_out, 4):                # a block of W's rows stays in L1 while the samples pass
            j1, j2, j3 = min(j + 1, d_out - 1), min(j + 2, d_out - 1), min(j + 3, d_out - 1)
            w0, w1, w2, w3 = W[j], W[j1], W[j2], W[j3]
            for i in range(0, m, 2):
                i1 = min(i + 1, m - 1)
                x0, x1 = prev[i], prev[i1]
                s0, s1, s2, s3, t0, t1, t2, t3 = zero, zero, zero, zero, zero, zero, zero, zero
                for k in range(d_in):
                    a, b = x0[k], x1[k]
                    v0, v1, v2, v3 = w0[k], w1[k], w2[k], w3[k]
                    s0 += a * v0
                    s1 += a * v1
                    s2 += a * v2
                    s3 += a * v3
                    t0 += b * v0
                    t1 += b * v1
                    t2 += b * v2
                    t3 += b * v3
                Z[i, j], Z[i, j1], Z[i, j2], Z[i, j3] = s0, s1, s2, s3       # a repeated index (the edges)
                Z[i1, j], Z[i1, j1], Z[i1, j2], Z[i1, j3] = t0, t1, t2, t3   # writes the same sum twice

    @numba.njit(cache=True, fastmath=False)
    def epoch(Ws, bs, Zs, As, Ds, xb, yb, X, Y, order, labels, B, lr, decay, acts, slopes, train_b, loss_code,
              small_rows, small_units):
        n, d0, dL = X.shape[0], X.shape[1], Y.shape[1]
        L = len(Ws)
        loss_sum, correct = 0.0, 0
        for start in range(0, n, B):
            m = min(B, n - start)
            for i in range(m):                                  # gather the batch's rows
                r = order[start + i]
                for k in range(d0):
                    xb[i, k] = X[r, k]
                for k in range(dL):
                    yb[i, k] = Y[r, k]
            for l in range(L):                                  # forward: Z = A Wᵀ (GEMM), then + b and σ
                W, Z, A = Ws[l], Zs[l], As[l]
                prev = xb if l == 0 else As[l - 1]
                d_out, d_in = W.shape[0], W.shape[1]
                if m <= small_rows and d_out <= small_units:
                    forward_small(prev, W, Z, m)
                else:
                    gemm(ROW, N, T, m, d_out, d_in, one, prev.ctypes.data, d_in, W.ctypes.data, d_in, zero,
                         Z.ctypes.data, d_out)
                b, code, slope = bs[l], acts[l], slopes[l]
                for i in range(m):
                    if code == 5:                               # softmax over the row
                        top = -np.inf
                        for j in range(d_out):
                            Z[i, j] += b[j]
                            top = max(top, Z[i, j])
                        total = 0.0
                        for j in range(d_out):
                            A[i, j] = np.exp(Z[i, j] - top)
                            total += A[i, j]
                        for j in range(d_out):
                            A[i, j] /= total
                        continue
                    for j in range(d_out):
                        z = Z[i, j] + b[j]
                        Z[i, j] = z
                        if code == 0:                           # in the data's precision (expf for float32);
                            A[i, j] = one / (one + np.exp(-z))  # exp(−z) = inf gives 1/inf = 0, the limit
                        elif code == 1:
                            A[i, j] = np.tanh(z)
                        elif code == 2:
                            A[i, j] = z if z > 0 else 0.0
                        elif code == 3:
                            A[i, j] = z if z > 0 else slope * z
                        else:
                            A[i, j] = z
            out, D = As[L - 1], Ds[L - 1]                       # the books, before the step; BP1 (× η/n)
            scale = lr / m
            code = acts[L - 1]
            for i in range(m):
                best, best_j, c = -np.inf, 0, 0.0
                for j in range(dL):
                    a, y = out[i, j], yb[i, j]
                    if loss_code == 0:
                        c += 0.5 * (a - y) * (a - y)
                    elif loss_code == 1:
                        ac = min(max(a, 1e-300), 1.0 - 1e-16)
                        c -= y * np.log(ac) + (1.0 - y) * np.log1p(-ac)
                    else:
                        c -= y * np.log(max(a, 1e-300))
                    if a > best:
                        best, best_j = a, j
                    g = a - y                                   # matched pairs: δ = a − y
                    if loss_code == 0:                          # quadratic: (a − y) σ'(z)
                        if code == 0:
                            g *= a * (1.0 - a)
                        elif code == 1:
                            g *= 1.0 - a * a
                        elif code == 2:
                            g = g if Zs[L - 1][i, j] > 0 else 0.0
                        elif code == 3:
                            g = g if Zs[L - 1][i, j] > 0 else g * slopes[L - 1]
                    D[i, j] = g * scale
                loss_sum += c
                if labels.shape[0]:
                    predicted = best_j if dL > 1 else (1 if out[i, 0] >= 0.5 else 0)
                    if predicted == labels[start + i]:
                        correct += 1
            for l in range(L - 1, -1, -1):                      # backward, the step as soon as W^l is used
                W, D = Ws[l], Ds[l]
                d_out, d_in = W.shape[0], W.shape[1]
                if l > 0:                                       # BP2: Δ^{l−1} = (Δ^l W^l) ⊙ σ'(Z^{l−1})
                    Dp, Ap, Zp = Ds[l - 1], As[l - 1], Zs[l - 1]
                    gemm(ROW, N, N, m, d_in, d_out, one, D.ctypes.data, d_out, W.ctypes.data, d_in, zero,
                         Dp.ctypes.data, d_in)
                    code, slope = acts[l - 1], slopes[l - 1]
                    for i in range(m):
                        for j in range(d_in):
                            if code == 0:
                                Dp[i, j] *= Ap[i, j] * (1.0 - Ap[i, j])
                            elif code == 1:
                                Dp[i, j] *= 1.0 - Ap[i, j] * Ap[i, j]
                            elif code == 2:
                                if Zp[i, j] <= 0:
                                    Dp[i, j] = 0.0
                            elif code == 3:
                                if Zp[i, j] <= 0:
                                    Dp[i, j] *= slope
                if train_b[l]:                                  # BP3 (1ᵀΔ, summed row by row) and the bias step
                    b, total = bs[l], np.zeros(d_out, D.dtype)
                    for i in range(m):
                        for j in range(d_out):
                            total[j] += D[i, j]
                    for j in range(d_out):
                        b[j] -= total[j]
                prev = xb if l == 0 else As[l - 1]              # BP4 and the step: W ← (1 − ηλ/n) W − Δᵀ A
                gemm(ROW, T, N, d_out, d_in, m, -one, D.ctypes.data, d_out, prev.ctypes.data, d_in,
                     real(1.0 - lr * decay), W.ctypes.data, d_in)
        return loss_sum, correct

    return {"epoch": epoch, "forward_small": forward_small}
