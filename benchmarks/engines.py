"""One timing routine per engine, by name (``ENGINES``); each runs in its own process (see ``bench.py``) so its memory
is its own.  deltaprop's routines and the matmul floor are here, the peers' in ``peer_engines.py``, what they share
in ``measure.py``.

Every routine trains the same network (same sizes, same initial weights,
float32) on the same data and returns a dict with ``epoch_times`` (seconds,
warm-up excluded), ``rss_mb`` after each epoch, ``peak_rss_mb`` and, where the
engine has one, ``predict_ms`` for 10,000 samples.
"""

from __future__ import annotations

import time

import numpy as np

from measure import CONFIGS, SEED, current_rss_mb, initial_network, median_predict_ms, peak_rss_mb
from peer_engines import run_jax, run_nielsen, run_sklearn, run_torch


# --------------------------------------------------------------------- deltaprop
def run_deltaprop(config, batch, X, y, X_test, epochs, warmup, engine="auto"):
    """The public training path: ``Network.fit`` (``engine="auto"``: the compiled epoch when numba is installed);
    per-epoch times from its callback."""
    net = initial_network(config)
    lr = CONFIGS[config][3]
    times, rss = [], []
    clock = [time.perf_counter()]

    def on_epoch(epoch, record):
        now = time.perf_counter()
        times.append(now - clock[0])
        rss.append(current_rss_mb())
        clock[0] = now

    ready_s = _kernel_ready_seconds(net, X, batch) if engine == "auto" else None
    history = net.fit(X, y, epochs=warmup + epochs, batch_size=batch, learning_rate=lr, seed=SEED,
                      callback=on_epoch, engine=engine)
    return {"epoch_times": times[warmup:], "rss_mb": rss, "peak_rss_mb": peak_rss_mb(), "engine": history.engine,
            "engine_note": history.engine_note, "kernel_ready_s": ready_s,
            "predict_ms": median_predict_ms(net.predict, X_test),
            "final_loss": history["loss"][-1], "final_accuracy": history["accuracy"][-1]}


def _kernel_ready_seconds(net, X, batch):
    """Make the compiled kernel of this run ready before timing (as ``deltaprop warmup`` does ahead of a run; JAX
    compiles in its warm-up epoch): seconds taken, None when the run cannot use the compiled epoch."""
    from deltaprop.fast import compiled_epoch as compiled
    from deltaprop.core.optimizers import SGD
    try:
        from deltaprop.fast import compiled_warmup
    except ImportError:                     # an older deltaprop (benchmarks/ab.py): it compiles in the warm-up epoch
        return None
    if compiled.unsupported(net, SGD(0.1), False) is not None:
        return None
    Y = np.zeros((X.shape[0], net.sizes[-1]), net.dtype)
    return compiled_warmup.prepare(net, X, Y, batch, wait=True).seconds


# ------------------------------------------------------------------ matmul floor
def run_floor(config, batch, X, y, X_test, epochs, warmup):
    """Exactly the matrix products of a training epoch, into preallocated outputs, nothing else."""
    net = initial_network(config)
    W = net.weights
    L = len(W)
    n = X.shape[0]
    rng = np.random.default_rng(SEED)

    def buffers(m):
        z = [None] + [np.empty((m, w.shape[0]), np.float32) for w in W]
        delta = [None] + [0.01 * rng.standard_normal((m, w.shape[0])).astype(np.float32) for w in W]
        return z, delta

    shapes = {batch: buffers(batch)}
    if n % batch:
        shapes[n % batch] = buffers(n % batch)
    grads = [np.empty_like(w) for w in W]

    def epoch():
        for start in range(0, n, batch):
            xb = X[start:start + batch]
            z, delta = shapes[xb.shape[0]]
            a = xb
            for l in range(1, L + 1):                               # forward
                np.matmul(a, W[l - 1].T, out=z[l])
                a = z[l]
            for l in range(L, 0, -1):
                np.matmul(delta[l].T, xb if l == 1 else z[l - 1], out=grads[l - 1])     # BP4
                if l > 1:
                    np.matmul(delta[l], W[l - 1], out=delta[l - 1])                   # BP2

    times, rss = [], []
    for i in range(warmup + epochs):
        start = time.perf_counter()
        epoch()
        times.append(time.perf_counter() - start)
        rss.append(current_rss_mb())
    return {"epoch_times": times[warmup:], "rss_mb": rss, "peak_rss_mb": peak_rss_mb()}


def run_deltaprop_numpy(config, batch, X, y, X_test, epochs, warmup):
    """The readable NumPy path alone (``engine="numpy"``), for comparison with the compiled epoch."""
    return run_deltaprop(config, batch, X, y, X_test, epochs, warmup, engine="numpy")


ENGINES = {
    "deltaprop": run_deltaprop,
    "deltaprop-numpy": run_deltaprop_numpy,
    "jax": run_jax,
    "torch": run_torch,
    "sklearn": run_sklearn,
    "nielsen": run_nielsen,
    "floor": run_floor,
}
