"""Network construction, forward pass shapes, dtypes, and bad input."""

import numpy as np
import pytest

from deltaprop import Network
from deltaprop.core.initializers import INITIALIZERS


def test_seed_001_shape_and_forward_lists():
    net = Network([784, 30, 10], activations=["sigmoid", "sigmoid"], seed=0)
    assert net.sizes == [784, 30, 10]
    assert [w.shape for w in net.weights] == [(30, 784), (10, 30)]
    assert [b.shape for b in net.biases] == [(30,), (10,)]
    zs, acts = net.forward(np.zeros((3, 784)))
    assert [z.shape for z in zs] == [(3, 30), (3, 10)]
    assert [a.shape for a in acts] == [(3, 784), (3, 30), (3, 10)]


def test_forward_is_z_equals_x_w_transpose_plus_b(rng):
    net = Network([3, 4, 2], ["tanh", "linear"], seed=1)
    X = rng.standard_normal((5, 3))
    zs, acts = net.forward(X)
    np.testing.assert_allclose(zs[0], X @ net.weights[0].T + net.biases[0])
    np.testing.assert_allclose(acts[1], np.tanh(zs[0]))
    np.testing.assert_allclose(acts[2], acts[1] @ net.weights[1].T + net.biases[1])


def test_same_seed_same_network_different_seed_different():
    a, b, c = (Network([4, 6, 2], seed=s) for s in (7, 7, 8))
    np.testing.assert_array_equal(a.weights[0], b.weights[0])
    assert not np.array_equal(a.weights[0], c.weights[0])


@pytest.mark.parametrize("init", list(INITIALIZERS) + ["auto"])
def test_initialisers_have_the_documented_scale(init):
    net = Network([400, 300, 2], ["relu", "sigmoid"], init=init, seed=0)
    w, b = net.weights[0], net.biases[0]
    expected = {"normal": 1.0, "scaled-normal": 1 / np.sqrt(400), "glorot-uniform": np.sqrt(2 / 700),
                "glorot-normal": np.sqrt(2 / 700), "he-normal": np.sqrt(2 / 400),
                "he-uniform": np.sqrt(2 / 400), "auto": np.sqrt(2 / 400)}[init]
    assert w.std() == pytest.approx(expected, rel=0.02)
    if init in ("normal", "scaled-normal"):
        assert b.std() == pytest.approx(1.0, rel=0.2)
    else:
        assert not b.any()


def test_float32_and_float64_start_equal_and_stay_in_their_dtype(rng):
    n32 = Network([3, 4, 2], ["sigmoid", "softmax"], loss="cross-entropy", seed=0, dtype=np.float32)
    n64 = Network([3, 4, 2], ["sigmoid", "softmax"], loss="cross-entropy", seed=0, dtype=np.float64)
    np.testing.assert_array_equal(n32.weights[0], n64.weights[0].astype(np.float32))
    X, y = rng.standard_normal((20, 3)), rng.integers(0, 2, 20)
    zs, acts = n32.forward(X)
    assert all(a.dtype == np.float32 for a in acts) and all(z.dtype == np.float32 for z in zs)
    g32, g64 = n32.gradients(X, y), n64.gradients(X, y)
    assert g32.weights[0].dtype == np.float32
    np.testing.assert_allclose(g32.weights[0], g64.weights[0], rtol=1e-4, atol=1e-6)
    n32.fit(X, y, 3, 4, learning_rate=0.5, seed=0)
    n64.fit(X, y, 3, 4, learning_rate=0.5, seed=0)
    assert n32.weights[0].dtype == np.float32
    np.testing.assert_allclose(n32.weights[0], n64.weights[0], rtol=1e-4, atol=1e-5)


def test_from_weights_and_repr():
    net = Network.from_weights([[[1.0, 2.0]]], [[0.5]], ["sigmoid"], loss="quadratic")
    assert net.sizes == [2, 1]
    assert "Network([2, 1]" in repr(net)


@pytest.mark.parametrize("build, message", [
    (lambda: Network([2, 3, 1], ["sigmoid"]), "3 layer sizes need 2 activations"),
    (lambda: Network([2, 3, 1], ["sigmoid", "swish"]), "unknown activation 'swish'; valid:"),
    (lambda: Network([2, 1], loss="hinge"), "unknown loss 'hinge'; valid: quadratic"),
    (lambda: Network([2, 1], init="zeros"), "unknown initializer 'zeros'; valid: auto, normal"),
    (lambda: Network([2, 0, 1]), "every layer size must be a positive integer"),
    (lambda: Network([2]), "at least an input and an output"),
    (lambda: Network([2, 1], dtype=np.int32), "dtype must be float32 or float64"),
    (lambda: Network.from_weights([[[1, 2]], [[1, 2, 3]]], [[0], [0]], "sigmoid"),
     "layer 2 expects 3 inputs but layer 1 has 1 outputs"),
    (lambda: Network.from_weights([[[1, 2], [3]]], [[0, 0]], "sigmoid"), "layer 1: weights must be numbers"),
    (lambda: Network.from_weights([[[1, 2]]], [[0, 0]], "sigmoid"), "layer 1: biases must have shape"),
])
def test_bad_construction_is_a_clear_error(build, message):
    with pytest.raises((ValueError, TypeError), match=message):
        build()


@pytest.mark.parametrize("X, Y, message", [
    (np.zeros((4, 3)), np.zeros((4, 2)), "X has 3 features but the network's input layer expects 2"),
    (np.zeros((4, 2)), np.zeros((5, 2)), "X has 4 rows but Y has 5"),
    (np.array([[0.0, np.nan]]), np.zeros((1, 2)), "X contains NaN or infinity"),
    (np.zeros((1, 2)), np.array([[np.inf, 0.0]]), "Y contains NaN or infinity"),
    (np.zeros((0, 2)), np.zeros((0, 2)), "X is empty"),
    (np.zeros((2, 2)), np.zeros((2, 3)), "Y has 3 columns but the output layer has 2 units"),
    (np.zeros((2, 2)), np.array([0, 5]), "labels must be in 0..1|Y must be in 0..1"),
    (np.array([["a", "b"]]), np.zeros((1, 2)), "X must be numeric"),
])
def test_bad_data_is_a_clear_error(X, Y, message):
    net = Network([2, 3, 2], seed=0)
    with pytest.raises((ValueError, TypeError), match=message):
        net.gradients(X, Y)
