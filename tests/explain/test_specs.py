"""Other networks from specs, checked against PyTorch autograd (an independent computation)."""

import numpy as np
import pytest

import deltaprop
from deltaprop.explain import spec
from deltaprop.explain.expr import display_number as format_number

from .helpers import equations

SPECS = {
    "tanh hidden, sigmoid output": {
        "layers": [{"weights": [[0.1, -0.2], [0.4, 0.3], [-0.5, 0.2]], "biases": [0.1, -0.1, 0.05],
                    "activation": "tanh"},
                   {"weights": [[0.3, -0.6, 0.2]], "biases": [0.2], "activation": "sigmoid"}],
        "input": [0.5, -1.0], "target": [1.0], "learning_rate": 0.1},
    "relu hidden, softmax + cross-entropy": {
        "layers": [{"weights": [[0.5, -0.3], [-0.4, 0.8], [0.2, 0.1]], "biases": [0.0, 0.1, -0.2],
                    "activation": "relu"},
                   {"weights": [[0.2, -0.1, 0.4], [-0.3, 0.5, 0.1], [0.1, 0.2, -0.6]], "biases": [0.0, 0.0, 0.1],
                    "activation": "softmax"}],
        "input": [1.0, 0.5], "target": [0, 1, 0], "loss": "cross-entropy", "update_biases": True},
    "three layers, linear output": {
        "layers": [{"weights": [[0.2, -0.4], [0.7, 0.1]], "biases": [0.1, 0.0], "activation": "tanh"},
                   {"weights": [[0.3, -0.2], [0.5, 0.6]], "biases": [-0.1, 0.2], "activation": "leaky-relu"},
                   {"weights": [[0.4, -0.7]], "biases": [0.05], "activation": "linear"}],
        "input": [0.3, -0.8], "target": [0.25], "learning_rate": 0.2},
    "update biases, binary cross-entropy": {
        "layers": [{"weights": [[0.15, 0.2], [0.25, 0.3]], "biases": [0.35, 0.35], "activation": "sigmoid"},
                   {"weights": [[0.4, 0.45]], "biases": [0.6], "activation": "sigmoid"}],
        "input": [0.05, 0.1], "target": [1.0], "loss": "binary-cross-entropy", "update_biases": True},
    "batch of three": {
        "layers": [{"weights": [[0.15, 0.2], [0.25, 0.3]], "biases": [0.35, 0.35], "activation": "sigmoid"},
                   {"weights": [[0.4, 0.45], [0.5, 0.55]], "biases": [0.6, 0.6], "activation": "sigmoid"}],
        "inputs": [[0.05, 0.1], [0.9, -0.3], [0.0, 0.4]], "targets": [[0.01, 0.99], [1.0, 0.0], [0.5, 0.5]],
        "update_biases": True},
    "softmax with quadratic loss (Jacobian)": {
        "layers": [{"weights": [[0.3, -0.1], [0.2, 0.4]], "biases": [0.0, 0.1], "activation": "softmax"}],
        "input": [1.0, 2.0], "target": [0.0, 1.0]},
}


def torch_step(torch, data):
    """Forward, loss, gradients and one SGD step, by PyTorch autograd."""
    acts = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu, "linear": lambda z: z,
            "softmax": lambda z: torch.softmax(z, dim=1),
            "leaky-relu": lambda z: torch.nn.functional.leaky_relu(z, 0.01)}
    X = torch.tensor(data.get("inputs", [data.get("input")]), dtype=torch.float64)
    Y = torch.tensor(data.get("targets", [data.get("target")]), dtype=torch.float64)
    params = [(torch.tensor(layer["weights"], dtype=torch.float64, requires_grad=True),
               torch.tensor(layer["biases"], dtype=torch.float64, requires_grad=True)) for layer in data["layers"]]
    a, zs, outs = X, [], []
    for (W, b), layer in zip(params, data["layers"]):
        z = a @ W.T + b
        z.retain_grad()
        a = acts[layer["activation"]](z)
        zs.append(z)
        outs.append(a)
    loss_name = data.get("loss", "quadratic")
    if loss_name == "quadratic":
        per_sample = 0.5 * ((a - Y) ** 2).sum(dim=1)
    elif loss_name == "cross-entropy":
        per_sample = -(Y * torch.log(a)).sum(dim=1)
    else:
        per_sample = -(Y * torch.log(a) + (1 - Y) * torch.log(1 - a)).sum(dim=1)
    loss = per_sample.mean()
    loss.backward()
    n = X.shape[0]
    lr = data.get("learning_rate", 0.5)
    updated = [(W - lr * W.grad, b - lr * b.grad if data.get("update_biases") else b) for W, b in params]
    return {"z": [z.detach().numpy() for z in zs], "a": [o.detach().numpy() for o in outs], "loss": loss.item(),
            "delta": [z.grad.numpy() * n for z in zs],      # per-sample δ: ∂C_x/∂z_x
            "gW": [W.grad.numpy() for W, _ in params], "gb": [b.grad.numpy() for _, b in params],
            "updated": [(W.detach().numpy(), b.detach().numpy()) for W, b in updated]}


@pytest.mark.torch
@pytest.mark.parametrize("name", list(SPECS))
def test_spec_matches_pytorch(torch, name):
    data = SPECS[name]
    s = spec.parse(data)
    e = deltaprop.explain(s.network, s.X, s.Y, learning_rate=s.learning_rate, update_biases=s.update_biases)
    got, want = e.to_dict(), torch_step(torch, data)
    batch = "inputs" in data

    def rows(x):
        return np.asarray(x) if batch else np.asarray(x)[None, :]

    for entry in got["forward"]:
        l = entry["layer"]
        np.testing.assert_allclose(rows(entry["z"]), want["z"][l - 1], rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(rows(entry["a"]), want["a"][l - 1], rtol=1e-12, atol=1e-14)
    assert got["loss"] == pytest.approx(want["loss"], rel=1e-12)
    for entry in got["backward"]:
        l = entry["layer"]
        np.testing.assert_allclose(rows(entry["delta"]), want["delta"][l - 1], rtol=1e-10, atol=1e-13)
        np.testing.assert_allclose(entry["grad_weights"], want["gW"][l - 1], rtol=1e-10, atol=1e-13)
        np.testing.assert_allclose(entry["grad_biases"], want["gb"][l - 1], rtol=1e-10, atol=1e-13)
    for entry in got["updated"]:
        W, b = want["updated"][entry["layer"] - 1]
        np.testing.assert_allclose(entry["weights"], W, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(entry["biases"], b, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name", list(SPECS))
def test_spec_renders_every_gradient_it_computed(name):
    """The text shows each weight gradient (BP4 lines end with the engine's value) in both forms."""
    s = spec.parse(SPECS[name])
    e = deltaprop.explain(s.network, s.X, s.Y, learning_rate=s.learning_rate, update_biases=s.update_biases,
                          form="both")
    text = e.to_text(precision=6)
    bp4 = [line for line in text.splitlines() if line.rstrip().endswith("(BP4)")]
    for l, gW in enumerate(e.to_dict()["backward"][::-1], start=1):
        for value in np.ravel(gW["grad_weights"]):
            assert any(line.split("(BP4)")[0].rstrip().endswith(" " + format_number(value, 6)) for line in bp4), \
                (l, value)
    for tag in ("(BP1)", "(BP3)", "(BP4)"):
        assert tag in text
    if len(SPECS[name]["layers"]) > 1:
        assert "(BP2)" in text
    if s.network.sizes == [2, 2, 2]:
        assert "net_h1" in text and "w8" in text        # Mazur's names
    else:
        assert "x₁" in text and "w²₁₁" in text          # Nielsen's names and numbering
    for fmt in ("markdown", "html"):
        assert equations(e.render(fmt, precision=6), fmt)


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_single_output_cost_is_not_spelled_as_a_sum(fmt):
    """With one output the sample's cost is that output's term: "C = C₁ = value", not "C = C₁ = v = v"."""
    s = spec.parse(SPECS["tanh hidden, sigmoid output"])
    e = deltaprop.explain(s.network, s.X, s.Y, learning_rate=s.learning_rate)
    eqs = equations(e.render(fmt, precision=6), fmt)
    total = [eq.replace("₁", "1") for eq in eqs if eq.startswith(("C=C1=", "C=C₁="))]   # HTML subscripts as 1
    assert total == ["C=C1=" + format_number(e.to_dict()["loss"], 6)]
