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


def _csv_variants(images, labels):
    """The same samples written as CSV files the way users write them: ``(text, --label-column or None)``."""
    X = images.reshape(len(images), -1)
    rows = [[str(v) for v in row] for row in X]
    return {
        "no header, label by index": ("".join(",".join(r + [str(l)]) + "\n" for r, l in zip(rows, labels)), "6"),
        "header, label in the middle": ("a,b,c,label,d,e,f\n" + "".join(",".join(r[:3] + [str(l)] + r[3:]) + "\n"
                                                                        for r, l in zip(rows, labels)), None),
        "semicolons, label first, CRLF, blank lines": (
            "label;p0;p1;p2;p3;p4;p5\r\n\r\n" + "".join(";".join([str(l)] + r) + "\r\n" + ("\r\n" if i % 5 else "")
                                                     for i, (r, l) in enumerate(zip(rows, labels))), "label"),
        "comments and a BOM": ("\ufeffp0,p1,p2,p3,p4,p5,label\n# exported by hand\n" +
                               "".join(",".join(r + [str(l)]) + "\n" for r, l in zip(rows, labels)), None),
    }


@pytest.mark.parametrize("batch_bytes", [40, stream.BATCH_BYTES])
@pytest.mark.parametrize("variant", ["no header, label by index", "header, label in the middle",
                                     "semicolons, label first, CRLF, blank lines", "comments and a BOM"])
def test_csv_predict_and_evaluate_stream_the_numbers_of_the_whole_file(tmp_path, model, monkeypatch, capsys,
                                                                       batch_bytes, variant):
    """Streamed CSV = the whole-file path (read_csv, then sliced into the same batches), bit for bit."""
    from deltaprop.commands import _pipeline
    from deltaprop.data.csv import read_csv
    monkeypatch.setattr(stream, "BATCH_BYTES", batch_bytes)
    monkeypatch.setattr(evaluate_command, "BATCH_BYTES", batch_bytes)
    network, path = model
    images, labels = _images(41), np.arange(41) % 3
    text, label_column = _csv_variants(images, labels)[variant]
    source = tmp_path / "d.csv"
    source.write_text(text, newline="")
    X, y, _ = read_csv(source, label_column if label_column is None else
                       int(label_column) if label_column.isdigit() else label_column)
    np.testing.assert_array_equal(X, images.reshape(41, -1))
    prep = {"kind": "unit", "maximum": 255.0}
    rows = stream._rows_per_batch(X.shape[1] * 8, batch_bytes)
    whole_batches = [X[start:start + rows] for start in range(0, len(X), rows)]

    if label_column is None or not label_column.isdigit():        # predict drops a column named "label" only
        assert main(["predict", str(path), str(source), "--out", str(tmp_path / "p.npz"), "--probabilities"]) == 0
        expected = np.concatenate([network.predict(_pipeline.apply_preprocessing(prep, b, network.dtype))
                                   for b in whole_batches])
        np.testing.assert_array_equal(np.load(tmp_path / "p.npz")["outputs"], expected)

    flags = ["--label-column", label_column] if label_column else []
    assert main(["evaluate", str(path), "--data", str(source), *flags, "--json", str(tmp_path / "e.json")]) == 0
    import json
    report = json.loads((tmp_path / "e.json").read_text())
    whole = evaluate_command._evaluate_in_batches(
        network, prep, stream.Inputs(str(source), len(X), X.shape[1], lambda: iter(whole_batches)), y, str(source))
    assert report["samples"] == 41 and report["split"] == "train"
    assert report["loss"] == whole["loss"]                                         # identical, not approximately
    assert report["confusion_matrix"] == whole["matrix"].tolist()


def test_csv_evaluate_checks_the_labels_before_reading_any_input(tmp_path, model, monkeypatch, capsys):
    """Labels that do not fit the model are refused from the label pass: no batch of inputs is ever parsed."""
    from deltaprop.data import csv_stream
    network, path = model
    (tmp_path / "d.csv").write_text("a,b,c,d,e,f,label\n" + "".join(f"{i},1,2,3,4,5,{i % 7}\n" for i in range(30)))
    features_read = []
    monkeypatch.setattr(csv_stream.CsvFile, "batches", lambda self, rows: features_read.append(rows) or iter(()))
    assert main(["evaluate", str(path), "--data", str(tmp_path / "d.csv")]) == 2
    assert "d.csv: labels range over 0..6 but the output layer has 3 unit(s)" in capsys.readouterr().err
    assert features_read == []


def test_csv_predict_error_half_way_leaves_no_output(tmp_path, model, small_batches, capsys):
    network, path = model
    source = tmp_path / "x.csv"
    source.write_text("".join(f"{i},1,2,3,4,5\n" for i in range(20)) + "1,2,3,oops,5,6\n")
    out = tmp_path / "p.csv"
    out.write_text("old\n")
    assert main(["predict", str(path), str(source), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"{source}: row 21, column 3: 'oops' is not a number" in err and err.count("\n") == 1, err
    assert out.read_text() == "old\n"
