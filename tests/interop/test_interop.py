"""The way out and back: safetensors, ONNX, network2 JSON and the generated PyTorch script.

Round trips are bit-identical; PyTorch and ONNX Runtime compute the same
outputs as ``Network.predict``; Nielsen's own file layout loads and predicts as
his ``feedforward``; tampered or foreign files are refused with one line and
nothing is written.
"""

import json
import sys

import numpy as np
import pytest

from deltaprop import Network
from deltaprop.cli import main
from deltaprop.interop import export_network, import_network
from deltaprop.io.persistence import load_model, save_model

DTYPES = [np.float32, np.float64]
SPECS = [([5, 7, 3], ["tanh", "softmax"], "cross-entropy"),
         ([4, 6, 5, 2], ["relu", "leaky-relu:0.2", "sigmoid"], "binary-cross-entropy"),
         ([3, 4, 2], ["sigmoid", "linear"], "quadratic")]


def _same(a, b):
    return all(x.dtype == y.dtype and x.shape == y.shape and np.array_equal(x, y)
               for x, y in zip(a.parameters(), b.parameters()))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("fmt, suffix", [("safetensors", ".safetensors"), ("onnx", ".onnx")])
@pytest.mark.parametrize("sizes, acts, loss", SPECS)
def test_round_trip_is_bit_identical(tmp_path, dtype, fmt, suffix, sizes, acts, loss):
    net = Network(sizes, acts, loss=loss, seed=3, dtype=dtype)
    net.layers[0].train_biases = False
    path = tmp_path / f"m{suffix}"
    export_network(net, path, fmt)
    back, _ = import_network(path)
    assert _same(net, back) and back.activations == net.activations and back.loss.name == loss
    assert back.layers[0].train_biases is False


@pytest.mark.parametrize("dtype", DTYPES)
def test_network2_round_trip_is_bit_identical(tmp_path, dtype):
    net = Network([4, 6, 3], "sigmoid", loss="binary-cross-entropy", seed=2, dtype=dtype)
    export_network(net, tmp_path / "n.json", "network2")
    back, _ = import_network(tmp_path / "n.json")
    assert _same(net, back)


def test_cli_round_trip(tmp_path, capsys):
    model = tmp_path / "model.npz"
    save_model(Network([3, 4, 2], ["relu", "softmax"], loss="cross-entropy", seed=0, dtype=np.float32), model)
    for fmt, name in (("safetensors", "m.safetensors"), ("onnx", "m.onnx")):
        assert main(["export", str(model), "--format", fmt, "-o", str(tmp_path / name)]) == 0
        assert main(["import", str(tmp_path / name), "-o", str(tmp_path / f"{name}.npz")]) == 0
        assert _same(load_model(model), load_model(tmp_path / f"{name}.npz"))
    assert "deltaprop import: wrote" in capsys.readouterr().err


@pytest.mark.torch
@pytest.mark.parametrize("sizes, acts, loss", SPECS)
def test_state_dict_loads_into_nn_sequential(tmp_path, torch, sizes, acts, loss):
    from safetensors.torch import load_file
    net = Network(sizes, acts, loss=loss, seed=5, dtype=np.float32)
    export_network(net, tmp_path / "m.safetensors", "safetensors")
    modules = {"tanh": torch.nn.Tanh(), "softmax": torch.nn.Softmax(dim=1), "relu": torch.nn.ReLU(),
               "leaky-relu:0.2": torch.nn.LeakyReLU(0.2), "sigmoid": torch.nn.Sigmoid(), "linear": torch.nn.Identity()}
    layers = []
    for n_in, n_out, act in zip(sizes[:-1], sizes[1:], acts):
        layers += [torch.nn.Linear(n_in, n_out), modules[act]]
    model = torch.nn.Sequential(*layers).to(torch.float32)
    model.load_state_dict(load_file(str(tmp_path / "m.safetensors")))
    X = np.random.default_rng(0).normal(size=(50, sizes[0])).astype(np.float32)
    with torch.no_grad():
        out = model(torch.tensor(X)).numpy()
    np.testing.assert_allclose(out, net.predict(X), rtol=1e-6, atol=1e-7)


ONNX_ACTIVATIONS = ["sigmoid", "tanh", "relu", "leaky-relu:0.3", "linear", "softmax"]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("act", ONNX_ACTIVATIONS)
def test_onnxruntime_gives_the_same_outputs(tmp_path, dtype, act):
    import onnxruntime as ort                          # a test dependency ([test] extra): required, never skipped
    output = act if act in ("sigmoid", "softmax", "linear") else "linear"
    net = Network([4, 6, 3], [act, output], seed=7, dtype=dtype)
    export_network(net, tmp_path / "m.onnx", "onnx")
    session = ort.InferenceSession(str(tmp_path / "m.onnx"), providers=["CPUExecutionProvider"])
    X = np.random.default_rng(2).normal(size=(30, 4)).astype(dtype)
    (out,) = session.run(None, {"input": X})
    np.testing.assert_allclose(out, net.predict(X), rtol=1e-5, atol=1e-7)


def test_nielsens_own_file_loads_and_predicts_as_his_feedforward(tmp_path):
    """Written as network2.py's save() does: nested lists, biases as columns, the cost's class name."""
    rng = np.random.default_rng(0)
    sizes = [4, 5, 2]
    biases = [rng.standard_normal((y, 1)) for y in sizes[1:]]
    weights = [rng.standard_normal((y, x)) / np.sqrt(x) for x, y in zip(sizes[:-1], sizes[1:])]
    data = {"sizes": sizes, "weights": [w.tolist() for w in weights], "biases": [b.tolist() for b in biases],
            "cost": "CrossEntropyCost"}
    (tmp_path / "net.json").write_text(json.dumps(data))
    net, _ = import_network(tmp_path / "net.json")
    assert net.loss.name == "binary-cross-entropy"

    def feedforward(a):                                  # Nielsen's, on one column vector
        for b, w in zip(biases, weights):
            a = 1.0 / (1.0 + np.exp(-(np.dot(w, a) + b)))
        return a

    X = rng.normal(size=(6, 4))
    expected = np.hstack([feedforward(x.reshape(-1, 1)) for x in X]).T
    np.testing.assert_allclose(net.predict(X), expected, rtol=1e-12)


def _fails(capsys, *argv):
    code = main([str(a) for a in argv])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err, err
    return err


def test_bad_files_are_refused_and_nothing_is_written(tmp_path, capsys):
    from safetensors.numpy import save_file
    out = tmp_path / "out.npz"
    net = Network([3, 4, 2], ["relu", "softmax"], loss="cross-entropy", seed=0)
    export_network(net, tmp_path / "good.safetensors", "safetensors")
    meta = {"deltaprop": json.dumps({"format": "deltaprop", "sizes": [3, 4, 2], "activations": ["relu", "softmax"],
                                     "loss": "cross-entropy", "dtype": "float64"})}
    save_file({"0.weight": np.zeros((4, 3)), "0.bias": np.zeros(4), "1.weight": np.zeros((2, 4)),
               "1.bias": np.zeros(2)}, str(tmp_path / "names.safetensors"), metadata=meta)
    save_file({"0.weight": np.zeros((4, 3)), "0.bias": np.zeros(4), "2.weight": np.zeros((2, 5)),
               "2.bias": np.zeros(2)}, str(tmp_path / "shapes.safetensors"), metadata=meta)
    save_file({"0.weight": np.zeros((4, 3))}, str(tmp_path / "foreign.safetensors"))
    (tmp_path / "junk.safetensors").write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{not json}")
    (tmp_path / "ragged.json").write_text(json.dumps({"sizes": [2, 2, 1], "weights": [[[1, 2], [3]], [[1, 2]]],
                                                     "biases": [[[0], [0]], [[0]]], "cost": "QuadraticCost"}))
    (tmp_path / "bad.onnx").write_bytes(b"not a protobuf at all")
    for name, message in [("names.safetensors", "tensor names"), ("shapes.safetensors", "layer 2 has weights"),
                          ("foreign.safetensors", "no deltaprop metadata"), ("junk.safetensors", "not a readable"),
                          ("ragged.json", "ragged"), ("bad.onnx", "not a valid ONNX model")]:
        assert message in _fails(capsys, "import", tmp_path / name, "-o", out)
        assert not out.exists()


def test_unsupported_onnx_op_is_named(tmp_path, capsys):
    import onnx
    from deltaprop.interop.onnx_format import build_model
    model = build_model(Network([3, 4, 2], ["tanh", "sigmoid"], seed=0))
    model.graph.node[1].op_type = "Elu"
    onnx.save(model, str(tmp_path / "elu.onnx"))
    assert "unsupported ONNX op Elu" in _fails(capsys, "import", tmp_path / "elu.onnx", "-o", tmp_path / "o.npz")


def test_network2_refuses_what_it_cannot_express(tmp_path, capsys):
    model = tmp_path / "relu.npz"
    save_model(Network([3, 4, 2], ["relu", "softmax"], loss="cross-entropy", seed=0), model)
    err = _fails(capsys, "export", model, "--format", "network2", "-o", tmp_path / "n.json")
    assert "network2 networks are sigmoid throughout" in err and not (tmp_path / "n.json").exists()


def test_missing_extra_is_one_line(monkeypatch, tmp_path, capsys):
    model = tmp_path / "m.npz"
    save_model(Network([2, 2], seed=0), model)
    monkeypatch.setitem(sys.modules, "onnx", None)          # "import onnx" now raises ImportError
    err = _fails(capsys, "export", model, "--format", "onnx", "-o", tmp_path / "m.onnx")
    assert "this needs the optional package 'onnx': pip install 'deltaprop[interop]'" in err
    assert not (tmp_path / "m.onnx").exists()


def test_what_cannot_travel_is_said_or_refused(tmp_path, capsys):
    """A saved model has no optimiser state (said); L1 decay has no PyTorch equivalent (refused)."""
    from deltaprop.io.persistence import save_checkpoint
    from deltaprop.core.training import fit
    net = Network([3, 4, 2], ["relu", "softmax"], loss="cross-entropy", seed=0, dropout=[0.2])
    save_model(net, tmp_path / "m.npz", metadata={"training": {"optimizer": "adam", "lr": 0.01, "epochs": 2}})
    assert main(["export", str(tmp_path / "m.npz"), "--format", "pytorch-script", "-o", str(tmp_path / "t.py")]) == 0
    err = capsys.readouterr().err
    assert "carries no adam state" in err and "dropout masks are drawn by PyTorch" in err
    states = []
    fit(net, np.eye(3), [0, 1, 1], 1, 3, "sgd", checkpoint=states.append)
    states[0].optimizer["l1_decay"] = 0.01
    save_checkpoint(tmp_path / "l1.npz", net, states[0], metadata={"training": {"optimizer": "sgd", "epochs": 2}})
    assert "L1 weight decay cannot be carried" in _fails(capsys, "export", tmp_path / "l1.npz", "--format",
                                                         "pytorch-script", "-o", tmp_path / "l1.py")
    assert not (tmp_path / "l1.py").exists()


def test_import_and_export_run_under_a_1_5_gb_address_space_limit(tmp_path):
    """Issue 26: `ulimit -v 1500000` (shared and HPC machines) -- import and export of small models succeed."""
    import os
    from pathlib import Path
    import deltaprop
    save_model(Network([3, 4, 2], "sigmoid", loss="quadratic", seed=0), tmp_path / "m.npz",
               metadata={"preprocessing": {"kind": "unit", "maximum": 255.0}})
    commands = [f"deltaprop export m.npz --format {fmt} -o m.{suffix} && deltaprop import m.{suffix} -o {fmt}.npz"
                for fmt, suffix in (("onnx", "onnx"), ("safetensors", "safetensors"), ("network2", "json"))]
    commands.append("deltaprop export m.npz --format pytorch-script -o t.py")
    script = "ulimit -v 1500000 && " + " && ".join(c.replace("deltaprop", f"{sys.executable} -m deltaprop")
                                                   for c in commands)
    env = {**os.environ, "PYTHONPATH": str(Path(deltaprop.__file__).parents[1])}
    import subprocess
    run = subprocess.run(["bash", "-c", script], cwd=tmp_path, capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 0, run.stderr
    assert all((tmp_path / f"{fmt}.npz").exists() for fmt in ("onnx", "safetensors", "network2"))
