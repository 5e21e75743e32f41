"""Correctness of every optimised path of the training engine (issue 5).  No timing assertions.

Tolerances: float64 against the scalar reference ``rtol=1e-9, atol=1e-12``;
float32 against float64 ``rtol=2e-3, atol=2e-5`` (float32 carries ~7 digits,
and the products sum over up to a few hundred terms).
"""

import numpy as np
import pytest

from deltaprop import Network
from deltaprop.core.activations import ReLU, Softmax, get_activation
from deltaprop.core.backprop import Gradients, backward_pass, forward_pass
from deltaprop.fast.numpy_sgd import backward_pass_sgd
from deltaprop.core.batch_step import train_batch
from deltaprop.core.losses import CrossEntropy, get_loss
from deltaprop.core.optimizers import SGD, Momentum
from deltaprop.teach.scalar_reference import scalar_backprop

F64 = dict(rtol=1e-9, atol=1e-12)
F32 = dict(rtol=2e-3, atol=2e-5)

CASES = [
    # sizes, activations, loss
    ([5, 4, 3], ["sigmoid", "sigmoid"], "quadratic"),                       # config A's kind
    ([5, 6, 4, 3], ["relu", "relu", "softmax"], "cross-entropy"),           # configs B and C
    ([5, 4, 2], ["tanh", "sigmoid"], "binary-cross-entropy"),               # fused sigmoid + BCE
    ([5, 4, 3], ["leaky-relu:0.1", "softmax"], "quadratic"),                # softmax Jacobian (unfused BP1)
    ([5, 4, 1], ["tanh", "linear"], "quadratic"),                           # regression
]


def _data(rng, n, sizes, loss):
    X = rng.normal(size=(n, sizes[0]))
    if loss == "cross-entropy" or (loss == "quadratic" and sizes[-1] > 1):
        Y = np.eye(sizes[-1])[rng.integers(0, sizes[-1], n)]
    elif loss == "binary-cross-entropy":
        Y = rng.integers(0, 2, (n, sizes[-1])).astype(float)
    else:
        Y = rng.normal(size=(n, sizes[-1]))
    return X, Y


@pytest.mark.parametrize("sizes, activations, loss", CASES)
@pytest.mark.parametrize("n", [1, 7])
def test_float64_and_float32_gradients_match_scalar_reference(rng, sizes, activations, loss, n):
    net = Network(sizes, activations, loss=loss, seed=3)
    X, Y = _data(rng, n, sizes, loss)
    ref_loss, ref_w, ref_b, _ = scalar_backprop([w.tolist() for w in net.weights], [b.tolist() for b in net.biases],
                                                activations, loss, X.tolist(), Y.tolist())
    for dtype, tol in ((np.float64, F64), (np.float32, F32)):
        twin = net.astype(dtype)
        grads = twin.gradients(X, Y)
        for l in range(len(sizes) - 1):
            np.testing.assert_allclose(grads.weights[l], ref_w[l], **tol, err_msg=f"{dtype.__name__} dW{l + 1}")
            np.testing.assert_allclose(grads.biases[l], ref_b[l], **tol, err_msg=f"{dtype.__name__} db{l + 1}")
        np.testing.assert_allclose(twin.compute_loss(X, Y), ref_loss, **tol)


def test_bp3_ones_matmul_equals_row_sum(rng):
    """BP3 is computed as 1ᵀΔ (a matmul); it must equal the plain row sum of the per-sample deltas / n."""
    net = Network([6, 5, 4], ["relu", "softmax"], loss="cross-entropy", seed=1)
    X, Y = _data(rng, 9, [6, 5, 4], "cross-entropy")
    grads = net.gradients(X, Y)
    for delta, grad_b in zip(grads.deltas, grads.biases):
        np.testing.assert_allclose(grad_b, delta.sum(axis=0) / 9, **F64)


def test_fused_pass_gradients_are_eta_times_backward_pass(rng):
    """``backward_pass_sgd`` (η folded into BP1) leaves exactly η × ``backward_pass``'s gradients."""
    net = Network([6, 5, 4, 3], ["tanh", "relu", "softmax"], loss="cross-entropy", seed=2)
    X, Y = _data(rng, 8, [6, 5, 4, 3], "cross-entropy")
    plain = Gradients(net.layers, net.dtype)
    scaled = Gradients(net.layers, net.dtype)
    ws = net.workspace(8)
    forward_pass(net.layers, X, ws)
    backward_pass(net.layers, net.loss, Y, ws, plain)
    backward_pass_sgd(net.layers, net.loss, Y, ws, scaled, 0.25)
    for (pw, pb), (sw, sb) in zip(plain, scaled):
        np.testing.assert_allclose(sw, 0.25 * pw, **F64)
        np.testing.assert_allclose(sb, 0.25 * pb, **F64)


class _UnfusedSGD(SGD):
    """Same maths as SGD but through the generic ``step`` → ``update`` path (fusable_learning_rate() is None)."""

    def update(self, index, param, grad):
        param -= self.learning_rate * grad


def test_fusion_only_for_plain_sgd():
    assert SGD(0.5).fusable_learning_rate() == 0.5
    assert _UnfusedSGD(0.5).fusable_learning_rate() is None          # a subclass's own update() is respected
    assert Momentum(0.5).fusable_learning_rate() is None
    decayed = SGD(0.5)
    decayed.weight_decay = 1e-3
    assert decayed.fusable_learning_rate() is None                   # weight decay needs the raw gradient


@pytest.mark.parametrize("dtype, tol", [(np.float64, dict(rtol=1e-10, atol=1e-13)), (np.float32, F32)])
def test_fused_sgd_training_equals_generic_path(rng, dtype, tol):
    """Folding η into BP1 changes rounding only: same weights as the unfused optimiser after 3 epochs."""
    X, Y = _data(rng, 45, [5, 6, 4, 3], "cross-entropy")
    fused = Network([5, 6, 4, 3], ["relu", "relu", "softmax"], loss="cross-entropy", seed=4, dtype=dtype)
    generic = fused.copy()
    h1 = fused.fit(X, Y, epochs=3, batch_size=8, optimizer=SGD(0.3), seed=7)
    h2 = generic.fit(X, Y, epochs=3, batch_size=8, optimizer=_UnfusedSGD(0.3), seed=7)
    for a, b in zip(fused.weights + fused.biases, generic.weights + generic.biases):
        np.testing.assert_allclose(a, b, **tol)
    np.testing.assert_allclose(h1["loss"], h2["loss"], **tol)
    assert h1["accuracy"] == h2["accuracy"]


def _manual_fit(net, X, Y, epochs, batch_size, lr, seed):
    """fit() re-done with fresh arrays everywhere: fancy indexing, Network.gradients (new workspaces)."""
    rng = np.random.default_rng(seed)
    n = X.shape[0]
    losses, accuracies = [], []
    for _ in range(epochs):
        order = rng.permutation(n)
        loss_sum, correct = 0.0, 0
        for start in range(0, n, batch_size):
            idx = order[start:start + batch_size]
            zs, acts = net.forward(X[idx])
            loss_sum += net.loss.value(acts[-1], Y[idx]) * len(idx)
            correct += int(np.sum(acts[-1].argmax(axis=1) == Y[idx].argmax(axis=1)))
            grads = net.backward(Y[idx], zs, acts)
            for layer, gw, gb in zip(net.layers, grads.weights, grads.biases):
                layer.weights -= lr * gw
                layer.biases -= lr * gb
        losses.append(loss_sum / n)
        accuracies.append(correct / n)
    return losses, accuracies


@pytest.mark.parametrize("sizes, activations, loss", [CASES[0], CASES[1]])
def test_fit_equals_fresh_arrays_reference_with_short_last_batch(rng, sizes, activations, loss):
    """fit's gather into reused buffers, cached workspaces (batch 16 and a last batch of 2), the fused
    η and the once-computed labels give the same weights, losses and accuracies as a fresh-array loop."""
    X, Y = _data(rng, 50, sizes, loss)                  # 50 = 3 × 16 + 2
    net = Network(sizes, activations, loss=loss, seed=5)
    twin = net.copy()
    history = net.fit(X, Y, epochs=3, batch_size=16, learning_rate=0.2, seed=11, engine="numpy")
    losses, accuracies = _manual_fit(twin, X, Y, 3, 16, 0.2, 11)
    for a, b in zip(net.weights + net.biases, twin.weights + twin.biases):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(history["loss"], losses, rtol=1e-10)
    assert history["accuracy"] == accuracies
    assert {key[0] for key in net._workspaces} == {16, 2}


def test_workspaces_are_reused_across_batch_sizes(rng):
    net = Network([5, 4, 3], ["sigmoid", "sigmoid"], seed=0)
    X, Y = _data(rng, 16, [5, 4, 3], "quadratic")
    opt = SGD(0.1)
    train_batch(net, X, Y, opt)
    ws16 = net.workspace(16)
    train_batch(net, X[:3], Y[:3], opt)
    ws3 = net.workspace(3)
    train_batch(net, X, Y, opt)
    assert net.workspace(16) is ws16 and net.workspace(3) is ws3 and ws16 is not ws3
    grads = net._grads
    train_batch(net, X[:3], Y[:3], opt)
    assert net._grads is grads                          # one Gradients for every batch size


def test_workspace_cache_results_equal_fresh_network(rng):
    """A network whose cached workspaces were used by other batch sizes still computes what a fresh one does."""
    net = Network([5, 6, 3], ["relu", "softmax"], loss="cross-entropy", seed=9)
    X, Y = _data(rng, 20, [5, 6, 3], "cross-entropy")
    used = net.copy()
    for n in (20, 7, 20, 1, 7):
        used.predict(X[:n])
    np.testing.assert_array_equal(used.predict(X[:7]), net.copy().predict(X[:7]))
    fresh_out = net.copy().predict(X)
    np.testing.assert_array_equal(used.predict(X), fresh_out)


def test_relu_forward_zeros_cache_is_exact_and_read_only(rng):
    relu = ReLU()
    for dtype in (np.float32, np.float64):
        z = rng.normal(size=(6, 5)).astype(dtype)
        z[0, 0] = np.nan
        out = np.empty_like(z)
        relu.forward(z, out)
        np.testing.assert_array_equal(out, np.maximum(z, 0))     # NaN propagates like np.maximum
        assert out.dtype == dtype
    from deltaprop.core.activations import _zeros
    zeros = _zeros((6, 5), np.dtype(np.float32))
    assert not zeros.flags.writeable and not zeros.any()
    assert _zeros((6, 5), np.dtype(np.float32)) is zeros


def test_softmax_forward_matches_definition_and_saturates_safely(rng):
    z = rng.normal(size=(4, 6)) * 50
    z[1] = [1000.0, -1000.0, 0.0, 1000.0, 5.0, 3.0]
    out = Softmax().forward(z, np.empty_like(z))
    shifted = np.exp(z - z.max(axis=1, keepdims=True))
    np.testing.assert_allclose(out, shifted / shifted.sum(axis=1, keepdims=True), **F64)
    np.testing.assert_allclose(out.sum(axis=1), 1.0, **F64)


def test_cross_entropy_value_matches_per_output_and_stays_finite(rng):
    loss = CrossEntropy()
    a = rng.dirichlet(np.ones(5), size=8)
    y = np.eye(5)[rng.integers(0, 5, 8)]
    np.testing.assert_allclose(loss.value(a, y), loss.per_output(a, y).sum() / 8, **F64)
    a[0] = [0.0, 0.0, 1.0, 0.0, 0.0]                   # a hard zero on a true class: clipped, not inf
    y[0] = [1.0, 0.0, 0.0, 0.0, 0.0]
    value = loss.value(a, y)
    assert np.isfinite(value)
    np.testing.assert_allclose(value, loss.per_output(a, y).sum() / 8, rtol=1e-12)
    assert get_loss("cross-entropy").value(a.astype(np.float32), y.astype(np.float32)) > 0


def test_sgd_update_in_place_is_plain_gradient_descent(rng):
    w = rng.normal(size=(3, 4))
    g = rng.normal(size=(3, 4))
    expected = w - 0.1 * g
    SGD(0.1).step([w], [g.copy()])
    np.testing.assert_allclose(w, expected, **F64)
    opt = SGD(0.1)
    opt.count_fused_step()
    assert opt.steps == 1


def test_sigmoid_backward_in_place_matches_derivative(rng):
    sigmoid = get_activation("sigmoid")
    z = rng.normal(size=(5, 4)) * 3
    a = sigmoid(z)
    grad = rng.normal(size=(5, 4))
    expected = grad * a * (1 - a)
    out = grad.copy()
    sigmoid.backward(z, a, out, out=out)
    np.testing.assert_allclose(out, expected, **F64)
