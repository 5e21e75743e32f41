"""Diagnostics against a hand-built network whose dead and saturated units are known."""

import numpy as np
import pytest

from deltaprop import Network
from deltaprop.cli import main
from deltaprop.core.diagnostics import measure


def test_dead_and_saturated_units_are_counted():
    X = np.array([[1.0, 0.5], [0.2, 0.9], [0.7, 0.1], [0.4, 0.4]])          # all inputs positive
    Y = np.array([[0.1], [0.9], [0.4], [0.6]])
    # relu layer: unit 1 has negative weights and bias -> z < 0 for every sample (dead); units 2, 3 are alive
    relu = [[-1.0, -1.0], [1.0, 0.5], [0.3, 0.8]]
    # sigmoid layer: unit 1 has weights 50 -> σ'(z) ≈ 0 (saturated); unit 2 has small weights (linear regime)
    sigm = [[50.0, 50.0, 50.0], [0.1, -0.1, 0.2]]
    net = Network.from_weights([relu, sigm, [[0.5, 0.5]]], [[-0.1, 0.0, 0.0], [0.0, 0.0], [0.0]],
                               ["relu", "sigmoid", "linear"])
    d = measure(net, X, Y, learning_rate=0.1)
    assert d[0]["dead"] == pytest.approx(1 / 3) and d[0]["saturated"] is None
    assert d[1]["saturated"] == pytest.approx(0.5) and d[1]["dead"] is None       # one of two units, every sample
    assert d[2]["saturated"] is None and d[2]["dead"] is None
    grads = net.gradients(X, Y)
    assert d[1]["grad_norm"] == pytest.approx(np.linalg.norm(grads.weights[1]))
    assert d[0]["update_ratio"] == pytest.approx(0.1 * np.linalg.norm(grads.weights[0]) / np.linalg.norm(relu))


def test_fit_records_diagnostics_per_epoch(rng):
    X, y = rng.normal(size=(40, 3)), rng.integers(0, 2, 40)
    history = Network([3, 4, 2], ["relu", "softmax"], loss="cross-entropy", seed=0).fit(
        X, y, epochs=3, batch_size=8, diagnostics=True)
    assert [len(r["diagnostics"]) for r in history.epochs] == [2, 2, 2]
    assert {"weight_norm", "grad_norm", "update_ratio", "saturated", "dead"} <= set(history.epochs[0]["diagnostics"][0])
    assert "diagnostics" not in Network([3, 2], seed=0).fit(X, np.eye(2)[y] * 0.5, 1, 8).epochs[0]


def test_train_prints_and_plots_diagnostics(tmp_path, capsys):
    assert main(["train", "--data", "circles", "--samples", "200", "--epochs", "2", "--diagnostics",
                 "--plot", str(tmp_path / "curves.png")]) == 0
    out = capsys.readouterr().out
    assert "layer 1: |W|" in out and "update/weight" in out and "dead" in out
    assert (tmp_path / "curves.png").stat().st_size > 10_000
