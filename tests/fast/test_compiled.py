"""The compiled epoch (deltaprop.fast.compiled_epoch, numba) equals the NumPy path; what it cannot do falls back, with the
reason in the history.  No timing assertions here (those are benchmarks).

Tolerances: float64 ``rtol=1e-12`` (the same sums, at most a few ulps apart per step, over 3 epochs);
float32 ``rtol=2e-4, atol=2e-6`` (documented in docs/performance.md).
"""

import subprocess
import sys

import numpy as np
import pytest

from deltaprop import Network
from deltaprop.fast import compiled_epoch as compiled
from deltaprop.core.optimizers import SGD, Adam

import numba  # noqa: E402,F401  (a test dependency: the [fast] extra is in [test])
from tests.fast.cases import TOL, random_data

CASES = [
    ([6, 5, 3], ["sigmoid", "sigmoid"], "quadratic"),
    ([6, 7, 5, 3], ["relu", "leaky-relu:0.2", "softmax"], "cross-entropy"),
    ([6, 4, 2], ["tanh", "sigmoid"], "binary-cross-entropy"),
    ([6, 4, 1], ["linear", "linear"], "quadratic"),
    ([6, 5, 2], ["tanh", "relu"], "quadratic"),
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("sizes, activations, loss", CASES)
@pytest.mark.parametrize("batch", [1, 16])
@pytest.mark.parametrize("products", ["loops", "gemm"])
def test_compiled_epochs_equal_the_numpy_path(rng, monkeypatch, dtype, sizes, activations, loss, batch, products):
    """50 samples (a short last batch at 16), weight decay, frozen biases in one layer, a cosine schedule; the
    forward products as the small-shape loops (these shapes' default) and, forced, as GEMM calls."""
    if products == "gemm":
        monkeypatch.setattr(compiled, "SMALL_ROWS", 0)
    X, Y = random_data(rng, 50, sizes, loss)
    net = Network(sizes, activations, loss=loss, seed=3, dtype=dtype)
    net.layers[0].train_biases = False
    twin = net.copy()
    options = dict(epochs=3, batch_size=batch, learning_rate=0.05, seed=9, weight_decay=0.3, schedule="cosine")
    fused = net.fit(X, Y, engine="compiled", **options)
    plain = twin.fit(X, Y, engine="numpy", **options)
    assert fused.engine == "compiled" and plain.engine == "numpy"
    for a, b in zip(net.parameters(), twin.parameters()):
        np.testing.assert_allclose(a, b, **TOL[dtype])
    np.testing.assert_allclose(fused["loss"], plain["loss"], **TOL[dtype])
    if "accuracy" in plain.epochs[0]:
        assert fused["accuracy"] == pytest.approx(plain["accuracy"], abs=1 / 50 + 1e-12)


@pytest.mark.parametrize("make, reason", [
    (lambda: (Network([4, 3, 2], ["relu", "softmax"], loss="cross-entropy", seed=0), Adam(1e-3)), "adam optimiser"),
    (lambda: (Network([4, 3, 2], ["relu", "softmax"], loss="cross-entropy", seed=0, dropout=0.5), SGD(0.1)),
     "dropout"),
    (lambda: (Network([4, 3, 2], ["relu", "softmax"], loss="quadratic", seed=0), SGD(0.1)),
     "softmax output with the quadratic cost"),
    (lambda: (Network([4, 3, 2], ["tanh", "sigmoid"], loss="cross-entropy", seed=0), SGD(0.1)),
     "sigmoid output with the cross-entropy cost"),
])
def test_what_it_cannot_do_falls_back_with_the_reason(rng, make, reason):
    net, optimizer = make()
    X, y = rng.normal(size=(20, 4)), np.eye(2)[rng.integers(0, 2, 20)]
    history = net.fit(X, y, epochs=1, batch_size=5, optimizer=optimizer)
    assert history.engine == "numpy" and reason in history.engine_note
    with pytest.raises(ValueError, match=f"engine='compiled' cannot train this run: .*{reason}"):
        net.fit(X, y, epochs=1, batch_size=5, optimizer=optimizer, engine="compiled")


def test_numpy_engine_is_said(rng):
    history = Network([3, 2], seed=0).fit(rng.normal(size=(8, 3)), rng.random((8, 2)), epochs=1, batch_size=4,
                                          engine="numpy")
    assert history.engine == "numpy" and history.engine_note == "engine='numpy' was asked for"
    with pytest.raises(ValueError, match="unknown engine 'jit'; valid: auto, numpy, compiled"):
        Network([3, 2], seed=0).fit(np.ones((2, 3)), np.ones((2, 2)) / 2, 1, 1, engine="jit")


def test_a_resumed_run_with_no_epoch_left_does_not_claim_the_compiled_engine(rng):
    """No epoch ran, so none ran compiled: the history says ``numpy``, with the reason."""
    from deltaprop.core.training import fit
    net = Network([3, 4, 2], ["sigmoid", "sigmoid"], seed=0)
    X, Y = rng.normal(size=(12, 3)), rng.random((12, 2))
    states = []
    fit(net, X, Y, 2, 4, seed=0, checkpoint=states.append)
    again = fit(net, X, Y, 2, 4, seed=0, resume=states[-1], engine="compiled")
    assert len(again["loss"]) == 2 and again.engine == "numpy" and again.engine_note


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_saturated_sigmoids_equal_the_numpy_path(rng, dtype):
    """Pre-activations of ±10⁴, where exp(−z) overflows: σ is 0 or 1 on both paths, never NaN."""
    X, y = rng.normal(size=(40, 6)) * 1e4, rng.integers(0, 3, 40)
    net = Network([6, 5, 3], ["sigmoid", "sigmoid"], loss="quadratic", seed=1, dtype=dtype)
    twin = net.copy()
    fused = net.fit(X, y, epochs=2, batch_size=8, learning_rate=0.5, seed=2, engine="compiled")
    plain = twin.fit(X, y, epochs=2, batch_size=8, learning_rate=0.5, seed=2, engine="numpy")
    hidden = net.forward(X)[1][1]
    assert np.isin(np.round(hidden, 6), [0.0, 1.0]).mean() > 0.9        # the test reaches saturation
    for a, b in zip(net.parameters(), twin.parameters()):
        np.testing.assert_allclose(a, b, **TOL[dtype])
    np.testing.assert_allclose(fused["loss"], plain["loss"], **TOL[dtype])
    assert np.isfinite(fused["loss"]).all()


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("m, d_out, d_in", [(1, 1, 1), (1, 5, 3), (2, 4, 8), (3, 7, 9), (10, 30, 784), (32, 64, 33),
                                            (9, 2, 130)])
def test_small_forward_loops_equal_the_product(rng, dtype, m, d_out, d_in):
    """``forward_small`` writes ``prev[:m] Wᵀ`` into ``Z[:m]`` for any count of rows and units (the 4 × 2 blocks'
    edges included) and leaves the buffer's other rows alone."""
    forward_small = compiled._kernel(dtype, "forward_small")
    prev, W = rng.normal(size=(m + 2, d_in)).astype(dtype), rng.normal(size=(d_out, d_in)).astype(dtype)
    Z = np.full((m + 2, d_out), 7.0, dtype)
    forward_small(prev, np.arange(m), W, Z, m, 0, d_out, dtype(0))
    exact = prev[:m].astype(np.float64) @ W.T.astype(np.float64)
    scale = np.abs(prev[:m]) @ np.abs(W.T)          # a sum's rounding error is relative to its terms, not to it
    eps = np.finfo(dtype).eps
    assert np.all(np.abs(Z[:m] - exact) <= 4 * d_in * eps * scale)
    assert np.all(Z[m:] == 7.0)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("m, d_out, d_in", [(1, 300, 20), (16, 100, 50), (33, 34, 7), (128, 30, 50), (40, 40, 9),
                                            (100, 130, 5)])
def test_forward_gemm_either_way_round_equals_the_product(rng, dtype, m, d_out, d_in):
    """``forward_layer``'s GEMM: with more units than rows (float64: and at most 64 rows) it computes
    ``Zᵀ = W prevᵀ`` into the spare buffer and transposes it back (faster in OpenBLAS), else ``Z = prev Wᵀ``; both
    give ``prev[:m] Wᵀ + b`` and ``σ`` of it in ``Z[:m]``, ``A[:m]``, and leave the buffers' other rows alone.  Fed a
    batch buffer of ``m + 3`` rows, as a short last batch is."""
    from deltaprop.fast import compiled_kernels as kernels
    from deltaprop.fast.compiled_rules import ACTIVATION_CODES
    prev, W = rng.normal(size=(m + 3, d_in)).astype(dtype), rng.normal(size=(d_out, d_in)).astype(dtype)
    b = rng.normal(size=d_out).astype(dtype)
    Z, A, spare = (np.full((m + 3, d_out), 7.0, dtype) for _ in range(3))
    kernels.forward_layer(prev, np.arange(m + 3), W, b, Z, A, m, ACTIVATION_CODES["relu"], 0.0, 0, 0, dtype(1),
                          dtype(0), spare)
    exact = prev[:m].astype(np.float64) @ W.T.astype(np.float64) + b
    scale = np.abs(prev[:m]) @ np.abs(W.T) + np.abs(b)
    assert np.all(np.abs(Z[:m] - exact) <= 4 * d_in * np.finfo(dtype).eps * scale)
    np.testing.assert_array_equal(A[:m], np.maximum(Z[:m], 0))
    assert np.all(Z[m:] == 7.0) and np.all(A[m:] == 7.0)


def test_small_forward_loops_keep_nan_and_inf(rng):
    """The loops may reorder sums (``reassoc``) but not assume finite numbers, so a diverging run still shows NaN
    or ±inf to ``fit``'s divergence check."""
    forward_small = compiled._kernel(np.float64, "forward_small")
    prev, W = rng.normal(size=(3, 6)), rng.normal(size=(5, 6))
    W[1, 2], W[3, 0], prev[2, 4] = np.nan, np.inf, np.inf
    Z = np.zeros((3, 5))
    forward_small(prev, np.arange(3), W, Z, 3, 0, 5, 0.0)
    with np.errstate(invalid="ignore"):
        expected = prev @ W.T
    assert np.array_equal(np.isnan(Z), np.isnan(expected)) and np.array_equal(np.isinf(Z), np.isinf(expected))
    assert np.isnan(Z[:, 1]).all()


CACHE_PROBE = """
import json, time
t = time.perf_counter()
import numpy as np
from deltaprop import Network
from deltaprop.fast import compiled_kernels
for dtype in (np.float32, np.float64):
    net = Network([6, 5, 3], ["sigmoid", "sigmoid"], seed=0, dtype=dtype)
    net.fit(np.ones((20, 6)), np.arange(20) % 3, epochs=1, batch_size=5, engine="compiled")
seconds = time.perf_counter() - t
stats = {name: getattr(compiled_kernels, name).stats for name in ("epoch", "forward_small")}
print(json.dumps({"seconds": seconds, "misses": sum(sum(s.cache_misses.values()) for s in stats.values()),
                  "hits": sum(sum(s.cache_hits.values()) for s in stats.values())}))
"""


def test_a_new_process_loads_the_compiled_epoch_from_the_disk_cache(tmp_path):
    """The first process compiles (and writes numba's cache); a second one compiles nothing: every kernel it runs,
    for both dtypes, is a cache hit.  Its start (import, load, one tiny fit per dtype) is asserted loosely here (the
    target, ≤ 1 s, is measured in docs/performance.md)."""
    import json
    import os
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path)}

    def probe():
        out = subprocess.run([sys.executable, "-c", CACHE_PROBE], check=True, capture_output=True, text=True,
                             timeout=300, env=env)
        return json.loads(out.stdout.strip().splitlines()[-1])

    first, second = probe(), probe()
    assert first["misses"] >= 2 and first["hits"] == 0, first          # compiled: the epoch, for each dtype
    assert second["misses"] == 0 and second["hits"] == 2, second      # loaded: the same two
    # loading beats compiling by far (a ratio in one run: a wall-clock bound failed on a host at load 10)
    assert second["seconds"] < 0.5 * first["seconds"], (first, second)


def test_unsupported_without_numba_is_a_reason(monkeypatch):
    monkeypatch.setitem(sys.modules, "numba", None)
    reason = compiled.unsupported(Network([2, 2], seed=0), SGD(0.1), False)
    assert "numba is not installed (pip install 'deltaprop[fast]')" == reason
