"""predict and evaluate a batch at a time: the same numbers as the whole-array engine, in every input format."""

import gzip

import numpy as np
import pytest

from deltaprop import Network
from deltaprop.cli import main
from deltaprop.commands import evaluate as evaluate_command
from deltaprop.data import stream
from deltaprop.data.idx import write_idx
from deltaprop.io.persistence import save_model


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr(stream, "BATCH_BYTES", 40)                 # a few rows per batch: many batches
    monkeypatch.setattr(evaluate_command, "BATCH_BYTES", 40)


@pytest.fixture
def model(tmp_path):
    network = Network([6, 5, 3], ["tanh", "softmax"], loss="cross-entropy", seed=1)
    path = tmp_path / "m.npz"
    save_model(network, path, metadata={"preprocessing": {"kind": "unit", "maximum": 255.0}})
    return network, path


def _images(n=37):
    return np.random.default_rng(2).integers(0, 256, (n, 2, 3)).astype(np.uint8)


def _expected(network, images):
    return network.predict(images.reshape(len(images), -1) / 255.0)


@pytest.mark.parametrize("kind", ["idx.gz", "idx", "npz", "csv"])
def test_predict_in_batches_equals_the_engine(tmp_path, model, small_batches, capsys, kind):
    network, path = model
    images = _images()
    source = tmp_path / f"x.{kind}"
    if kind.startswith("idx"):
        write_idx(source, images)
    elif kind == "npz":
        np.savez_compressed(source, X=images)
    else:
        source.write_text("".join(",".join(map(str, row)) + "\n" for row in images.reshape(len(images), -1)))
    assert main(["predict", str(path), str(source), "--out", str(tmp_path / "p.npz"), "--probabilities"]) == 0
    np.testing.assert_allclose(np.load(tmp_path / "p.npz")["outputs"], _expected(network, images), rtol=1e-12)
    assert main(["predict", str(path), str(source)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "label" and [int(v) for v in lines[1:]] == _expected(network, images).argmax(1).tolist()


def test_truncated_and_overlong_gzip_idx_leave_no_output(tmp_path, model, small_batches, capsys):
    network, path = model
    images = _images()
    good = gzip.compress(bytes([0, 0, 8, 3, 0, 0, 0, 37, 0, 0, 0, 2, 0, 0, 0, 3]) + images.tobytes())
    out = tmp_path / "p.csv"
    out.write_text("old\n")
    for name, data, message in (("short.gz", good[:-30], "truncated"),
                                ("long.gz", gzip.compress(gzip.decompress(good) + b"\0"), "more data after")):
        (tmp_path / name).write_bytes(data)
        assert main(["predict", str(path), str(tmp_path / name), "--out", str(out)]) == 2
        err = capsys.readouterr().err
        assert name in err and message in err and err.count("\n") == 1, err
        assert out.read_text() == "old\n"                          # atomic: the old file stays
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_evaluate_in_batches_equals_the_engine(tmp_path, model, small_batches, capsys):
    network, path = model
    images = _images(53).reshape(53, -1)
    labels = np.arange(53) % 3
    np.savez(tmp_path / "d.npz", X=images, y=labels)
    assert main(["evaluate", str(path), "--data", str(tmp_path / "d.npz"), "--split", "train",
                 "--json", str(tmp_path / "e.json")]) == 0
    import json
    report = json.loads((tmp_path / "e.json").read_text())
    whole = network.evaluate(images / 255.0, labels)
    assert report["loss"] == pytest.approx(whole["loss"], rel=1e-12)
    assert report["accuracy"] == pytest.approx(whole["accuracy"], rel=1e-12)
    predicted = network.classify(images / 255.0)
    assert report["confusion_matrix"] == [[int(np.sum((labels == i) & (predicted == j))) for j in range(3)]
                                          for i in range(3)]


def test_evaluate_refuses_labels_beyond_the_output_layer_before_reading_inputs(tmp_path, model, capsys):
    network, path = model
    np.savez(tmp_path / "d.npz", X=np.zeros((4, 6)), y=np.array([0, 1, 2, 7]))
    assert main(["evaluate", str(path), "--data", str(tmp_path / "d.npz")]) == 2
    assert "d.npz: labels range over 0..7 but the output layer has 3 unit(s)" in capsys.readouterr().err


def test_evaluate_streams_a_named_idx_dataset(tmp_path, model, small_batches, capsys):
    """mnist-format files in --data-dir (gzip): labels first, then the test images a batch at a time."""
    network = Network([784, 5, 10], ["tanh", "softmax"], loss="cross-entropy", seed=1)
    path = tmp_path / "m784.npz"
    save_model(network, path, metadata={"preprocessing": {"kind": "unit", "maximum": 255.0}})
    rng = np.random.default_rng(3)
    images = {part: rng.integers(0, 256, (n, 28, 28)).astype(np.uint8) for part, n in (("train", 30), ("t10k", 23))}
    labels = {part: (np.arange(len(images[part])) % 10).astype(np.uint8) for part in images}
    for part in images:
        write_idx(tmp_path / f"{part}-images-idx3-ubyte.gz", images[part])
        write_idx(tmp_path / f"{part}-labels-idx1-ubyte.gz", labels[part])
    assert main(["evaluate", str(path), "--data", "mnist", "--data-dir", str(tmp_path),
                 "--json", str(tmp_path / "e.json")]) == 0
    import json
    report = json.loads((tmp_path / "e.json").read_text())
    whole = network.evaluate(images["t10k"].reshape(23, -1) / 255.0, labels["t10k"].astype(int))
    assert report["split"] == "test" and report["samples"] == 23
    assert report["loss"] == pytest.approx(whole["loss"], rel=1e-12)
    assert report["accuracy"] == pytest.approx(whole["accuracy"], rel=1e-12)


def test_evaluate_npz_test_split_and_mismatched_rows(tmp_path, model, small_batches, capsys):
    network, path = model
    X_test, y_test = _images(29).reshape(29, -1), np.arange(29) % 3
    np.savez(tmp_path / "d.npz", X=np.zeros((5, 6)), y=np.arange(5) % 3, X_test=X_test, y_test=y_test)
    assert main(["evaluate", str(path), "--data", str(tmp_path / "d.npz"), "--json", str(tmp_path / "e.json")]) == 0
    import json
    report = json.loads((tmp_path / "e.json").read_text())
    assert report["split"] == "test" and report["samples"] == 29
    assert report["loss"] == pytest.approx(network.evaluate(X_test / 255.0, y_test)["loss"], rel=1e-12)
    np.savez(tmp_path / "bad.npz", X=np.zeros((5, 6)), y=np.arange(4) % 3)
    assert main(["evaluate", str(path), "--data", str(tmp_path / "bad.npz")]) == 2
    assert "bad.npz: 5 samples in 'X' but 4 labels in 'y'" in capsys.readouterr().err
