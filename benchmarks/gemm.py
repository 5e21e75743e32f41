"""The large GEMM: NumPy's bundled OpenBLAS against the GEMMs that install from the package index, per shape.

    python benchmarks/gemm.py                               # C/256's shapes, float32 and float64
    python benchmarks/gemm.py --lib scipy_openblas64=/path/to/libscipy_openblas64_.so --lib mkl=/path/libmkl_rt.so.2

Candidates (each optional; pass ``--lib NAME=PATH`` or let it find the installed packages):

* ``numpy``: ``np.matmul`` (NumPy's bundled OpenBLAS; what deltaprop's GEMMs call, ``deltaprop.fast.blas_gemm``);
* ``scipy_openblas64`` / ``scipy_openblas32``: a newer OpenBLAS from PyPI (``pip install scipy-openblas64``),
  bound by symbol (``scipy_cblas_?gemm64_`` / ``scipy_cblas_?gemm``) as ``deltaprop.fast.blas_gemm`` binds NumPy's;
* ``mkl``: Intel MKL from PyPI (``pip install mkl``), ``cblas_?gemm`` in ``libmkl_rt``;
* ``blis``: the ``blis`` package's ``blis.py.gemm`` (BLIS, single-threaded build).

The shapes are those of one C/256 batch ([784, 1024, 1024, 10] at batch 256): forward ``Z = A Wᵀ``, BP2
``D W`` and BP4 + the step ``W −= Dᵀ A``.  Every candidate runs every shape in turn (interleaved rounds, best
time kept), runs with the host's OpenBLAS overrides unset (like bench.py), and is checked equal to NumPy's
product (float tolerance) before it is timed.  Prints GFLOPS per shape and each candidate's ratio to NumPy.
"""

from __future__ import annotations

import argparse
import ctypes
import glob
import os
import sys
import sysconfig
import time

import numpy as np

import machine

ROW, NO, TR = 101, 111, 112
SHAPES = [  # (name, m, n, k, trans_a, trans_b): C (m × n) = op(A) op(B), inner k
    ("forward 1  256×784 · 784→1024", 256, 1024, 784, False, True),
    ("forward 2  256×1024 · 1024→1024", 256, 1024, 1024, False, True),
    ("BP2        256×1024 · 1024×1024", 256, 1024, 1024, False, False),
    ("BP4 1      1024×256 · 256×784", 1024, 784, 256, True, False),
    ("BP4 2      1024×256 · 256×1024", 1024, 1024, 256, True, False),
]


def _cblas(path, symbols, index):
    lib = ctypes.CDLL(path, mode=ctypes.RTLD_LOCAL)
    functions = {}
    for dtype, name in symbols.items():
        real = ctypes.c_float if dtype == np.float32 else ctypes.c_double
        fn = getattr(lib, name)
        fn.argtypes = [ctypes.c_int] * 3 + [index] * 3 + [real, ctypes.c_void_p, index, ctypes.c_void_p, index, real,
                                                           ctypes.c_void_p, index]
        fn.restype = None
        functions[np.dtype(dtype)] = fn

    def gemm(a, b, c, ta, tb):
        m, n = c.shape
        k = a.shape[0] if ta else a.shape[1]
        functions[c.dtype](ROW, TR if ta else NO, TR if tb else NO, m, n, k, 1.0, a.ctypes.data, a.shape[1],
                           b.ctypes.data, b.shape[1], 0.0, c.ctypes.data, n)
    return gemm


def candidates(paths):
    """``{name: gemm(a, b, c, trans_a, trans_b)}`` of every candidate found."""
    def numpy_gemm(a, b, c, ta, tb):
        np.matmul(a.T if ta else a, b.T if tb else b, out=c)
    found = {"numpy": numpy_gemm}
    site = [p for p in sys.path if p and os.path.isdir(p)] + [sysconfig.get_paths()["purelib"]]

    def first(pattern, given):
        if given:
            return given
        hits = sorted(h for s in site for h in glob.glob(os.path.join(s, pattern)))
        return hits[0] if hits else None
    specs = {
        "scipy_openblas64": (first("scipy_openblas64/lib/libscipy_openblas64_*.so", paths.get("scipy_openblas64")),
                             {np.float32: "scipy_cblas_sgemm64_", np.float64: "scipy_cblas_dgemm64_"}, ctypes.c_int64),
        "scipy_openblas32": (first("scipy_openblas32/lib/libscipy_openblas*.so", paths.get("scipy_openblas32")),
                             {np.float32: "scipy_cblas_sgemm", np.float64: "scipy_cblas_dgemm"}, ctypes.c_int),
        "mkl": (paths.get("mkl") or first("../../libmkl_rt.so*", None),
                {np.float32: "cblas_sgemm", np.float64: "cblas_dgemm"}, ctypes.c_int),
    }
    for name, (path, symbols, index) in specs.items():
        if path:
            try:
                found[name] = _cblas(path, symbols, index)
            except (OSError, AttributeError) as error:
                print(f"{name}: not usable ({error})", file=sys.stderr)
    try:
        from blis.py import gemm as blis_gemm

        def blis_call(a, b, c, ta, tb):
            blis_gemm(a, b, trans1=ta, trans2=tb, out=c)
        found["blis"] = blis_call
    except ImportError:
        pass
    return found


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lib", action="append", default=[], help="NAME=PATH of a candidate's shared library")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--repeats", type=int, default=3, help="calls per shape per round")
    parser.add_argument("--dtypes", default="float32,float64")
    args = parser.parse_args(argv)
    env, removed = machine.clean_environment()
    if removed:
        os.execve(sys.executable, [sys.executable, os.path.abspath(__file__), *(argv or sys.argv[1:])], env)
    paths = dict(item.split("=", 1) for item in args.lib)
    gemms = candidates(paths)
    print(f"candidates: {', '.join(gemms)}; load average {', '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"BLAS libraries in this process: {machine.engine_kernels('deltaprop')}")
    rng = np.random.default_rng(0)
    every = gemms
    for dtype in args.dtypes.split(","):
        gemms = dict(every)
        best = {(name, shape[0]): float("inf") for name in gemms for shape in SHAPES}
        arrays = {}
        for label, m, n, k, ta, tb in SHAPES:
            a = rng.standard_normal((k, m) if ta else (m, k)).astype(dtype)
            b = rng.standard_normal((n, k) if tb else (k, n)).astype(dtype)
            arrays[label] = (a, b, np.empty((m, n), dtype))
            expected = (a.T if ta else a).astype(np.float64) @ (b.T if tb else b).astype(np.float64)
            for name, gemm in list(gemms.items()):
                c = np.zeros((m, n), dtype)
                gemm(a, b, c, ta, tb)
                tolerance = 1e-4 if dtype == "float32" else 1e-11
                if not np.allclose(c, expected, rtol=tolerance, atol=tolerance * np.sqrt(k)):
                    print(f"{name}: {dtype} {label.split()[0]} differs from the float64 product beyond rounding: "
                          f"dropped for {dtype}")
                    del gemms[name]
        for round_ in range(args.rounds):
            order = list(gemms) if round_ % 2 == 0 else list(gemms)[::-1]
            for label, m, n, k, ta, tb in SHAPES:
                a, b, c = arrays[label]
                for name in order:
                    gemm = gemms[name]
                    start = time.perf_counter()
                    for _ in range(args.repeats):
                        gemm(a, b, c, ta, tb)
                    best[name, label] = min(best[name, label], (time.perf_counter() - start) / args.repeats)
        print(f"\n{dtype}: GFLOPS (best of {args.rounds} interleaved rounds × {args.repeats} calls), ratio = "
              f"time / NumPy's time")
        print("| shape | " + " | ".join(gemms) + " | " + " | ".join(f"{g}/numpy" for g in gemms if g != "numpy")
              + " |")
        print("|---" * (1 + 2 * len(gemms) - 1) + "|")
        totals = dict.fromkeys(gemms, 0.0)
        for label, m, n, k, ta, tb in SHAPES:
            flops = 2.0 * m * n * k
            for name in gemms:
                totals[name] += best[name, label]
            cells = [f"{flops / best[name, label] / 1e9:.0f}" for name in gemms]
            ratios = [f"{best[name, label] / best['numpy', label]:.3f}" for name in gemms if name != "numpy"]
            print(f"| {label} | " + " | ".join(cells + ratios) + " |")
        ratios = [f"{totals[name] / totals['numpy']:.3f}" for name in gemms if name != "numpy"]
        print("| one batch's five products (s) | " + " | ".join(f"{totals[name] * 1e3:.2f} ms" for name in gemms)
              + " | " + " | ".join(ratios) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
