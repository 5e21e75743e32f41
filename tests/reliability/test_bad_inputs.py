"""One regression test per defect found by fuzzing (issue "every bad input a one-line error before any work").

CLI cases: exit status 2, exactly one line on stderr, no traceback, and no
output file.  Library cases: the documented exception.
"""

import gzip
import json
import os

import numpy as np
import pytest

from deltaprop import Network, gradcheck
from deltaprop.cli import main
from deltaprop.data.idx import write_idx
from deltaprop.io.persistence import load_model, save_model
from deltaprop.core.training import fit


def fails(capsys, *argv, code=2):
    try:
        result = main([str(a) for a in argv])
    except SystemExit as exc:           # argparse refused the flag itself
        result = exc.code
    out, err = capsys.readouterr()
    assert result == code, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def npz(tmp_path, name="d.npz", **arrays):
    path = tmp_path / name
    np.savez(path, **arrays)
    return path


# ------------------------------------------------------------- tracebacks before
@pytest.mark.parametrize("argv, message", [
    (["--data", "circles", "--samples", "99999999999999"], "needs ≈"),
    (["--data", "circles", "--layers", "2,100000,100000,2"], "needs ≈"),
])
def test_absurd_sizes_are_refused_with_a_memory_estimate(capsys, argv, message):
    line = fails(capsys, "train", *argv, "--epochs", "1", "--quiet")
    assert message in line and "GiB" in line


def test_a_label_of_a_trillion_is_refused_before_building_the_network(tmp_path, capsys):
    path = tmp_path / "d.csv"
    path.write_text("a,b,label\n" + "".join(f"{i},{i},{i % 2}\n" for i in range(10)) + "1,2,1000000000000\n")
    line = fails(capsys, "train", "--data", path, "--epochs", "1", "--quiet")
    assert "class labels go up to 1000000000000" in line


def test_regression_npz_with_1d_real_targets_trains(tmp_path, capsys):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 3))
    path = npz(tmp_path, X=X, y=X @ [0.5, -0.2, 0.1] + 0.05 * rng.random(30))
    assert main(["train", "--data", str(path), "--epochs", "2", "--out", str(tmp_path / "m.npz")]) == 0
    out = capsys.readouterr().out
    assert "regression (real-valued targets, 1 column) → quadratic cost, linear output" in out
    assert load_model(tmp_path / "m.npz").loss.name == "quadratic"


@pytest.mark.parametrize("arrays, message", [
    ({"X": np.float64(3.0), "y": np.array([1])}, "0-d"),
    ({"X": np.ones((3, 2)), "y": np.float64(1.0)}, "0-d"),
    ({"X": np.ones((4, 2)) + 1j, "y": np.array([0, 1, 0, 1])}, "complex"),
    ({"X": np.ones((4, 2)), "y": np.array([0, 0, 0, 0])}, "a classifier needs at least two classes"),
])
def test_npz_arrays_the_maths_does_not_cover(tmp_path, capsys, arrays, message):
    line = fails(capsys, "train", "--data", npz(tmp_path, **arrays), "--epochs", "1", "--quiet")
    assert message in line


def test_single_class_csv_is_refused(tmp_path, capsys):
    path = tmp_path / "d.csv"
    path.write_text("a,b,label\n" + "".join(f"{i},{i * 2},3\n" for i in range(12)))
    assert "every training label is 3" in fails(capsys, "train", "--data", path, "--epochs", "1", "--quiet")


def test_builtin_regression_set_trains_with_the_quadratic_cost(capsys):
    assert main(["train", "--data", "regression", "--samples", "60", "--epochs", "2"]) == 0
    out = capsys.readouterr().out
    assert "regression" in out and "quadratic cost, linear output" in out and "loss -" not in out


def test_evaluate_with_one_hot_targets(tmp_path, capsys):
    model = tmp_path / "m.npz"
    save_model(Network([2, 4, 2], ["relu", "softmax"], loss="cross-entropy", seed=0), model)
    X = np.random.default_rng(0).normal(size=(10, 2))
    path = npz(tmp_path, X=X, y=np.eye(2)[np.arange(10) % 2])
    assert main(["evaluate", str(model), "--data", str(path)]) == 0
    assert "accuracy" in capsys.readouterr().out


def test_deep_or_huge_json_in_specs_and_models(tmp_path, capsys):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    assert "nested 100000 levels deep" in fails(capsys, "explain", "--spec", deep)
    huge = tmp_path / "huge.json"
    huge.write_text(json.dumps({"layers": [{"weights": [[1]], "biases": [0], "activation": "linear"}],
                                "input": [1], "target": [1]}).replace('[[1]]', "[[" + "9" * 400 + "]]"))
    assert "400 digits is too large" in fails(capsys, "explain", "--spec", huge)


def _tamper_metadata(path, change):
    with np.load(path) as archive:
        arrays = {k: archive[k] for k in archive.files}
    header = json.loads(arrays["__metadata__"].tobytes())
    change(header)
    arrays["__metadata__"] = np.frombuffer(json.dumps(header).encode(), np.uint8)
    np.savez(path, **arrays)


@pytest.mark.parametrize("preprocessing, message", [
    ({"kind": "unit", "maximum": 0}, "finite maximum > 0"),
    ("standardize", "must be an object with kind"),
    ({"kind": "standardize", "std": [1.0, 1.0]}, "standardize needs 'mean'"),
    ({"kind": "standardize", "mean": [0, 0], "std": [1.0, 0.0]}, "standardize needs 'std'"),
])
def test_tampered_preprocessing_is_refused_on_load(tmp_path, capsys, preprocessing, message):
    model = tmp_path / "m.npz"
    save_model(Network([2, 3, 2], ["relu", "softmax"], loss="cross-entropy", seed=0), model,
               metadata={"preprocessing": {"kind": "none"}})
    _tamper_metadata(model, lambda h: h["metadata"].update(preprocessing=preprocessing))
    with pytest.raises(ValueError, match=message):
        load_model(model)
    inputs = tmp_path / "x.csv"
    inputs.write_text("a,b\n1,2\n")
    assert message in fails(capsys, "predict", model, inputs)


def test_deep_model_metadata_is_refused(tmp_path):
    model = tmp_path / "m.npz"
    save_model(Network([2, 2], seed=0), model)
    _tamper_metadata(model, lambda h: h["metadata"].update(x=json.loads("[" * 500 + "]" * 500)))
    with pytest.raises(ValueError, match="nested"):
        load_model(model)


# ------------------------------------------------------------- silent wrong answers before
def test_complex_inputs_are_refused_by_the_library():
    net = Network([2, 2], seed=0)
    with pytest.raises(TypeError, match="real numbers"):
        fit(net, np.ones((4, 2)) + 0j, np.ones((4, 2)) / 2, epochs=1, batch_size=2)


def test_idx_labels_stored_as_fractions_and_odd_image_shapes(tmp_path, capsys):
    base = tmp_path / "fake"
    base.mkdir()
    rng = np.random.default_rng(0)
    write_idx(base / "train-images-idx3-ubyte", rng.integers(0, 255, (20, 28, 28), dtype=np.uint8))
    write_idx(base / "t10k-images-idx3-ubyte", rng.integers(0, 255, (10, 28, 28), dtype=np.uint8))
    write_idx(base / "train-labels-idx1-ubyte", (np.arange(20) % 3 + 0.5).astype(np.float32))
    write_idx(base / "t10k-labels-idx1-ubyte", (np.arange(10) % 3).astype(np.uint8))
    line = fails(capsys, "train", "--data", "mnist", "--data-dir", base, "--epochs", "1", "--quiet")
    assert "labels must be whole numbers" in line
    write_idx(base / "train-labels-idx1-ubyte", (np.arange(20) % 3).astype(np.uint8))
    write_idx(base / "train-images-idx3-ubyte", rng.integers(0, 255, (20, 14, 56), dtype=np.uint8))
    line = fails(capsys, "train", "--data", "mnist", "--data-dir", base, "--epochs", "1", "--quiet")
    assert "images are 28×28, got 14×56" in line


def test_predict_refuses_images_of_another_shape(tmp_path, capsys):
    model = tmp_path / "m.npz"
    save_model(Network([784, 4, 10], ["relu", "softmax"], loss="cross-entropy", seed=0), model,
               metadata={"image_shape": [28, 28]})
    write_idx(tmp_path / "odd-idx3-ubyte", np.zeros((3, 14, 56), np.uint8))
    assert "images of 14×56 but the model was trained on 28×28" in fails(capsys, "predict", model,
                                                                         tmp_path / "odd-idx3-ubyte")


def test_huge_csv_features_train_and_save(tmp_path, capsys):
    rng = np.random.default_rng(0)
    rows = "".join(f"{v:.6e},{w:.3f},{i % 2}\n" for i, (v, w) in enumerate(zip(rng.uniform(-1e200, 1e200, 40),
                                                                                rng.normal(size=40))))
    (tmp_path / "d.csv").write_text("a,b,label\n" + rows)
    assert main(["train", "--data", str(tmp_path / "d.csv"), "--epochs", "2", "--quiet",
                 "--out", str(tmp_path / "m.npz")]) == 0
    meta = json.loads(np.load(tmp_path / "m.npz")["__metadata__"].tobytes())
    assert all(np.isfinite(meta["metadata"]["preprocessing"]["std"]))


@pytest.mark.parametrize("call, message", [
    (lambda net: net.predict(np.ones((3, 2)), batch_size=-1), "batch_size must be a positive integer"),
    (lambda net: net.predict(np.ones((3, 2)), batch_size=0), "batch_size must be a positive integer"),
    (lambda net: gradcheck(net, np.ones((3, 2)), np.ones((3, 2)) / 2, h=0), "h .* must be a positive"),
])
def test_library_arguments(call, message):
    with pytest.raises(ValueError, match=message):
        call(Network([2, 2], seed=0))


def _checkpoint(tmp_path, optimizer="adam"):
    X = np.random.default_rng(0).normal(size=(20, 2))
    y = np.arange(20) % 2
    assert main(["train", "--data", "circles", "--samples", "40", "--epochs", "1", "--optimizer", optimizer,
                 "--checkpoint-dir", str(tmp_path / "ck"), "--quiet"]) == 0
    del X, y
    return tmp_path / "ck" / "epoch-001.npz"


@pytest.mark.parametrize("change, message", [
    (lambda c: c.update(epoch=-5), "epoch must be 0 or more"),
    (lambda c: c.update(base_learning_rate=-0.1), "base learning rate must be a positive"),
    (lambda c: c["optimizer"]["hyper"].update(beta1=2.0), "beta1 must be in"),
    (lambda c: c["optimizer"]["hyper"].update(epsilon=0.0), "epsilon must be a positive"),
])
def test_tampered_checkpoints_are_refused(tmp_path, capsys, change, message):
    path = _checkpoint(tmp_path)
    capsys.readouterr()
    _tamper_metadata(path, lambda h: change(h["checkpoint"]))
    assert message in fails(capsys, "train", "--resume", path, "--epochs", "3")


def test_checkpoint_without_its_optimizer_state_is_refused(tmp_path, capsys):
    path = _checkpoint(tmp_path)
    capsys.readouterr()
    with np.load(path) as archive:
        arrays = {k: archive[k] for k in archive.files if not k.startswith("optimizer/")}
    np.savez(path, **arrays)
    assert "state (m, v) of parameter 0 is missing" in fails(capsys, "train", "--resume", path, "--epochs", "3")


# ------------------------------------------------------------- hangs and bombs
def test_explain_refuses_huge_work_before_starting(tmp_path, capsys):
    rng = np.random.default_rng(0)
    spec = {"layers": [{"weights": rng.normal(size=(1000, 1000)).round(2).tolist(), "biases": [0] * 1000,
                        "activation": "tanh"}],
            "input": [0.1] * 1000, "target": [0.0] * 1000}
    (tmp_path / "big.json").write_text(json.dumps(spec))
    line = fails(capsys, "explain", "--spec", tmp_path / "big.json", "--form", "matrix", "--steps", "1000000")
    assert "multiply-adds" in line


def test_explain_refuses_devices_and_fifos(tmp_path, capsys):
    assert "not a regular file" in fails(capsys, "explain", "--spec", "/dev/zero")
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    assert "not a regular file" in fails(capsys, "explain", "--spec", fifo)


def test_gzip_idx_with_the_wrong_features_is_refused_before_decompressing(tmp_path, capsys):
    model = tmp_path / "m.npz"
    save_model(Network([16, 4, 2], ["relu", "softmax"], loss="cross-entropy", seed=0), model)
    header = bytes([0, 0, 8, 2]) + (10_000_000).to_bytes(4, "big") + (784).to_bytes(4, "big")
    with gzip.open(tmp_path / "bomb-idx2-ubyte.gz", "wb") as handle:     # 7.8 GB of zeros, compressed
        handle.write(header)
        zeros = bytes(1 << 20)
        for _ in range(64):
            handle.write(zeros)
    line = fails(capsys, "predict", model, tmp_path / "bomb-idx2-ubyte.gz")
    assert "784 features per sample" in line and "the model expects 16" in line


# ------------------------------------------------------------- misleading messages before
def test_a_text_file_named_npz(tmp_path, capsys):
    (tmp_path / "d.npz").write_text("x,y\n1,2\n")
    assert "not an .npz archive" in fails(capsys, "train", "--data", tmp_path / "d.npz", "--quiet")


def test_huge_weight_decay_names_itself(capsys):
    line = fails(capsys, "train", "--data", "circles", "--samples", "40", "--epochs", "1", "--weight-decay", "1e308",
                 "--quiet")
    assert "weight decay λ = 1e+308" in line and "1 − ηλ/n" in line


def test_negative_seed_names_the_flag(capsys):
    assert "--seed" in fails(capsys, "train", "--data", "circles", "--seed", "-1")


def test_non_utf8_csv_names_the_file(tmp_path, capsys):
    (tmp_path / "d.csv").write_bytes(b"a,b,label\n1,2,\xff\n")
    line = fails(capsys, "train", "--data", tmp_path / "d.csv", "--quiet")
    assert str(tmp_path / "d.csv") in line and "not UTF-8" in line


def test_download_refuses_non_http_mirrors(capsys, tmp_path):
    line = fails(capsys, "download", "mnist", "--dir", tmp_path, "--url-base", "ftp://example.org/")
    assert "must be an http:// or https:// URL" in line
