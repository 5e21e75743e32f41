"""What the machine can do, measured, and which kernels each engine runs on it.

* :data:`HOST_OVERRIDES` / :func:`clean_environment`: these hosts set ``OPENBLAS_CORETYPE`` and
  ``OPENBLAS_L2_SIZE`` (for old OpenBLAS builds).  On a current NumPy they force slower kernels (Haswell's AVX2
  kernels on an AVX-512 CPU) and a user's machine does not set them, so the benchmark -- that command only --
  runs without them.  Tests and CI keep the host's environment.
* :func:`gemm_peak`: the best rate of NumPy's own GEMM on large square products (the "physical" compute limit
  the benchmark divides by); :func:`memory_bandwidth`: the best rate of a large copy (bytes read + written).
* :func:`blas_pools`: the BLAS libraries loaded in this process and the kernel each one chose (threadpoolctl's
  ``architecture``, e.g. ``SkylakeX`` or ``Haswell``); :func:`engine_kernels` adds what threadpoolctl cannot
  see (PyTorch's statically linked MKL, XLA's own kernels).
"""

from __future__ import annotations

import os
import time

HOST_OVERRIDES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


def clean_environment(env=None):
    """``(env without the host's OpenBLAS overrides, {name: value removed})``."""
    env = dict(os.environ if env is None else env)
    removed = {name: env.pop(name) for name in HOST_OVERRIDES if name in env}
    return env, removed


def _best_rate(work, seconds, repeats):
    """The best ``work / time`` over ``repeats`` calls of ``seconds()``."""
    return max(work / seconds() for _ in range(repeats))


def gemm_peak(dtype="float32", n=2048, repeats=5):
    """GFLOPS of NumPy's GEMM on an ``n × n`` product (best of ``repeats``, all BLAS threads): ``2 n³`` flops."""
    import numpy as np
    rng = np.random.default_rng(0)
    a, b = rng.random((n, n), dtype=np.float64).astype(dtype), rng.random((n, n), dtype=np.float64).astype(dtype)
    c = np.empty((n, n), dtype)
    np.matmul(a, b, out=c)                                  # warm-up: threads started, pages touched

    def once():
        start = time.perf_counter()
        np.matmul(a, b, out=c)
        return time.perf_counter() - start
    return _best_rate(2.0 * n ** 3, once, repeats) / 1e9


def memory_bandwidth(megabytes=256, repeats=5):
    """GB/s of a copy between two ``megabytes`` arrays (bytes read + bytes written, best of ``repeats``)."""
    import numpy as np
    src = np.ones(megabytes * 2**20 // 8)
    dst = np.empty_like(src)
    np.copyto(dst, src)

    def once():
        start = time.perf_counter()
        np.copyto(dst, src)
        return time.perf_counter() - start
    return _best_rate(2.0 * src.nbytes, once, repeats) / 1e9


def blas_pools():
    """``[{"library", "api", "version", "architecture", "threads"}]`` of the BLAS pools loaded in this process
    (threadpoolctl); empty when threadpoolctl is missing."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return []
    return [{"library": os.path.basename(pool["filepath"]), "api": pool.get("internal_api"),
             "version": pool.get("version"), "architecture": pool.get("architecture"),
             "threads": pool.get("num_threads")}
            for pool in threadpool_info() if pool.get("user_api") == "blas"]


def engine_kernels(engine):
    """One line: the GEMM kernels ``engine`` runs on here (call in the engine's process, after it ran)."""
    pools = [f"{p['api']} {p['version']} kernel {p['architecture']}" for p in blas_pools()]
    if engine == "torch":
        import torch
        capability = torch.backends.cpu.get_cpu_capability()
        blas = "MKL" if torch.backends.mkl.is_available() else "its own BLAS"
        return f"PyTorch {torch.__version__}: {blas} (linked in, not seen by threadpoolctl), {capability}"
    if engine == "jax":
        import jax
        return f"JAX {jax.__version__}: XLA's own CPU kernels (Eigen/oneDNN, not seen by threadpoolctl)"
    return "; ".join(pools) or "no BLAS seen by threadpoolctl"


def cpu_flags():
    """The widest x86 vector extension the CPU reports (``avx512f``, ``avx2`` …), from /proc/cpuinfo."""
    try:
        with open("/proc/cpuinfo") as handle:
            flags = next((line.split(":", 1)[1].split() for line in handle if line.startswith("flags")), [])
    except OSError:
        return "unknown"
    for flag in ("avx512f", "avx2", "avx", "sse4_2", "neon", "asimd"):
        if flag in flags:
            return flag
    return "unknown"
