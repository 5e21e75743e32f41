"""Activations and losses: values, derivatives, stability."""

import warnings

import numpy as np
import pytest

from deltaprop.core.activations import ACTIVATIONS, Softmax, get_activation
from deltaprop.core.losses import LOSSES, get_loss


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_is_stable_for_huge_inputs(dtype):
    z = np.array([[-1e4, -800.0, -100.0, 0.0, 100.0, 800.0, 1e4]], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")            # any overflow warning fails the test
        a = get_activation("sigmoid")(z)
    assert np.all(np.isfinite(a))
    assert a[0, 3] == 0.5
    assert a[0, -1] == 1.0 and a[0, 0] < 1e-30 and a[0, 0] >= 0
    assert a.dtype == dtype


def test_sigmoid_matches_formula_in_normal_range():
    z = np.linspace(-30, 30, 121)[None, :]
    np.testing.assert_allclose(get_activation("sigmoid")(z), 1 / (1 + np.exp(-z)), rtol=1e-15)


def test_softmax_rows_sum_to_one_without_overflow():
    z = np.array([[1000.0, 1001.0, 999.0], [-1e4, 0.0, 1e4]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a = get_activation("softmax")(z)
    np.testing.assert_allclose(a.sum(axis=1), 1.0)
    assert a[1, 2] == 1.0


@pytest.mark.parametrize("name", [n for n in ACTIVATIONS if n != "softmax"] + ["leaky-relu:0.2"])
def test_derivative_matches_finite_difference(name, rng):
    act = get_activation(name)
    z = rng.uniform(-3, 3, (4, 5))
    z[np.abs(z) < 1e-3] = 0.5                       # stay off the relu kink
    a = act(z)
    h = 1e-6
    numeric = (act(z + h) - act(z - h)) / (2 * h)
    np.testing.assert_allclose(act.derivative(z, a), numeric, rtol=1e-6, atol=1e-9)
    grad = rng.standard_normal(z.shape)
    np.testing.assert_allclose(act.backward(z, a, grad, np.empty_like(z)), grad * numeric, rtol=1e-6, atol=1e-9)
    in_place = grad.copy()
    act.backward(z, a, in_place, in_place)
    np.testing.assert_allclose(in_place, grad * numeric, rtol=1e-6, atol=1e-9)


def test_softmax_backward_is_the_jacobian_product(rng):
    z = rng.standard_normal((3, 4))
    a = Softmax()(z)
    g = rng.standard_normal((3, 4))
    expected = np.stack([Softmax.jacobian(a[i]).T @ g[i] for i in range(3)])
    np.testing.assert_allclose(Softmax().backward(z, a, g, np.empty_like(g)), expected, rtol=1e-12)


def test_unknown_names_list_the_valid_ones():
    with pytest.raises(ValueError, match="unknown activation 'swish'; valid: sigmoid, tanh, relu"):
        get_activation("swish")
    with pytest.raises(ValueError, match="unknown loss 'hinge'; valid: quadratic"):
        get_loss("hinge")
    with pytest.raises(ValueError, match="slope must be in"):
        get_activation("leaky-relu:2")


@pytest.mark.parametrize("name", list(LOSSES))
def test_loss_gradient_matches_finite_difference(name, rng):
    loss = get_loss(name)
    a = rng.uniform(0.1, 0.9, (3, 4))
    y = np.eye(4)[[0, 2, 3]] if name == "cross-entropy" else rng.uniform(0, 1, (3, 4))
    h = 1e-6
    numeric = np.zeros_like(a)
    for idx in np.ndindex(a.shape):
        plus, minus = a.copy(), a.copy()
        plus[idx] += h
        minus[idx] -= h
        numeric[idx] = (loss.value(plus, y) - loss.value(minus, y)) * a.shape[0] / (2 * h)
    np.testing.assert_allclose(loss.gradient(a, y, np.empty_like(a)), numeric, rtol=1e-6)
    assert loss.value(a, y) == pytest.approx(loss.per_output(a, y).sum() / 3)


def test_quadratic_is_half_squared_norm_averaged():
    a = np.array([[1.0, 2.0], [0.0, 0.0]])
    y = np.array([[0.0, 0.0], [1.0, 1.0]])
    assert get_loss("quadratic").value(a, y) == pytest.approx((0.5 * 5 + 0.5 * 2) / 2)


def test_saturated_outputs_give_finite_losses():
    a = np.array([[0.0, 1.0]])
    y = np.array([[1.0, 0.0]])
    for name in LOSSES:
        assert np.isfinite(get_loss(name).value(a, y))
