"""The third oracle: PyTorch autograd, float64, same weights, same batch."""

import numpy as np
import pytest
from hypothesis import given, settings

from deltaprop import SGD, Network
from deltaprop.core.backprop import Gradients, Workspace, backward_pass, forward_pass

from .strategies import problems


def torch_forward(torch, net, X, masks=None):
    """The network rebuilt from torch operations; returns (parameters, output)."""
    F = torch.nn.functional
    params = []
    a = torch.tensor(X)
    for l, (layer, act) in enumerate(zip(net.layers, net.activations), start=1):
        W = torch.tensor(layer.weights, requires_grad=True)
        b = torch.tensor(layer.biases, requires_grad=True)
        params += [W, b]
        z = a @ W.T + b
        name, _, slope = act.partition(":")
        a = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu, "linear": lambda t: t,
             "leaky-relu": lambda t: F.leaky_relu(t, float(slope or 0.01)),
             "softmax": lambda t: torch.softmax(t, dim=1)}[name](z)
        if masks is not None and masks[l] is not None:
            a = a * torch.tensor(masks[l])
    return params, a


def torch_loss(torch, name, a, Y):
    Y = torch.tensor(Y)
    n = a.shape[0]
    if name == "quadratic":
        return 0.5 * ((a - Y) ** 2).sum() / n
    if name == "binary-cross-entropy":
        return -(Y * torch.log(a) + (1 - Y) * torch.log(1 - a)).sum() / n
    return -(Y * torch.log(a)).sum() / n


def torch_gradients(torch, net, X, Y, masks=None):
    params, a = torch_forward(torch, net, X, masks)
    loss = torch_loss(torch, net.loss.name, a, Y)
    loss.backward()
    return float(loss.detach()), [p.grad.numpy() for p in params]


@settings(max_examples=80, deadline=None)
@given(problem=problems())
def test_gradients_equal_torch_autograd(torch, problem):
    net, X, Y = problem
    loss, expected = torch_gradients(torch, net, X, Y)
    grads = net.gradients(X, Y)
    assert net.compute_loss(X, Y) == pytest.approx(loss, rel=1e-10, abs=1e-14)
    for l in range(len(net.layers)):
        np.testing.assert_allclose(grads.weights[l], expected[2 * l], rtol=1e-10, atol=1e-13)
        np.testing.assert_allclose(grads.biases[l], expected[2 * l + 1], rtol=1e-10, atol=1e-13)


@settings(max_examples=25, deadline=None)
@given(problem=problems())
def test_one_sgd_step_equals_torch_optim_sgd(torch, problem):
    net, X, Y = problem
    params, a = torch_forward(torch, net, X)
    optimizer = torch.optim.SGD(params, lr=0.3)
    torch_loss(torch, net.loss.name, a, Y).backward()
    optimizer.step()
    net.train_step(X, Y, SGD(0.3))
    # rtol 1e-10 as for the gradients: unmatched pairs (e.g. softmax + binary cross-entropy) divide by a(1 − a),
    # which near-saturated outputs (targets of exactly 0 or 1) make a few ulps less accurate than the fused pairs
    for l, layer in enumerate(net.layers):
        np.testing.assert_allclose(layer.weights, params[2 * l].detach().numpy(), rtol=1e-10, atol=1e-13)
        np.testing.assert_allclose(layer.biases, params[2 * l + 1].detach().numpy(), rtol=1e-10, atol=1e-13)


def test_dropout_gradients_equal_torch_with_the_same_mask(torch, rng):
    net = Network([5, 6, 4, 3], ["tanh", "relu", "softmax"], loss="cross-entropy", seed=2, dropout=[0.5, 0.25])
    X = rng.standard_normal((7, 5))
    Y = np.eye(3)[rng.integers(0, 3, 7)]
    ws = Workspace(net.layers, 7, np.float64, dropout=True)
    forward_pass(net.layers, X, ws, rng=np.random.default_rng(0))
    grads = backward_pass(net.layers, net.loss, Y, ws, Gradients(net.layers, np.float64))
    assert set(np.unique(ws.mask[1])) <= {0.0, 2.0}          # inverted dropout: 0 or 1/(1 − p)
    _, expected = torch_gradients(torch, net, X, Y, masks=ws.mask)
    for l in range(3):
        np.testing.assert_allclose(grads.weights[l], expected[2 * l], rtol=1e-10, atol=1e-13)
        np.testing.assert_allclose(grads.biases[l], expected[2 * l + 1], rtol=1e-10, atol=1e-13)
