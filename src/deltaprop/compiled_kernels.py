"""The numba code of the compiled SGD epoch; :mod:`deltaprop.compiled` decides when it runs and what it supports.

Imported only when numba is installed and NumPy's bundled OpenBLAS was found (:func:`deltaprop.blas.available`).
Every function here is defined at module level, with no closure: numba keys its disk cache (``cache=True``, in
``__pycache__`` or ``NUMBA_CACHE_DIR``) on the function's code and the pickled contents of its closure, so a
closure holding a numba object that pickles differently in each process would compile again in every new process.
Defined this way, the first use compiles (a few seconds) and later processes load the machine code.

The GEMMs call OpenBLAS's ``scipy_cblas_?gemm64_`` by symbol name (registered with LLVM below), so the cached code
holds a name, not an address that changes from process to process.
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

from . import blas

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
@numba.njit(cache=True, fastmath={"reassoc", "contract"})
def forward_small(prev, W, Z, m, zero):
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
def epoch(Ws, bs, Zs, As, Ds, xb, yb, X, Y, order, labels, B, lr, beta, acts, slopes, train_b, loss_code,
          small_rows, small_units, one, zero):
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
                forward_small(prev, W, Z, m, zero)
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
            gemm(ROW, T, N, d_out, d_in, m, -one, D.ctypes.data, d_out, prev.ctypes.data, d_in, beta,
                 W.ctypes.data, d_in)
    return loss_sum, correct

