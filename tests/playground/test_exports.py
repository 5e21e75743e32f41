"""The exported model carries the page's rescaling of an uploaded CSV as its preprocessing, so
``deltaprop evaluate`` on the raw CSV reports the accuracy the page showed."""

import json

import numpy as np

from deltaprop.cli import main


def test_evaluate_on_the_raw_csv_equals_the_pages_accuracy(client, server, tmp_path):
    rng = np.random.default_rng(3)
    x1 = rng.uniform(100.0, 300.0, 200)                  # raw units far from the page's [−1, 1]
    x2 = rng.uniform(-0.002, 0.004, 200)
    label = ((x1 - 200.0) / 100.0 + (x2 - 0.001) / 0.003 > 0).astype(int)
    csv = "x1,x2,label\n" + "\n".join(f"{float(a)!r},{float(b)!r},{c}" for a, b, c in zip(x1, x2, label)) + "\n"
    sid = client.session(hidden=[3], activations=["tanh"], learning_rate=0.3, train_fraction=0.9)["session"]
    status, head, body = client.raw("POST", f"/api/sessions/{sid}/upload", csv.encode(), {"Content-Type": "text/csv"})
    assert status == 200, body
    for _ in range(20):
        client.post(f"/api/sessions/{sid}/epoch")
    session = server.api.sessions[sid]
    with session.lock:
        data, network = session.data, session.network.copy()
    X = np.concatenate([data.X_train, data.X_test])
    y = np.concatenate([data.labels_train, data.labels_test])
    page_accuracy = float(np.mean(network.predict(X).argmax(axis=1) == y))
    assert 0.6 < page_accuracy < 1.0 or page_accuracy == 1.0
    status, head, model = client.raw("GET", f"/api/sessions/{sid}/export/model")
    assert status == 200
    (tmp_path / "model.npz").write_bytes(model)
    (tmp_path / "raw.csv").write_text(csv)
    code = main(["evaluate", str(tmp_path / "model.npz"), "--data", str(tmp_path / "raw.csv"), "--split", "train",
                 "--json", str(tmp_path / "report.json")])
    assert code == 0
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["samples"] == 200
    assert report["accuracy"] == page_accuracy            # the same 200 points, the same inputs, the same answers


def test_the_scaling_is_the_librarys_standardize(client):
    from deltaprop.playground.datasets import _scale_features
    from deltaprop.commands._pipeline import apply_preprocessing
    X = np.array([[1e300, -5.0], [-2e300, 7.0], [5e299, 1.0]])
    scaled, spec = _scale_features(X)
    assert spec["kind"] == "standardize"
    np.testing.assert_allclose(apply_preprocessing(spec, X, np.float64), scaled, rtol=1e-12, atol=1e-12)
    assert scaled.min() == -1.0 and scaled.max() == 1.0


def test_the_worked_example_comes_in_the_pages_language(client):
    sid = client.session(preset="mazur")["session"]
    status, head, body = client.raw("GET", f"/api/sessions/{sid}/export/example?lang=ja&numbering=nielsen")
    assert status == 200 and b'lang="ja"' in body and b"0.298371109" in body
    status, head, body = client.raw("GET", f"/api/sessions/{sid}/export/example?lang=xx")
    assert status == 400
