import json
import os
import zipfile

import numpy as np
import pytest

from deltaprop import Network
from deltaprop.io import persistence
from deltaprop.io.persistence import load_checkpoint, load_model, read_metadata, save_checkpoint, save_model
from deltaprop.core.training import fit


@pytest.fixture
def net():
    return Network([3, 5, 4, 2], ["leaky-relu:0.2", "tanh", "softmax"], loss="cross-entropy", seed=1,
                   dtype=np.float32, dropout=[0.1, 0.3])


def _arrays(path):
    with np.load(path, allow_pickle=False) as archive:
        return {k: archive[k] for k in archive.files}


def _rewrite(path, arrays, allow_pickle_object=False):
    np.savez(path, **arrays)


def test_round_trip_keeps_everything(net, tmp_path):
    path = tmp_path / "m.npz"
    save_model(net, path, metadata={"metrics": {"accuracy": np.float64(0.75)}, "preprocessing": {"kind": "none"}})
    back = load_model(path)
    assert back.sizes == net.sizes and back.activations == net.activations and back.dtype == np.float32
    assert back.loss.name == "cross-entropy" and [l.dropout for l in back.layers] == [0.1, 0.3, 0.0]
    for a, b in zip(net.weights + net.biases, back.weights + back.biases):
        np.testing.assert_array_equal(a, b)
    meta = read_metadata(path)
    assert meta["format_version"] == persistence.FORMAT_VERSION and meta["metadata"]["metrics"]["accuracy"] == 0.75
    with np.load(path, allow_pickle=False) as archive:
        assert all(archive[k].dtype != object for k in archive.files)


def test_checkpoint_round_trip(net, tmp_path):
    X = np.random.default_rng(0).standard_normal((20, 3))
    y = np.arange(20) % 2
    states = []
    fit(net, X, y, 2, 5, "adam", 0.01, seed=0, validation_data=(X, y), early_stopping=3, checkpoint=states.append)
    path = tmp_path / "c.npz"
    save_checkpoint(path, net, states[-1], metadata={"training": {"epochs": 2}})
    back, state, header = load_checkpoint(path)
    assert state.epoch == 2 and state.rng_state == states[-1].rng_state and len(state.history) == 2
    assert state.optimizer["steps"] == 8 and set(state.optimizer["state"][0]) == {"m", "v"}
    np.testing.assert_array_equal(state.optimizer["state"][0]["m"], states[-1].optimizer["state"][0]["m"])
    assert len(state.best_parameters) == 6 and header["metadata"]["training"]["epochs"] == 2
    assert load_model(path).sizes == net.sizes           # a checkpoint also loads as a model
    save_model(net, tmp_path / "m.npz")
    with pytest.raises(ValueError, match="not a training checkpoint"):
        load_checkpoint(tmp_path / "m.npz")


def _tamper(net, tmp_path, change):
    path = tmp_path / "m.npz"
    save_model(net, path)
    arrays = _arrays(path)
    change(arrays)
    np.savez(path, **arrays)
    return path


def _meta(arrays, **changes):
    header = json.loads(arrays["__metadata__"].tobytes())
    header.update(changes)
    arrays["__metadata__"] = np.frombuffer(json.dumps(header).encode(), np.uint8)


@pytest.mark.parametrize("change, message", [
    (lambda a: a.update({"layer1/weights": np.array([None, {}], dtype=object)}), "object array"),
    (lambda a: a.update({"layer2/weights": np.zeros((4, 6), np.float32)}), "layer 2 has weights \\(4, 6\\)"),
    (lambda a: a.update({"layer1/biases": np.zeros(5, np.float64)}), "dtype float64, expected float32"),
    (lambda a: a.update({"layer1/extra": np.zeros(5, np.float32)}), "unknown arrays layer1/extra"),
    (lambda a: a.pop("layer3/biases"), "missing arrays layer3/biases"),
    (lambda a: a.update({"layer1/biases": np.full(5, np.nan, np.float32)}), "NaN"),
    (lambda a: a.update({"__metadata__": np.frombuffer(b"{not json", np.uint8)}), "not valid JSON"),
    (lambda a: a.pop("__metadata__"), "no __metadata__"),
    (lambda a: _meta(a, format_version=99), "format version 99"),
    (lambda a: _meta(a, dtype="float16"), "dtype 'float16' is not allowed"),
    (lambda a: _meta(a, activations=["relu", "evil", "softmax"]), "unknown activation 'evil'"),
    (lambda a: _meta(a, sizes=[3, 5, 2]), "activations must list one value per layer"),
    (lambda a: _meta(a, loss="hinge"), "unknown loss 'hinge'"),
    (lambda a: _meta(a, format="other"), "not a deltaprop model file"),
])
def test_tampered_files_are_refused(net, tmp_path, change, message):
    path = _tamper(net, tmp_path, change)
    with pytest.raises(ValueError, match=message) as info:
        load_model(path)
    assert str(path) in str(info.value)


def test_truncated_and_foreign_files(net, tmp_path):
    path = tmp_path / "m.npz"
    save_model(net, path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="truncated or corrupt|corrupt or truncated|not a deltaprop"):
        load_model(path)
    path.write_bytes(b"hello")
    with pytest.raises(ValueError):
        load_model(path)
    np.save(tmp_path / "single.npy", np.zeros(3))
    with pytest.raises(ValueError):
        load_model(tmp_path / "single.npy")


def test_crash_mid_save_leaves_previous_file_intact(net, tmp_path, monkeypatch):
    path = tmp_path / "m.npz"
    save_model(net, path)
    before = path.read_bytes()
    real_savez = np.savez

    def crash(file, **arrays):
        real_savez(file, **dict(list(arrays.items())[:2]))      # half written ...
        raise KeyboardInterrupt                                 # ... then the process is interrupted

    monkeypatch.setattr(persistence.np, "savez", crash)
    other = Network([3, 5, 4, 2], ["relu", "relu", "softmax"], loss="cross-entropy", seed=9, dtype=np.float32)
    with pytest.raises(KeyboardInterrupt):
        save_model(other, path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["m.npz"]                   # no temporary file left behind
    assert zipfile.is_zipfile(path) and load_model(path).activations[0] == "leaky-relu:0.2"


def test_metadata_must_be_json(net, tmp_path):
    with pytest.raises(TypeError, match="not JSON-serialisable"):
        save_model(net, tmp_path / "m.npz", metadata={"bad": object()})
    assert not list(tmp_path.iterdir())
