"""ONNX takes the raw inputs deltaprop reads (the scaling is in the graph), in float32 or float64, and refuses
external data without reading it (bounded memory on a 1.4 KB model pointing at a 1.5 GB file)."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import deltaprop
from deltaprop import Network
from deltaprop.cli import main
from deltaprop.commands._pipeline import apply_preprocessing, fit_preprocessing
from deltaprop.io.persistence import load_model, save_model

ort = pytest.importorskip("onnxruntime") if os.environ.get("DELTAPROP_REQUIRE_TORCH") != "1" else \
    __import__("onnxruntime")


def _model(tmp_path, X, kind, dtype=np.float64):
    net = Network([X.shape[1], 7, 4], ["relu", "softmax"], loss="cross-entropy", seed=3, dtype=dtype)
    prep = fit_preprocessing(kind, X, 255.0 if kind == "unit" else None)
    save_model(net, tmp_path / "m.npz", metadata={"preprocessing": prep})
    return tmp_path / "m.npz", net, prep


def _session(path):
    return ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])


@pytest.mark.parametrize("kind, ops", [("unit", ["Mul"]), ("standardize", ["Div", "Sub"])])
def test_onnx_on_raw_inputs_equals_deltaprop_predict(tmp_path, capsys, kind, ops):
    X = np.random.default_rng(0).integers(0, 256, size=(50, 5)).astype(np.uint8)      # raw pixels
    model, net, prep = _model(tmp_path, X, kind)
    np.savez(tmp_path / "raw.npz", X=X)
    assert main(["export", str(model), "--format", "onnx", "-o", str(tmp_path / "m.onnx")]) == 0
    assert "takes raw inputs and scales them first" in capsys.readouterr().err
    import onnx
    graph = onnx.load(str(tmp_path / "m.onnx")).graph
    assert [n.op_type for n in graph.node[:len(ops)]] == ops and "scales them first" in graph.doc_string
    (out,) = _session(tmp_path / "m.onnx").run(None, {"input": X.astype(np.float64)})
    expected = net.predict(apply_preprocessing(prep, X, np.float64))              # what deltaprop predict computes
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-15)
    assert main(["predict", str(model), str(tmp_path / "raw.npz")]) == 0
    labels = [int(line) for line in capsys.readouterr().out.splitlines()[1:]]
    assert labels == out.argmax(axis=1).tolist()
    back, metadata = deltaprop.interop.import_network(tmp_path / "m.onnx")         # the scaling reads back
    assert metadata["preprocessing"] == prep and np.array_equal(back.weights[0], net.weights[0])


def test_float32_export_runs_with_float32_inputs(tmp_path, capsys):
    X = np.random.default_rng(1).integers(0, 256, size=(40, 5)).astype(np.uint8)
    model, net, prep = _model(tmp_path, X, "unit", np.float64)
    assert main(["export", str(model), "--format", "onnx", "--dtype", "float32", "-o", str(tmp_path / "m.onnx")]) == 0
    session = _session(tmp_path / "m.onnx")
    assert session.get_inputs()[0].type == "tensor(float)" and session.get_outputs()[0].type == "tensor(float)"
    (out,) = session.run(None, {"input": X.astype(np.float32)})
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, net.predict(apply_preprocessing(prep, X, np.float64)), rtol=2e-5, atol=1e-6)
    assert main(["import", str(tmp_path / "m.onnx"), "-o", str(tmp_path / "back.npz")]) == 0
    assert load_model(tmp_path / "back.npz").dtype == np.float32


def test_no_preprocessing_leaves_the_graph_plain(tmp_path, capsys):
    X = np.random.default_rng(2).integers(0, 256, size=(20, 5)).astype(np.uint8)
    model, net, prep = _model(tmp_path, X, "unit")
    assert main(["export", str(model), "--format", "onnx", "--no-preprocessing", "-o", str(tmp_path / "m.onnx")]) == 0
    assert "expects inputs already scaled" in capsys.readouterr().err
    (out,) = _session(tmp_path / "m.onnx").run(None, {"input": apply_preprocessing(prep, X, np.float64)})
    np.testing.assert_allclose(out, net.predict(apply_preprocessing(prep, X, np.float64)), rtol=1e-12)


def _fails(capsys, *argv):
    code = main([str(a) for a in argv])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err, err
    return err


def test_scaling_that_disagrees_with_the_metadata_is_refused(tmp_path, capsys):
    import onnx
    X = np.random.default_rng(3).integers(0, 256, size=(20, 5)).astype(np.uint8)
    model, _, _ = _model(tmp_path, X, "unit")
    main(["export", str(model), "--format", "onnx", "-o", str(tmp_path / "m.onnx")])
    proto = onnx.load(str(tmp_path / "m.onnx"))
    proto.graph.initializer[0].CopyFrom(onnx.numpy_helper.from_array(np.asarray(1 / 100, np.float64),
                                                                     "inverse_maximum"))
    onnx.save(proto, str(tmp_path / "tampered.onnx"))
    capsys.readouterr()
    err = _fails(capsys, "import", tmp_path / "tampered.onnx", "-o", tmp_path / "o.npz")
    assert "tampered.onnx" in err and "must agree" in err and not (tmp_path / "o.npz").exists()


def _external_data_model(tmp_path):
    """A 1.4 KB model whose W1 points at a 1.5 GB sparse file beside it (issue 26's case)."""
    import onnx
    from deltaprop.interop.onnx_format import build_model
    proto = build_model(Network([2, 8, 2], ["tanh", "softmax"], loss="cross-entropy", seed=0))
    big = tmp_path / "weights.bin"
    with open(big, "wb") as handle:
        handle.truncate(1_500_000_000)                 # sparse: no disk used
    tensor = proto.graph.initializer[0]
    tensor.ClearField("raw_data")
    tensor.data_location = onnx.TensorProto.EXTERNAL
    for key, value in (("location", "weights.bin"), ("offset", "0"), ("length", "1500000000")):
        entry = tensor.external_data.add()
        entry.key, entry.value = key, value
    path = tmp_path / "external.onnx"
    path.write_bytes(proto.SerializeToString())
    return path


PEAK = """import atexit, runpy, sys
def peak():                     # this process's own high-water mark (ru_maxrss would count the parent it forked from)
    line = next(line for line in open("/proc/self/status") if line.startswith("VmHWM"))
    sys.stderr.write("peak-kB " + line.split()[1] + "\\n")
atexit.register(peak)
sys.argv = ["deltaprop", *sys.argv[1:]]
runpy.run_module("deltaprop", run_name="__main__")
"""


def test_external_data_is_refused_in_bounded_memory(tmp_path):
    """Peak RSS of `deltaprop import` < 500 MB; one line naming the file; nothing written (issue 26)."""
    path = _external_data_model(tmp_path)
    assert path.stat().st_size < 2000
    env = {**os.environ, "PYTHONPATH": str(Path(deltaprop.__file__).parents[1])}
    run = subprocess.run([sys.executable, "-c", PEAK, "import", str(path), "-o", str(tmp_path / "o.npz")],
                         capture_output=True, text=True, env=env, timeout=120)
    lines = run.stderr.splitlines()
    peak_mb = int(lines[-1].split()[1]) / 1024
    message = "\n".join(lines[:-1])
    assert run.returncode == 2, run.stderr
    assert len(lines) == 2 and "external.onnx" in message and "weights.bin" in message, run.stderr
    assert peak_mb < 500, f"peak RSS {peak_mb:.0f} MB"
    assert not (tmp_path / "o.npz").exists()
