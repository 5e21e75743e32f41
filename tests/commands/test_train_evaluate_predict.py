"""The train → evaluate → predict workflow on small generated MNIST-format files, and resuming."""

import json

import numpy as np
import pytest

from deltaprop.cli import main
from deltaprop.io.persistence import load_model, read_metadata
from deltaprop.commands.recipes import RECIPES

from ..data.helpers import tiny_mnist


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


@pytest.fixture(scope="module")
def mnist_dir(tmp_path_factory):
    return tiny_mnist(tmp_path_factory.mktemp("mnist"), n_train=300, n_test=100)


def test_train_evaluate_predict(mnist_dir, tmp_path, capsys):
    model, curves, report = tmp_path / "m.npz", tmp_path / "curves.png", tmp_path / "r.json"
    code, out, err = run(capsys, "train", "--data", "mnist", "--data-dir", mnist_dir, "--layers", "784,32,10",
                         "--optimizer", "adam", "--lr", "0.01", "--batch-size", "32", "--epochs", "4",
                         "--validation", "0.2", "--dtype", "float32", "--out", model, "--plot", curves,
                         "--json", report, "--checkpoint-dir", tmp_path / "ck")
    assert code == 0, err
    assert "epoch 4/4" in out and "samples/s" in out and "test_accuracy" in out
    result = json.loads(report.read_text())
    assert len(result["history"]) == 4 and result["metrics"]["test_accuracy"] > 0.8
    assert {"loss", "accuracy", "val_loss", "val_accuracy", "learning_rate"} <= set(result["history"][0])
    assert curves.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert sorted(p.name for p in (tmp_path / "ck").iterdir()) == [f"epoch-00{i}.npz" for i in range(1, 5)]
    meta = read_metadata(model)["metadata"]
    assert meta["preprocessing"] == {"kind": "unit", "maximum": 255.0} and meta["training"]["layers"] == [784, 32, 10]

    confusion, evaluation = tmp_path / "confusion.png", tmp_path / "e.json"
    code, out, err = run(capsys, "evaluate", model, "--data", "mnist", "--data-dir", mnist_dir,
                         "--confusion", confusion, "--json", evaluation)
    assert code == 0, err
    metrics = json.loads(evaluation.read_text())
    assert metrics["accuracy"] == pytest.approx(result["metrics"]["test_accuracy"])
    assert len(metrics["per_class"]) == 10 and sum(c["support"] for c in metrics["per_class"]) == 100
    assert np.array(metrics["confusion_matrix"]).sum() == 100 and "precision" in out
    assert confusion.stat().st_size > 1000

    labels = tmp_path / "labels.csv"
    code, _, err = run(capsys, "predict", model, mnist_dir / "t10k-images-idx3-ubyte.gz", "--out", labels)
    assert code == 0, err
    predicted = np.loadtxt(labels, delimiter=",", skiprows=1, dtype=int)
    truth = np.arange(100) % 10
    assert np.mean(predicted == truth) == pytest.approx(metrics["accuracy"])
    probabilities = tmp_path / "p.npz"
    code, _, _ = run(capsys, "predict", model, mnist_dir / "t10k-images-idx3-ubyte.gz", "--probabilities",
                     "--out", probabilities)
    with np.load(probabilities, allow_pickle=False) as archive:
        outputs = archive["outputs"]
    assert outputs.shape == (100, 10) and np.allclose(outputs.sum(axis=1), 1, atol=1e-5)
    code, out, _ = run(capsys, "predict", model, mnist_dir / "t10k-images-idx3-ubyte.gz")
    assert out.splitlines()[0] == "label" and len(out.splitlines()) == 101


def test_resume_equals_an_uninterrupted_run(mnist_dir, tmp_path, capsys):
    common = ["train", "--data", "mnist", "--data-dir", mnist_dir, "--layers", "784,24,10", "--optimizer", "adam",
              "--lr", "0.005", "--batch-size", "16", "--epochs", "4", "--dropout", "0.3", "--schedule", "cosine",
              "--validation", "0.2", "--early-stopping", "10", "--weight-decay", "1", "--quiet", "--seed", "3"]
    assert run(capsys, *common, "--out", tmp_path / "full.npz", "--json", tmp_path / "full.json",
               "--checkpoint-dir", tmp_path / "ck")[0] == 0
    code, _, err = run(capsys, "train", "--resume", tmp_path / "ck" / "epoch-002.npz",
                       "--out", tmp_path / "resumed.npz", "--json", tmp_path / "resumed.json", "--quiet")
    assert code == 0, err
    full, resumed = load_model(tmp_path / "full.npz"), load_model(tmp_path / "resumed.npz")
    for a, b in zip(full.weights + full.biases, resumed.weights + resumed.biases):
        np.testing.assert_array_equal(a, b)
    first, second = (json.loads((tmp_path / f"{n}.json").read_text()) for n in ("full", "resumed"))
    assert first["history"] == second["history"] and first["metrics"]["test_loss"] == second["metrics"]["test_loss"]
    code, _, err = run(capsys, "train", "--resume", tmp_path / "ck" / "epoch-004.npz")
    assert code == 2 and "pass --epochs N with N > 4" in err
    code, _, err = run(capsys, "train", "--resume", tmp_path / "ck" / "epoch-004.npz", "--lr", "0.1")
    assert code == 2 and "drop --lr" in err
    code, _, err = run(capsys, "train", "--resume", tmp_path / "ck" / "epoch-002.npz", "--epochs", "5",
                       "--out", tmp_path / "longer.npz", "--quiet")
    assert code == 0 and load_model(tmp_path / "longer.npz").sizes == [784, 24, 10]


@pytest.mark.parametrize("recipe", sorted(RECIPES))
def test_recipes_run_on_a_small_slice(mnist_dir, tmp_path, capsys, recipe):
    report = tmp_path / "r.json"
    code, _, err = run(capsys, "train", "--data", "mnist", "--data-dir", mnist_dir, "--recipe", recipe,
                       "--epochs", "1", "--json", report, "--quiet")
    assert code == 0, err
    config = json.loads(report.read_text())["config"]
    for key, value in RECIPES[recipe].items():
        if key != "epochs":
            assert config[key] == value, key
    assert config["epochs"] == 1                                        # the flag overrides the recipe


def test_flags_override_a_recipe(mnist_dir, tmp_path, capsys):
    report = tmp_path / "r.json"
    code, _, err = run(capsys, "train", "--data", "mnist", "--data-dir", mnist_dir, "--recipe", "nielsen-ch1",
                       "--epochs", "1", "--lr", "0.5", "--layers", "784,12,10", "--json", report, "--quiet")
    config = json.loads(report.read_text())["config"]
    assert code == 0 and config["lr"] == 0.5 and config["layers"] == [784, 12, 10]
    assert config["loss"] == "quadratic" and config["batch_size"] == 10


def test_csv_training_and_synthetic_sets(tmp_path, capsys):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((120, 3))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    path = tmp_path / "d.csv"
    np.savetxt(path, np.column_stack([X, y]), delimiter=",", header="a,b,c,target", comments="", fmt="%.5f")
    code, out, err = run(capsys, "train", "--data", path, "--label-column", "target", "--epochs", "30",
                         "--optimizer", "momentum", "--lr", "0.05", "--out", tmp_path / "m.npz")
    assert code == 0, err
    assert "final" in out
    code, out, err = run(capsys, "evaluate", tmp_path / "m.npz", "--data", path, "--label-column", "target")
    assert code == 0 and float(out.split("accuracy ")[1].split()[0]) > 0.9
    code, out, err = run(capsys, "train", "--data", "xor", "--epochs", "2", "--quiet")
    assert code == 0 and out == ""
