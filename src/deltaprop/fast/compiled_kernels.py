"""The numba code of the compiled SGD epoch; :mod:`deltaprop.fast.compiled_epoch` decides when it runs and what it supports.

Imported only when numba is installed and NumPy's bundled OpenBLAS was found (:func:`deltaprop.fast.blas_gemm.available`).
Every function here is defined at module level, with no closure: numba keys its disk cache (``cache=True``, in
``__pycache__`` or ``NUMBA_CACHE_DIR``) on the function's code and the pickled contents of its closure, so a
closure holding a numba object that pickles differently in each process would compile again in every new process.
Defined this way, the first use compiles (a few seconds) and later processes load the machine code.

The GEMMs call OpenBLAS's ``scipy_cblas_?gemm64_`` by symbol name (registered with LLVM below), so the cached code
holds a name, not an address that changes from process to process.

Every rule the kernels share with the NumPy path -- which integer means which activation or loss, where the
cross-entropies clip, how an output becomes a class -- comes from :mod:`deltaprop.fast.compiled_rules` (and through it
from the registries, ``losses`` and ``labels``); numba reads those module constants when it compiles.  A code a
kernel does not implement raises ``ValueError``.
"""

from __future__ import annotations

import ctypes

import llvmlite.binding as llvm
import numba
import numpy as np
from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

from . import blas_gemm as blas
from .compiled_rules import BINARY_CROSS_ENTROPY, CLASS_THRESHOLD, CROSS_ENTROPY, LEAKY_RELU, LINEAR, QUADRATIC, \
    RELU, SIGMOID, SOFTMAX, TANH

ROW, N, T = 101, 111, 112           # CblasRowMajor, CblasNoTrans, CblasTrans
_SYMBOLS = {np.dtype(np.float32): "scipy_cblas_sgemm64_", np.dtype(np.float64): "scipy_cblas_dgemm64_"}
for _dtype, _name in _SYMBOLS.items():
    llvm.add_symbol(_name, ctypes.cast(blas._GEMM[_dtype], ctypes.c_void_p).value)


@intrinsic
def gemm(typingctx, order, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc):
    """``C ← α op(A) op(B) + β C`` (cblas ``?gemm``, 64-bit integers); the precision follows ``alpha``'s type.
    ``a``, ``b``, ``c`` are the arrays' addresses (``x.ctypes.data``)."""
    if alpha not in (types.float32, types.float64) or beta != alpha:
        return None
    name = _SYMBOLS[np.dtype(np.float32 if alpha == types.float32 else np.float64)]
    wanted = (types.intc,) * 3 + (types.int64,) * 3 + (alpha, types.intp, types.int64, types.intp, types.int64,
                                                       alpha, types.intp, types.int64)
    signature = types.void(order, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)

    def codegen(context, builder, sig, values):
        args = [context.cast(builder, v, have, want) for v, have, want in zip(values, sig.args, wanted)]
        function_type = ir.FunctionType(ir.VoidType(), [context.get_value_type(t) for t in wanted])
        builder.call(cgutils.get_or_insert_function(builder.module, function_type, name), args)
        return context.get_dummy_value()

    return signature, codegen


# reassoc + contract only: the 8 sums may be vectorised and fused (FMA), but NaN and inf still propagate
@numba.njit(cache=True, nogil=True, fastmath={"reassoc", "contract"})
def forward_small(prev, rows, W, Z, m, j_from, j_to, zero):
    """``Z[i, j] = prev[rows[i]] · W[j]`` for ``i < m``, ``j_from ≤ j < j_to``: 4 units × 2 samples per pass over
    the inputs, 8 sums held in registers.  ``rows`` reads the batch straight out of the data set (or 0, 1, …)."""
    d_in = W.shape[1]
    for j in range(j_from, j_to, 4):            # a block of W's rows stays in L1 while the samples pass
        j1, j2, j3 = min(j + 1, j_to - 1), min(j + 2, j_to - 1), min(j + 3, j_to - 1)
        w0, w1, w2, w3 = W[j], W[j1], W[j2], W[j3]
        for i in range(0, m, 2):
            i1 = min(i + 1, m - 1)
            x0, x1 = prev[rows[i]], prev[rows[i1]]
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


@numba.njit(cache=True, nogil=True)
def gather(X, Y, rows, m, xb, yb):
    """Copy the batch's rows ``X[rows[:m]]``, ``Y[rows[:m]]`` into the contiguous buffers ``xb``, ``yb``."""
    for i in range(m):
        r = rows[i]
        for k in range(X.shape[1]):
            xb[i, k] = X[r, k]
        for k in range(Y.shape[1]):
            yb[i, k] = Y[r, k]


@numba.njit(cache=True, nogil=True)
def activate(Z, b, A, m, j_from, j_to, code, slope, one):
    """``Z ← Z + b`` and ``A = σ(Z)`` for units ``j_from ≤ j < j_to`` (softmax: whole rows).  One loop per
    activation, with no branch inside, so that LLVM can vectorise it."""
    zero = one - one
    for i in range(m):
        z, a = Z[i], A[i]
        for j in range(j_from, j_to):
            z[j] += b[j]
        if code == SIGMOID:                             # in the data's precision (expf for float32);
            for j in range(j_from, j_to):               # exp(−z) = inf gives 1/inf = 0, the limit
                a[j] = one / (one + np.exp(-z[j]))
        elif code == TANH:
            for j in range(j_from, j_to):
                a[j] = np.tanh(z[j])
        elif code == RELU:
            for j in range(j_from, j_to):
                a[j] = zero if z[j] <= zero else z[j]      # NaN stays NaN, as in np.maximum
        elif code == LEAKY_RELU:
            for j in range(j_from, j_to):
                a[j] = z[j] if z[j] > zero else slope * z[j]
        elif code == SOFTMAX:                           # softmax over the row
            top = -np.inf
            for j in range(j_from, j_to):
                top = max(top, z[j])
            total = 0.0
            for j in range(j_from, j_to):
                a[j] = np.exp(z[j] - top)
                total += a[j]
            for j in range(j_from, j_to):
                a[j] /= total
        elif code == LINEAR:
            for j in range(j_from, j_to):
                a[j] = z[j]
        else:
            raise ValueError("compiled epoch: unknown activation code")


@numba.njit(cache=True, nogil=True)
def transposed_forward(m, d_out, itemsize):
    """True when :func:`forward_layer`'s GEMM computes ``Zᵀ = W prevᵀ`` (``d_out × m``) rather than ``Z = prev Wᵀ``:
    more units than rows (in float64 only up to 64 rows).  The same sums either way round; OpenBLAS is faster with
    the longer side as C's rows (float32: 0.45–0.85 × the time at 10–64 rows, 0.8–0.95 × at 128–256 rows and
    512+ units; float64: faster up to 64 rows, 1.05–1.18 × slower at 128).  ``benchmarks/orientation.py``
    measures both ways on a machine."""
    return d_out > m and (itemsize == 4 or m <= 64)


@numba.njit(cache=True, nogil=True)
def forward_layer(prev, rows, W, b, Z, A, m, code, slope, small_rows, small_units, one, zero, spare):
    """One layer forward for the batch: ``Z = prev Wᵀ + b`` (loops for small shapes, else a GEMM; the GEMM needs
    ``prev`` contiguous, so ``rows`` must then be 0, 1, …), ``A = σ(Z)``.  ``spare``: a contiguous array of at
    least ``m × d_out`` entries that nothing else uses during the forward pass (the layer's δ buffer)."""
    d_out, d_in = W.shape[0], W.shape[1]
    if m <= small_rows and d_out <= small_units:
        forward_small(prev, rows, W, Z, m, 0, d_out, zero)
    elif transposed_forward(m, d_out, Z.itemsize):
        Zt = spare.reshape(-1)[:d_out * m].reshape((d_out, m))
        gemm(ROW, N, T, d_out, m, d_in, one, W.ctypes.data, d_in, prev.ctypes.data, d_in, zero, Zt.ctypes.data, m)
        for i in range(m):                                              # transposed back into Z
            for j in range(d_out):
                Z[i, j] = Zt[j, i]
    else:
        gemm(ROW, N, T, m, d_out, d_in, one, prev.ctypes.data, d_in, W.ctypes.data, d_in, zero, Z.ctypes.data, d_out)
    activate(Z, b, A, m, 0, d_out, code, slope, one)


@numba.njit(cache=True, nogil=True)
def check_codes(acts, loss):
    """Raise ``ValueError`` for an activation or loss code no kernel here implements (before any step)."""
    for code in acts:
        if code not in (SIGMOID, TANH, RELU, LEAKY_RELU, LINEAR, SOFTMAX):
            raise ValueError("compiled epoch: unknown activation code")
    if loss not in (QUADRATIC, BINARY_CROSS_ENTROPY, CROSS_ENTROPY):
        raise ValueError("compiled epoch: unknown loss code")


@numba.njit(cache=True, nogil=True)
def output_delta(e, yb, m, scale, first):
    """BP1 for the batch's targets ``yb`` with η/n folded in (``scale``), and the books before the step: returns
    ``(loss_sum, correct)``.
    The cost clips as :mod:`deltaprop.core.losses` does (``e.clip_low``, ``e.clip_high``); a batch row's class is
    :func:`deltaprop.core.labels.outputs_to_labels`'s."""
    L = len(e.Ws)
    out, Zout, D, code, slope = e.As[L - 1], e.Zs[L - 1], e.Ds[L - 1], e.acts[L - 1], e.slopes[L - 1]
    dL = out.shape[1]
    loss_sum, correct = 0.0, 0
    for i in range(m):
        best, best_j, c = -np.inf, 0, 0.0
        for j in range(dL):
            a, y = out[i, j], yb[i, j]
            if e.loss == QUADRATIC:
                c += 0.5 * (a - y) * (a - y)
            elif e.loss == BINARY_CROSS_ENTROPY:
                ac = min(max(a, e.clip_low), e.clip_high)
                c -= y * np.log(ac) + (1.0 - y) * np.log1p(-ac)
            else:                                       # cross-entropy: only the lower clip matters (ln 1 = 0)
                c -= y * np.log(max(a, e.clip_low))
            if best == best and not a <= best:          # np.argmax: the first maximum, a NaN wins
                best, best_j = a, j
            g = a - y                                   # matched pairs: δ = a − y
            if e.loss == QUADRATIC:                     # quadratic: (a − y) σ'(z)
                if code == SIGMOID:
                    g *= a * (1.0 - a)
                elif code == TANH:
                    g *= 1.0 - a * a
                elif code == RELU:
                    g = g if Zout[i, j] > 0 else 0.0
                elif code == LEAKY_RELU:
                    g = g if Zout[i, j] > 0 else g * slope
                elif code != LINEAR:
                    raise ValueError("compiled epoch: unknown output activation code for the quadratic cost")
            D[i, j] = g * scale
        loss_sum += c
        if e.labels.shape[0]:
            predicted = best_j if dL > 1 else (1 if out[i, 0] >= CLASS_THRESHOLD else 0)
            if predicted == e.labels[first + i]:
                correct += 1
    return loss_sum, correct


@numba.njit(cache=True, nogil=True)
def hidden_delta(D, W, Dp, Ap, Zp, m, code, slope, one, zero):
    """BP2: ``Dp = (D W) ⊙ σ'(Zp)`` (one GEMM, then one loop)."""
    d_out, d_in = W.shape[0], W.shape[1]
    gemm(ROW, N, N, m, d_in, d_out, one, D.ctypes.data, d_out, W.ctypes.data, d_in, zero, Dp.ctypes.data, d_in)
    for i in range(m):                                  # one loop per activation, no branch inside
        dp, ap, zp = Dp[i], Ap[i], Zp[i]
        if code == SIGMOID:
            for j in range(d_in):
                dp[j] *= ap[j] * (one - ap[j])
        elif code == TANH:
            for j in range(d_in):
                dp[j] *= one - ap[j] * ap[j]
        elif code == RELU:
            for j in range(d_in):
                dp[j] = dp[j] if zp[j] > zero else zero
        elif code == LEAKY_RELU:
            for j in range(d_in):
                dp[j] = dp[j] if zp[j] > zero else dp[j] * slope
        elif code != LINEAR:
            raise ValueError("compiled epoch: unknown hidden activation code")


@numba.njit(cache=True, nogil=True)
def bias_step(D, b, total, m, j_from, j_to):
    """BP3 and the bias step for units ``j_from ≤ j < j_to``: ``b ← b − 1ᵀD`` (η/n is already in D), the column
    sums taken row by row (D is read in memory order) into ``total``, a scratch row in D's precision."""
    for j in range(j_from, j_to):
        total[j] = D[0, j]
    for i in range(1, m):
        for j in range(j_from, j_to):
            total[j] += D[i, j]
    for j in range(j_from, j_to):
        b[j] -= total[j]


@numba.njit(cache=True, nogil=True)
def update(D, prev, W, m, j_from, j_to, beta, one):
    """BP4 and the step for units ``j_from ≤ j < j_to``, one GEMM on that block of W's rows:
    ``W[j_from:j_to] ← β W[j_from:j_to] − D[:m, j_from:j_to]ᵀ prev[:m]`` (β = 1 − ηλ/n: weight decay folded
    in)."""
    d_out, d_in, size = W.shape[0], W.shape[1], W.itemsize
    gemm(ROW, T, N, j_to - j_from, d_in, m, -one, D.ctypes.data + j_from * size, d_out, prev.ctypes.data, d_in, beta,
         W.ctypes.data + j_from * d_in * size, d_in)


@numba.njit(cache=True, nogil=True)
def epoch(e):
    """One epoch of plain SGD over :class:`deltaprop.fast.compiled_rules.Epoch` ``e``; returns ``(loss_sum, correct)``.
    Each batch: gather, forward, BP1 (+ the books), then from the last layer down BP2, BP3 and BP4 with each
    layer's step as soon as its weights have been used."""
    check_codes(e.acts, e.loss)
    n, L, B = e.order.shape[0], len(e.Ws), e.B         # n: the rows of this epoch
    Ws, bs, Zs, As, Ds, acts, slopes = e.Ws, e.bs, e.Zs, e.As, e.Ds, e.acts, e.slopes
    loss_sum, correct = 0.0, 0
    contiguous = np.arange(B)                           # the gathered batch's rows, in order
    for start in range(0, n, B):
        m = min(B, n - start)
        gather(e.X, e.Y, e.order[start:start + m], m, e.xb, e.yb)
        for l in range(L):
            forward_layer(e.xb if l == 0 else As[l - 1], contiguous, Ws[l], bs[l], Zs[l], As[l], m, acts[l],
                          slopes[l], e.small_rows, e.small_units, e.one, e.zero, Ds[l])
        batch_loss, batch_correct = output_delta(e, e.yb, m, e.lr / m, start)
        loss_sum += batch_loss
        correct += batch_correct
        for l in range(L - 1, -1, -1):
            if l > 0:
                hidden_delta(Ds[l], Ws[l], Ds[l - 1], As[l - 1], Zs[l - 1], m, acts[l - 1], slopes[l - 1], e.one,
                             e.zero)
            if e.train_b[l]:
                bias_step(Ds[l], bs[l], e.scratch, m, 0, Ws[l].shape[0])
            update(Ds[l], e.xb if l == 0 else As[l - 1], Ws[l], m, 0, Ws[l].shape[0], e.beta, e.one)
    return loss_sum, correct
