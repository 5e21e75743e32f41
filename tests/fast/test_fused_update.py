"""The fused BP4 + SGD step (one GEMM adding into W, :mod:`deltaprop.fast.blas_gemm`) against the plain NumPy path.

Tolerances: float64 ``rtol=1e-10``; float32 ``rtol=1e-4, atol=1e-6`` (the same
sums added in a different order).
"""

import glob
import os

import numpy as np
import pytest

from deltaprop import Network
from deltaprop.fast import blas_gemm as blas
from deltaprop.core.backprop import Gradients, Workspace, backward_pass, forward_pass
from deltaprop.fast.numpy_sgd import backward_pass_sgd
from deltaprop.core.optimizers import SGD

BUNDLED = glob.glob(os.path.join(os.path.dirname(np.__file__), os.pardir, "numpy.libs", "libscipy_openblas64_*"))
needs_blas = pytest.mark.skipif(not BUNDLED, reason="this NumPy does not bundle scipy-openblas")
TOL = {np.float64: dict(rtol=1e-10, atol=1e-13), np.float32: dict(rtol=1e-4, atol=1e-6)}


@needs_blas
def test_bundled_openblas_is_found():
    assert blas.available()


@needs_blas
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n, m, k", [(1, 300, 256), (32, 256, 784), (7, 512, 130)])
def test_gemm_tn_accumulate_equals_numpy(rng, dtype, n, m, k):
    a = rng.normal(size=(n, m)).astype(dtype)
    b = rng.normal(size=(n, k)).astype(dtype)
    c = rng.normal(size=(m, k)).astype(dtype)
    expected = c - 0.25 * (a.T.astype(np.float64) @ b.astype(np.float64))
    assert blas.gemm_tn_accumulate(c, a, b, -0.25)
    np.testing.assert_allclose(c, expected, **TOL[dtype])


def test_gemm_declines_what_it_cannot_do(rng):
    a, b = rng.normal(size=(8, 300)), rng.normal(size=(8, 256))
    c = rng.normal(size=(300, 256))
    before = c.copy()
    assert not blas.gemm_tn_accumulate(c[:, ::2], a, b[:, ::2], -1.0)             # strided output
    assert not blas.gemm_tn_accumulate(c, np.asfortranarray(a), b, -1.0)          # not C-contiguous
    assert not blas.gemm_tn_accumulate(c, a.astype(np.float32), b, -1.0)          # mixed dtypes
    frozen = c.copy()
    frozen.flags.writeable = False
    assert not blas.gemm_tn_accumulate(frozen, a, b, -1.0)                        # read-only output
    small = rng.normal(size=(4, 5))
    assert not blas.gemm_tn_accumulate(small, a[:, :4], b[:, :5], -1.0)           # below MIN_SIZE
    np.testing.assert_array_equal(c, before)


def _train(net, X, y, fused_min_size, monkeypatch):
    monkeypatch.setattr(blas, "MIN_SIZE", fused_min_size)
    history = net.fit(X, y, epochs=2, batch_size=16, learning_rate=0.1, seed=4)
    return history


@needs_blas
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("train_biases", [True, False])
def test_fit_with_fused_steps_equals_numpy_steps(rng, monkeypatch, dtype, train_biases):
    """Every layer fused (MIN_SIZE 0) vs none (MIN_SIZE huge): same weights, losses and accuracies;
    50 samples = 3 batches of 16 and a last batch of 2; biases left alone when they are frozen."""
    X = rng.normal(size=(50, 20))
    y = rng.integers(0, 4, 50)
    net = Network([20, 12, 8, 4], ["relu", "tanh", "softmax"], loss="cross-entropy", seed=1, dtype=dtype)
    if not train_biases:
        for layer in net.layers:
            layer.train_biases = False
    twin, start = net.copy(), [b.copy() for b in net.biases]
    fused = _train(net, X, y, 0, monkeypatch)
    plain = _train(twin, X, y, 1 << 62, monkeypatch)
    for w, w_ref in zip(net.weights + net.biases, twin.weights + twin.biases):
        np.testing.assert_allclose(w, w_ref, **TOL[dtype])
    np.testing.assert_allclose(fused["loss"], plain["loss"], **TOL[dtype])
    if not train_biases:
        for b, b_start in zip(net.biases, start):
            np.testing.assert_array_equal(b, b_start)
    assert net.weights[0].flags.c_contiguous              # updated in place: still the layer's own array


@needs_blas
def test_fused_step_on_a_real_sized_layer_matches_float64_reference(rng):
    """Config B's first layer (256 × 784, above MIN_SIZE) at batch 32, float32 against a float64 twin."""
    net = Network([784, 256, 10], ["relu", "softmax"], loss="cross-entropy", seed=0, dtype=np.float32)
    reference = net.astype(np.float64)
    X = rng.uniform(size=(32, 784))
    y = rng.integers(0, 10, 32)
    assert net.layers[0].weights.size >= blas.MIN_SIZE
    for _ in range(3):
        net.train_step(X, y, SGD(0.05))
        reference.train_step(X, y, SGD(0.05))
    for w, w_ref in zip(net.weights + net.biases, reference.weights + reference.biases):
        np.testing.assert_allclose(w, w_ref, rtol=2e-3, atol=2e-5)


def test_fused_pass_on_a_strided_batch_falls_back_to_numpy(rng, monkeypatch):
    """backward_pass_sgd on a batch that is a strided view (every other row) cannot hand it
    to GEMM as row-major: NumPy takes the step, with the same result as on a contiguous copy."""
    monkeypatch.setattr(blas, "MIN_SIZE", 0)
    X = rng.normal(size=(18, 6))
    Y = np.eye(3)[rng.integers(0, 3, 9)]
    net = Network([6, 5, 3], ["tanh", "softmax"], loss="cross-entropy", seed=2)
    twin = net.copy()
    for network, batch in ((net, X[::2]), (twin, np.ascontiguousarray(X[::2]))):
        ws = Workspace(network.layers, 9, np.float64)
        forward_pass(network.layers, batch, ws)
        backward_pass_sgd(network.layers, network.loss, Y, ws, Gradients(network.layers, np.float64), 0.3)
    assert not X[::2].flags.c_contiguous
    for w, w_ref in zip(net.weights + net.biases, twin.weights + twin.biases):
        np.testing.assert_allclose(w, w_ref, **TOL[np.float64])
    assert not np.allclose(net.weights[0], Network([6, 5, 3], seed=2).weights[0])   # a step was taken


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("sizes, activations", [
    ([6, 5, 4, 3], ["tanh", "relu", "softmax"]),            # small layers: NumPy products
    ([300, 256, 10], ["sigmoid", "softmax"]),                # 256 × 300 ≥ MIN_SIZE: one GEMM where BLAS is bundled
])
@pytest.mark.parametrize("train_biases", [True, False])
def test_backward_pass_sgd_equals_backward_pass_then_sgd(rng, dtype, sizes, activations, train_biases):
    """The fused function is "BP1–BP4 (backward_pass), then SGD's update", to rounding."""
    net = Network(sizes, activations, loss="cross-entropy", seed=3, dtype=dtype)
    for layer in net.layers:
        layer.train_biases = train_biases
    twin = net.copy()
    X = rng.normal(size=(11, sizes[0]))
    Y = np.eye(sizes[-1])[rng.integers(0, sizes[-1], 11)]
    X, Y = X.astype(dtype), Y.astype(dtype)

    ws = net.workspace(11)
    forward_pass(net.layers, X, ws)
    backward_pass_sgd(net.layers, net.loss, Y, ws, Gradients(net.layers, dtype), 0.7)

    ws = twin.workspace(11)
    forward_pass(twin.layers, X, ws)
    grads = backward_pass(twin.layers, twin.loss, Y, ws, Gradients(twin.layers, dtype))
    trainable = [g for layer, gw, gb in zip(twin.layers, grads.weights, grads.biases)
                 for g in ((gw, gb) if layer.train_biases else (gw,))]
    SGD(0.7).step(twin.trainable_parameters(), trainable)

    for w, w_ref in zip(net.parameters(), twin.parameters()):
        np.testing.assert_allclose(w, w_ref, **TOL[dtype])
    assert not np.allclose(net.weights[0], Network(sizes, activations, loss="cross-entropy", seed=3,
                                                   dtype=dtype).weights[0])
