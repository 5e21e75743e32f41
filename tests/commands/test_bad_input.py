"""Every user mistake is one line on stderr and a non-zero exit, never a traceback."""

import subprocess
import sys

import numpy as np
import pytest

from deltaprop import Network
from deltaprop.cli import main
from deltaprop.data.idx import write_idx
from deltaprop.io.persistence import load_model, save_model

from ..data.helpers import tiny_mnist


def fails(capsys, *argv, code=2):
    try:
        result = main([str(a) for a in argv])
    except SystemExit as exc:           # argparse rejects the flag itself
        result = exc.code
    out, err = capsys.readouterr()
    assert result == code, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


@pytest.fixture(scope="module")
def mnist_dir(tmp_path_factory):
    return tiny_mnist(tmp_path_factory.mktemp("mnist"), n_train=60, n_test=20)


@pytest.fixture
def csv(tmp_path):
    def write(text):
        path = tmp_path / "d.csv"
        path.write_text(text)
        return path
    return write


def test_missing_data_directory(tmp_path, capsys):
    line = fails(capsys, "train", "--data", "mnist", "--data-dir", tmp_path / "nope")
    assert "mnist not found" in line and str(tmp_path / "nope") in line and "deltaprop download mnist" in line


def test_corrupt_and_truncated_idx(tmp_path, capsys):
    tiny_mnist(tmp_path, n_train=20, n_test=10, gz=False)
    images = tmp_path / "train-images-idx3-ubyte"
    images.write_bytes(images.read_bytes()[:-100])
    assert "truncated IDX file" in fails(capsys, "train", "--data", "mnist", "--data-dir", tmp_path)
    images.write_bytes(b"\x12\x34" + images.read_bytes()[2:])
    assert "magic number" in fails(capsys, "train", "--data", "mnist", "--data-dir", tmp_path)


def test_label_count_differs_from_image_count(tmp_path, capsys):
    tiny_mnist(tmp_path, n_train=20, n_test=10)
    write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", np.zeros(9, np.uint8))
    assert "10 images but" in fails(capsys, "train", "--data", "mnist", "--data-dir", tmp_path)


@pytest.mark.parametrize("text, message", [
    ("a,label\n1,0\nhello,1\n", "row 3, column 0 ('a'): 'hello' is not a number"),
    ("a,label\n1,0\nNaN,1\n", "row 3, column 0 ('a'): missing value 'NaN'"),
    ("a,label\n1,0\n2,\n", "row 3, column 1 ('label'): missing value"),
])
def test_csv_with_text_or_missing_values(csv, capsys, text, message):
    assert message in fails(capsys, "train", "--data", csv(text))


def test_output_size_differs_from_number_of_classes(csv, capsys):
    path = csv("a,b,label\n" + "".join(f"{i},{i % 3},{i % 5}\n" for i in range(20)))
    line = fails(capsys, "train", "--data", path, "--layers", "2,4,3")
    assert "output layer has 3 units but the data has 5 classes" in line


def test_labels_out_of_range_for_the_model(csv, tmp_path, capsys):
    model = tmp_path / "m.npz"
    save_model(Network([2, 4, 3], ["relu", "softmax"], loss="cross-entropy", seed=0), model)
    path = csv("a,b,label\n" + "".join(f"{i},{i % 3},{i % 5}\n" for i in range(20)))
    line = fails(capsys, "evaluate", model, "--data", path)
    assert "range over 0..4 but the output layer has 3 unit(s)" in line


def test_loss_activation_mismatch_is_refused(tmp_path, capsys):
    """Cross-entropy takes ln a: a relu output (which can be 0 or above 1) would give wrong gradients."""
    line = fails(capsys, "train", "--data", "blobs", "--samples", "60", "--epochs", "1", "--loss", "cross-entropy",
                 "--activations", "relu,relu", "--layers", "2,8,3", "--quiet")
    assert "cross-entropy takes ln a, so the output layer must give values in (0, 1)" in line
    assert "got relu" in line


@pytest.mark.parametrize("flags, message", [
    (["--lr", "-0.5"], "expected a positive finite number"),
    (["--batch-size", "0"], "expected a positive integer"),
    (["--epochs", "-3"], "expected a positive integer"),
    (["--validation", "1.5"], "fraction between 0 and 1"),
    (["--dropout", "1.0"], "[0, 1)"),
    (["--weight-decay", "-1"], "finite number >= 0"),
    (["--layers", "2,0,2"], "layer sizes must be positive"),
    (["--schedule", "sawtooth"], "unknown schedule 'sawtooth'"),
    (["--loss", "hinge"], "unknown loss 'hinge'"),
    (["--activations", "relu,swish"], "unknown activation 'swish'"),
    (["--early-stopping", "3"], "also give --validation"),
    (["--layers", "5,4,2"], "input layer has 5 units but the data has 2 features"),
])
def test_absurd_hyper_parameters(capsys, flags, message):
    assert message in fails(capsys, "train", "--data", "xor", "--samples", "40", "--epochs", "1", *flags)


def test_model_with_object_array_or_wrong_shapes(tmp_path, capsys):
    model = tmp_path / "m.npz"
    save_model(Network([784, 4, 10], ["relu", "softmax"], loss="cross-entropy", seed=0), model)
    with np.load(model, allow_pickle=False) as archive:
        arrays = {k: archive[k] for k in archive.files}
    np.savez(model, **{**arrays, "layer1/weights": np.zeros((4, 5))})
    assert "layer 1 has weights (4, 5)" in fails(capsys, "predict", model, tmp_path / "whatever.csv")
    np.savez(model, **{**arrays, "layer1/weights": np.array([object()], dtype=object)})
    assert "object array" in fails(capsys, "evaluate", model, "--data", "xor")


def test_predict_input_with_wrong_width(tmp_path, capsys):
    model = tmp_path / "m.npz"
    save_model(Network([3, 4, 2], ["relu", "softmax"], loss="cross-entropy", seed=0), model,
               metadata={"preprocessing": {"kind": "none"}})
    inputs = tmp_path / "x.csv"
    inputs.write_text("1,2\n3,4\n")
    assert "2 features per sample but the model expects 3" in fails(capsys, "predict", model, inputs)


def test_diverging_run_stops_and_saves_the_last_finite_model(tmp_path, capsys):
    model = tmp_path / "m.npz"
    result = main(["train", "--data", "regression", "--samples", "64", "--loss", "quadratic", "--layers", "2,32,1",
                   "--lr", "1e6", "--epochs", "20", "--out", str(model), "--quiet"])
    err = capsys.readouterr().err
    assert result == 1 and "Traceback" not in err
    assert "diverged" in err and "try a smaller learning rate" in err and "saved the last finite weights" in err
    assert all(np.isfinite(p).all() for p in load_model(model).weights)


def test_real_entry_point_exit_code():
    done = subprocess.run([sys.executable, "-m", "deltaprop", "train", "--data", "nowhere.csv"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "no dataset named 'nowhere.csv'" in done.stderr
