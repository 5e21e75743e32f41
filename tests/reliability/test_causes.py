"""Labels and schedules that make sense or are refused, and messages that name the real cause (CLI, one line)."""

import math

import numpy as np
import pytest

from deltaprop import Network
from deltaprop.cli import main
from deltaprop.data.idx import write_idx
from deltaprop.io.persistence import save_model
from deltaprop.core.schedules import Cosine, get_schedule
from deltaprop.core.training import fit


def _fails(capsys, *argv):
    assert main([str(a) for a in argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


def _mnist_dir(folder, train_labels):
    """The four standard files of a tiny MNIST-format set with the given training labels."""
    rng = np.random.default_rng(0)
    n = len(train_labels)
    write_idx(folder / "train-images-idx3-ubyte", rng.integers(0, 256, (n, 28, 28)).astype(np.uint8))
    write_idx(folder / "train-labels-idx1-ubyte", np.asarray(train_labels, np.uint8))
    write_idx(folder / "t10k-images-idx3-ubyte", rng.integers(0, 256, (20, 28, 28)).astype(np.uint8))
    write_idx(folder / "t10k-labels-idx1-ubyte", (np.arange(20) % 10).astype(np.uint8))
    return folder


# ------------------------------------------------------------------ labels
def test_idx_labels_0_to_9_plus_one_200_are_refused_naming_the_outlier(tmp_path, capsys):
    """Before: a 201-class network was built and trained."""
    labels = np.arange(100) % 10
    labels[37] = 200
    folder = _mnist_dir(tmp_path, labels)
    err = _fails(capsys, "train", "--data", "mnist", "--data-dir", folder, "--epochs", "1", "--quiet")
    assert "class labels skip classes 10..199, then label 200 (1 sample, first at index 37)" in err
    assert "--classes 201" in err


def test_explicit_classes_keeps_the_gaps(tmp_path, capsys):
    labels = np.arange(100) % 10
    labels[37] = 200
    folder = _mnist_dir(tmp_path, labels)
    out = tmp_path / "m.npz"
    assert main(["train", "--data", "mnist", "--data-dir", str(folder), "--epochs", "1", "--quiet",
                 "--layers", "784,8,201", "--classes", "201", "--out", str(out)]) == 0
    assert Network is not None and np.load(out)["layer2/weights"].shape == (201, 8)
    err = _fails(capsys, "train", "--data", "mnist", "--data-dir", folder, "--epochs", "1", "--quiet",
                 "--classes", "10")
    assert "label 200 (1 sample, first at index 37) outside 0..9 (--classes 10)" in err


def test_csv_class_in_the_middle_missing_is_refused(tmp_path, capsys):
    path = tmp_path / "d.csv"
    path.write_text("a,label\n" + "".join(f"{i},{(0, 1, 3)[i % 3]}\n" for i in range(30)))
    err = _fails(capsys, "train", "--data", path, "--epochs", "1", "--quiet")
    assert "d.csv: class labels skip class 2, then label 3 (10 samples, first at index 2)" in err


def test_csv_label_of_1e308_names_the_value_not_the_learning_rate(tmp_path, capsys):
    """Before: "training diverged ... try a smaller learning rate"."""
    path = tmp_path / "d.csv"
    path.write_text("a,b,label\n" + "".join(f"{i % 3},{i % 5},{i % 2}\n" for i in range(20)) + "1,2,1e308\n")
    err = _fails(capsys, "train", "--data", path, "--epochs", "1", "--quiet")
    assert "d.csv: labels: 1e+308 (sample 20) is too large" in err and "learning rate" not in err


def test_uint64_labels_of_2_64_minus_1_are_named_as_they_are(tmp_path, capsys):
    """Before: "class labels must be 0 or more, found -1" (the cast to int64 wrapped around)."""
    path = tmp_path / "u.npz"
    y = (np.arange(20) % 2).astype(np.uint64)
    y[19] = np.iinfo(np.uint64).max
    np.savez(path, X=np.zeros((20, 2)), y=y)
    err = _fails(capsys, "train", "--data", path, "--epochs", "1", "--quiet")
    assert "class labels go up to 18446744073709551615" in err and "found -1" not in err


def test_model_with_subnormal_std_is_refused_naming_the_std(tmp_path, capsys):
    """Before: "X contains NaN or infinity" (every input divided by 1e-310 overflows)."""
    model = tmp_path / "m.npz"
    save_model(Network([2, 3, 2], ["relu", "softmax"], loss="cross-entropy", seed=0), model,
               metadata={"preprocessing": {"kind": "standardize", "mean": [0.0, 0.0], "std": [1e-310, 1.0]}})
    data = tmp_path / "d.csv"
    data.write_text("a,b,label\n1,2,0\n3,4,1\n")
    for argv in (("predict", model, data), ("evaluate", model, "--data", data)):
        err = _fails(capsys, *argv)
        assert "the std of feature 0 is 1e-310, below the smallest normal float64" in err
        assert "NaN" not in err


def test_input_overflowing_the_models_scaling_names_sample_and_feature(tmp_path, capsys):
    model = tmp_path / "m.npz"
    save_model(Network([2, 3, 2], ["relu", "softmax"], loss="cross-entropy", seed=0), model,
               metadata={"preprocessing": {"kind": "standardize", "mean": [0.0, 0.0], "std": [1e-300, 1.0]}})
    data = tmp_path / "d.csv"
    data.write_text("a,b\n0,2\n1e10,4\n")
    err = _fails(capsys, "predict", model, data)
    assert "d.csv: sample 1, feature 0: the value 1e+10 becomes infinite" in err


# --------------------------------------------------------------- schedules
def test_cosine_minimum_above_eta_is_refused(capsys):
    """Before: --schedule cosine:5 with η = 0.1 raised the learning rate towards 5 (4.28 by the last epochs)."""
    err = _fails(capsys, "train", "--data", "xor", "--lr", "0.1", "--schedule", "cosine:5", "--epochs", "10",
                 "--quiet")
    assert "minimum learning rate 5 is above the learning rate η = 0.1" in err and "not a number of epochs" in err


def test_cosine_refuses_in_the_library_too():
    with pytest.raises(ValueError, match="above the learning rate"):
        Cosine(10, 5.0).rate(1, 0.1)
    network = Network([2, 3, 1], ["tanh", "sigmoid"], loss="binary-cross-entropy", seed=0)
    X, y = np.zeros((8, 2)), np.arange(8) % 2
    before = [w.copy() for w in network.weights]
    with pytest.raises(ValueError, match="above the learning rate"):
        fit(network, X, y, 3, 4, "sgd", learning_rate=0.1, schedule="cosine:5")
    assert all(np.array_equal(a, b) for a, b in zip(before, network.weights))      # refused before any step


def test_cosine_still_decays_to_its_minimum():
    schedule = get_schedule("cosine:0.01", 10)
    rates = [schedule.rate(epoch, 0.1) for epoch in range(1, 11)]
    assert rates[0] == 0.1 and all(a > b for a, b in zip(rates, rates[1:])) and min(rates) > 0.01
    assert math.isclose(schedule.rate(11, 0.1), 0.01)
