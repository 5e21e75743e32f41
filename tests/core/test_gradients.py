"""Backprop's gradients against two oracles: central finite differences and the scalar reference path.

(The third oracle, PyTorch autograd, is in test_torch_oracle.py.)
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deltaprop import Network, gradcheck
from deltaprop.teach.gradcheck import numerical_gradients
from deltaprop.teach.scalar_reference import scalar_backprop

from .strategies import PAIRS, problems


@pytest.mark.parametrize("pair", PAIRS, ids=[f"{a}+{l}" for a, l in PAIRS])
@settings(max_examples=12, deadline=None)
@given(data=st.data())
def test_finite_differences_every_activation_loss_pair(pair, data):
    net, X, Y = data.draw(problems(pair))
    analytic = net.gradients(X, Y)
    numeric_w, numeric_b = numerical_gradients(net, X, Y)
    for l in range(len(net.layers)):
        np.testing.assert_allclose(analytic.weights[l], numeric_w[l], rtol=1e-5, atol=1e-8)
        np.testing.assert_allclose(analytic.biases[l], numeric_b[l], rtol=1e-5, atol=1e-8)


@settings(max_examples=60, deadline=None)
@given(problem=problems())
def test_matrix_path_equals_scalar_reference(problem):
    net, X, Y = problem
    grads = net.gradients(X, Y)
    loss, grad_w, grad_b, deltas = scalar_backprop(
        [w.tolist() for w in net.weights], [b.tolist() for b in net.biases],
        net.activations, net.loss.name, X.tolist(), Y.tolist())
    assert net.compute_loss(X, Y) == pytest.approx(loss, rel=1e-12, abs=1e-14)
    for l in range(len(net.layers)):
        np.testing.assert_allclose(grads.weights[l], grad_w[l], rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(grads.biases[l], grad_b[l], rtol=1e-10, atol=1e-14)
        per_sample = np.array([sample[l] for sample in deltas])
        np.testing.assert_allclose(grads.deltas[l], per_sample, rtol=1e-10, atol=1e-14)


def test_gradcheck_reports_small_errors_per_layer(rng):
    net = Network([4, 5, 3], ["tanh", "softmax"], loss="cross-entropy", seed=0)
    X = rng.standard_normal((6, 4))
    report = gradcheck(net, X, rng.integers(0, 3, 6))
    assert [row["layer"] for row in report] == [1, 2]
    assert all(row["weights"] < 1e-6 and row["biases"] < 1e-6 for row in report)


def test_gradcheck_catches_a_wrong_gradient(rng, monkeypatch):
    """A sign flip in BP1 (the classic from-scratch bug: `y − a` instead of `a − y`) must show up as a large error."""
    net = Network([3, 4, 2], ["sigmoid", "sigmoid"], seed=1)
    X, Y = rng.standard_normal((5, 3)), rng.uniform(0, 1, (5, 2))
    import deltaprop.core.losses as losses
    monkeypatch.setattr(losses.Quadratic, "gradient", lambda self, a, y, out: np.subtract(y, a, out=out))
    report = gradcheck(net, X, Y)
    assert max(row["weights"] for row in report) > 0.5


def test_gradcheck_leaves_the_network_untouched(rng):
    net = Network([2, 3, 1], ["relu", "sigmoid"], seed=3, dtype=np.float32)
    before = [w.copy() for w in net.weights]
    gradcheck(net, rng.standard_normal((4, 2)), rng.uniform(0, 1, (4, 1)))
    for w, saved in zip(net.weights, before):
        np.testing.assert_array_equal(w, saved)
