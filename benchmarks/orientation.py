"""Which way round the forward GEMM runs: ``Z = A Wᵀ`` (m × n) or ``Zᵀ = W Aᵀ`` (n × m), per shape.

    python benchmarks/orientation.py                      # float32 and float64, all BLAS threads
    python benchmarks/orientation.py --threads 1 --dtypes float32
    python benchmarks/orientation.py --quick              # a few shapes, a few seconds

A layer's forward product for a batch of ``m`` rows, ``n`` units and ``k`` inputs is the same set of sums either
way round, but OpenBLAS packs and splits the two operands differently: with ``m`` = 32 rows and 256 units it was
1.5 × faster as ``Zᵀ = W Aᵀ`` on this project's benchmark host.  The compiled epoch's forward
(:func:`deltaprop.fast.compiled_kernels.forward_layer`) takes the way :func:`transposed_forward` says; this script
times both ways in NumPy's bundled OpenBLAS (the library those kernels call, bound the same way:
:mod:`deltaprop.fast.blas_gemm`), interleaved, best of ``--rounds``, checks that they are equal, and prints each
shape's GFLOPS, the ratio and whether the rule took the faster way.  Like bench.py it runs with
``OPENBLAS_CORETYPE`` / ``OPENBLAS_L2_SIZE`` unset.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

import machine

ROW, NO, TR = 101, 111, 112
ROWS = (10, 16, 32, 64, 128, 256, 1024)                 # batch sizes
LAYERS = ((30, 784), (64, 784), (128, 784), (256, 784), (512, 784), (1024, 784), (128, 256), (1024, 1024),
          (10, 128), (10, 1024))                        # (units, inputs): the benchmark's and tta.py's layers
QUICK = ((32, 256, 784), (128, 30, 784), (256, 1024, 1024))


def time_both(gemm, m, n, k, dtype, rounds, rng):
    """Seconds per call ``(A Wᵀ, W Aᵀ)`` (best of ``rounds``, interleaved) and whether the results are bitwise
    equal; raises ``AssertionError`` if they differ beyond rounding."""
    A, W = rng.standard_normal((m, k)).astype(dtype), rng.standard_normal((n, k)).astype(dtype)
    Z, Zt = np.empty((m, n), dtype), np.empty((n, m), dtype)
    a, w, z, zt = A.ctypes.data, W.ctypes.data, Z.ctypes.data, Zt.ctypes.data
    calls = max(3, int(3e8 / (2 * m * n * k)))            # about 0.1 s of work per way per round
    best = [float("inf"), float("inf")]
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(calls):
            gemm(ROW, NO, TR, m, n, k, 1.0, a, k, w, k, 0.0, z, n)
        best[0] = min(best[0], (time.perf_counter() - start) / calls)
        start = time.perf_counter()
        for _ in range(calls):
            gemm(ROW, NO, TR, n, m, k, 1.0, w, k, a, k, 0.0, zt, m)
        best[1] = min(best[1], (time.perf_counter() - start) / calls)
    scale = np.abs(A) @ np.abs(W.T)
    assert np.all(np.abs(Z - Zt.T) <= 4 * k * np.finfo(dtype).eps * scale), (m, n, k, dtype)
    return best[0], best[1], bool(np.array_equal(Z, Zt.T))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dtypes", default="float32,float64")
    parser.add_argument("--threads", type=int, help="OpenBLAS threads (default: all cores)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help=f"only {len(QUICK)} shapes")
    args = parser.parse_args(argv)
    env, removed = machine.clean_environment()
    if removed:
        os.execve(sys.executable, [sys.executable, os.path.abspath(__file__), *(argv or sys.argv[1:])], env)
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "src"))
    from deltaprop.fast import blas_gemm
    if not blas_gemm.available():
        print("NumPy's bundled OpenBLAS was not found: nothing to measure", file=sys.stderr)
        return 1
    from deltaprop.fast.compiled_kernels import transposed_forward
    if args.threads:
        blas_gemm._THREADS[1](args.threads)
    print(f"OpenBLAS threads {blas_gemm.threads()}; load average {', '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"{machine.engine_kernels('deltaprop')}")
    shapes = QUICK if args.quick else [(m, n, k) for m in ROWS for n, k in LAYERS]
    rng = np.random.default_rng(0)
    for name in args.dtypes.split(","):
        dtype = np.dtype(name)
        gemm = blas_gemm._GEMM[dtype]
        print(f"\n{name}: GFLOPS, best of {args.rounds} interleaved rounds; ratio = time of W Aᵀ / time of A Wᵀ")
        print("| rows m | units n | inputs k | A Wᵀ | W Aᵀ | ratio | equal | the kernel takes | the faster? |")
        print("|---|---|---|---|---|---|---|---|---|")
        hits = 0
        for m, n, k in shapes:
            plain, flipped, bitwise = time_both(gemm, m, n, k, dtype, args.rounds, rng)
            ratio, chosen = flipped / plain, transposed_forward(m, n, dtype.itemsize)
            right = (ratio <= 1.0) == chosen or 0.97 <= ratio <= 1.03        # a tie either way is right
            hits += right
            print(f"| {m} | {n} | {k} | {2e-9 * m * n * k / plain:.0f} | {2e-9 * m * n * k / flipped:.0f} | "
                  f"{ratio:.2f} | {'bitwise' if bitwise else 'to rounding'} | {'W Aᵀ' if chosen else 'A Wᵀ'} | "
                  f"{'yes' if right else 'NO'} |", flush=True)
        print(f"{name}: the kernel's way was the faster one (or within 3 %) for {hits} of {len(shapes)} shapes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
