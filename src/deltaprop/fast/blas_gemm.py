"""One BLAS call NumPy does not expose: GEMM that adds into its output.

``np.matmul(a, b, out=c)`` always overwrites ``c``.  BLAS's GEMM computes
``C ← α·op(A)·B + β·C``, and with ``β = 1`` the plain-SGD step for a weight
matrix, ``W ← W − Δᵀ A`` (``Δ`` already carrying ``η/n``, see
:func:`deltaprop.core.backprop.backward_pass`), is one call: BP4 and the update
together, with no gradient array written, no pass that zeroes it first
(OpenBLAS clears ``C`` when ``β = 0``) and no pass that subtracts it from
``W``.  For the 256 × 784 first layer of a [784, 256, 128, 10] network at
batch 32 that is 80 µs instead of 119 µs per step.

The library is the OpenBLAS that NumPy's own wheels bundle
(``scipy_openblas64_``: 64-bit integers, symbols ``scipy_cblas_?gemm64_``),
found next to NumPy and already loaded by it, so it shares NumPy's thread
pool; nothing extra is installed.  :func:`gemm_tn_accumulate` returns False
and the caller uses NumPy when that library is absent (NumPy built against
another BLAS), when ``DELTAPROP_NO_BLAS`` is set, when the arrays are not
C-contiguous and of one float dtype, or when the matrix is too small for the
call's fixed cost (~4 µs) to pay.
"""

from __future__ import annotations

import contextlib
import ctypes
import glob
import os

import numpy as np

MIN_SIZE = 1 << 16          # entries of C below which NumPy's matmul + subtract is as fast
_ROW_MAJOR, _NO_TRANS, _TRANS = 101, 111, 112


def _load():
    """``({dtype: gemm function}, (get_num_threads, set_num_threads))`` from NumPy's bundled OpenBLAS, or
    ``({}, None)``."""
    if os.environ.get("DELTAPROP_NO_BLAS"):
        return {}, None
    here = os.path.dirname(np.__file__)
    candidates = (glob.glob(os.path.join(here, os.pardir, "numpy.libs", "libscipy_openblas64_*"))
                  + glob.glob(os.path.join(here, ".dylibs", "libscipy_openblas64_*")))
    for path in sorted(candidates):
        try:
            lib = ctypes.CDLL(path)
            functions = {np.dtype(np.float32): (lib.scipy_cblas_sgemm64_, ctypes.c_float),
                         np.dtype(np.float64): (lib.scipy_cblas_dgemm64_, ctypes.c_double)}
            threads = (lib.scipy_openblas_get_num_threads64_, lib.scipy_openblas_set_num_threads64_)
        except (OSError, AttributeError):
            continue
        gemms = {}
        threads[0].argtypes, threads[0].restype = [], ctypes.c_int
        threads[1].argtypes, threads[1].restype = [ctypes.c_int], None
        for dtype, (gemm, real) in functions.items():
            index = ctypes.c_int64
            gemm.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int, index, index, index, real,
                             ctypes.c_void_p, index, ctypes.c_void_p, index, real, ctypes.c_void_p, index]
            gemm.restype = None
            gemms[dtype] = gemm
        return gemms, threads
    return {}, None


_GEMM, _THREADS = _load()


def available():
    """True when the bundled OpenBLAS was found (the fused update can run)."""
    return bool(_GEMM)


def threads():
    """OpenBLAS's current thread count (``OPENBLAS_NUM_THREADS``, threadpoolctl …), or None when not found."""
    return None if _THREADS is None else _THREADS[0]()


@contextlib.contextmanager
def one_thread():
    """Inside the block, OpenBLAS runs every call on the calling thread (for two threads of our own that each call
    it); the previous thread count comes back after.  Process-wide: NumPy products on other threads meanwhile run on
    one thread too."""
    if _THREADS is None:
        yield
        return
    before = _THREADS[0]()
    _THREADS[1](1)
    try:
        yield
    finally:
        _THREADS[1](before)


def gemm_tn_accumulate(c, a, b, alpha):
    """``c += alpha · aᵀ @ b`` in place, in one GEMM call; False (nothing done) if not possible here.

    ``c`` must not share memory with ``a`` or ``b``.

    Parameters
    ----------
    c : ndarray, shape (m, k)
    a : ndarray, shape (n, m)
    b : ndarray, shape (n, k)
    alpha : float

    Returns
    -------
    bool
        True if ``c`` was updated; False if the caller must do it with NumPy.
    """
    gemm = _GEMM.get(c.dtype)
    if (gemm is None or c.size < MIN_SIZE or a.dtype != c.dtype or b.dtype != c.dtype or not c.flags.writeable
            or not (c.flags.c_contiguous and a.flags.c_contiguous and b.flags.c_contiguous)):
        return False
    (n, m), k = a.shape, c.shape[1]
    assert c.shape == (m, k) and b.shape == (n, k), (c.shape, a.shape, b.shape)
    # row-major: C (m×k) ← alpha · Aᵀ (m×n) · B (n×k) + 1 · C; leading dimensions are the row lengths
    gemm(_ROW_MAJOR, _TRANS, _NO_TRANS, m, k, n, alpha, a.ctypes.data, m, b.ctypes.data, k, 1.0, c.ctypes.data, k)
    return True
