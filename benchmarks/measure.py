"""What every timing routine shares: the benchmark's networks, the machine's figures and the memory readings.

``CONFIGS`` are the benchmark's three networks (A: Nielsen's chapter 1 network; B, C: ReLU networks of growing size);
every engine starts from ``initial_network(config)``'s weights.
"""

from __future__ import annotations

import os
import resource
import statistics
import time

import numpy as np

CONFIGS = {
    # name: sizes, activations, loss, learning rate
    "A": ([784, 30, 10], ["sigmoid", "sigmoid"], "quadratic", 3.0),
    "B": ([784, 256, 128, 10], ["relu", "relu", "softmax"], "cross-entropy", 0.05),
    "C": ([784, 1024, 1024, 10], ["relu", "relu", "softmax"], "cross-entropy", 0.05),
    "W": ([784, 256, 10], ["relu", "softmax"], "cross-entropy", 0.1),     # tta.py's wide network (not in RUNS)
}
SEED = 0
N_PREDICT = 10_000


def flops_per_epoch(sizes, n):
    """Multiply-adds × 2 of the matrix products one epoch needs: forward, BP4, and BP2 below the output."""
    products = [a * b for a, b in zip(sizes[:-1], sizes[1:])]
    return 2.0 * n * (2 * sum(products) + sum(products[1:]))


def current_rss_mb():
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024     # kB on Linux


def numpy_blas_threads():
    """NumPy's BLAS thread count (threadpoolctl), or None when threadpoolctl is missing."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return None
    for pool in threadpool_info():
        if pool["user_api"] == "blas" and "numpy" in pool["filepath"]:
            return pool["num_threads"]
    return None


def cpu_model():
    """The CPU's model name (from /proc/cpuinfo), e.g. "Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz"."""
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    import platform
    return platform.processor() or platform.machine()


def blas_name():
    """The BLAS NumPy uses, e.g. "scipy-openblas 0.3.29" (threadpoolctl), or what NumPy's config says."""
    try:
        from threadpoolctl import threadpool_info
        for pool in threadpool_info():
            if pool["user_api"] == "blas":
                return f"{pool.get('internal_api', 'blas')} {pool.get('version', '')}".strip()
    except ImportError:
        pass
    info = np.show_config(mode="dicts") if "mode" in np.show_config.__code__.co_varnames else {}
    return str(info.get("Build Dependencies", {}).get("blas", {}).get("name", "unknown BLAS"))


def initial_network(config):
    """The deltaprop network every engine starts from (float32, seed 0)."""
    from deltaprop import Network
    sizes, activations, loss, _ = CONFIGS[config]
    return Network(sizes, activations, loss=loss, seed=SEED, dtype=np.float32)


def median_predict_ms(predict, X, repeats=5):
    predict(X)                                              # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        predict(X)
        times.append(time.perf_counter() - start)
    return 1e3 * statistics.median(times)
