"""Hypothesis fuzzing of what `deltaprop import` reads: the safetensors header, the ONNX graph, network2 JSON.

The property, for every mutated file: never a traceback (``main`` returns, nothing escapes), and either a refusal
(exit 2, one line naming the file, nothing written) or exit 0 with a model that loads and predicts finite numbers
with its preprocessing -- a malformed file is never imported.  Plus the regression of issue 26: a tampered
preprocessing in a safetensors header is refused at import, not later by ``predict``.
"""

import json
import struct

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from deltaprop import Network
from deltaprop.cli import main
from deltaprop.commands._pipeline import apply_preprocessing
from deltaprop.interop import export_network
from deltaprop.io.persistence import load_model, read_metadata

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                       HealthCheck.too_slow])
PREP = {"kind": "standardize", "mean": [0.5, -1.0, 2.0], "std": [1.0, 2.0, 0.5]}
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70), st.floats(allow_nan=False),
                    st.text(max_size=6), st.sampled_from(["float32", "float64", "F64", "relu", "softmax", "unit",
                                                          "standardize", "cross-entropy", "deltaprop"]))
JSON = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                     st.dictionaries(st.text(max_size=6), inner, max_size=4)),
                    max_leaves=12)


def _net():
    return Network([3, 4, 2], ["tanh", "softmax"], loss="cross-entropy", seed=0)


def _paths(value, prefix=()):
    """Every path into a JSON value (dict keys and list indices)."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, prefix + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, prefix + (index,))


def _mutate(value, data):
    """``value`` with one place replaced by random JSON, deleted, or (a list) cut short."""
    paths = [p for p in _paths(value) if p]
    if not paths:
        return data.draw(JSON)
    path = data.draw(st.sampled_from(paths))
    parent = value
    for key in path[:-1]:
        parent = parent[key]
    action = data.draw(st.sampled_from(["replace", "delete", "cut"]))
    if action == "delete" and isinstance(parent, dict):
        del parent[path[-1]]
    elif action == "cut" and isinstance(parent, list):
        del parent[path[-1]:]
    else:
        parent[path[-1]] = data.draw(JSON)
    return value


def _check_import(tmp_path, capsys, source):
    out = tmp_path / "out.npz"
    if out.exists():
        out.unlink()
    capsys.readouterr()
    code = main(["import", str(source), "-o", str(out)])          # a traceback would escape here
    err = capsys.readouterr().err
    if code == 0:                                                  # then it must be a working model
        network = load_model(out)
        prep = (read_metadata(out)["metadata"] or {}).get("preprocessing")
        X = apply_preprocessing(prep, np.random.default_rng(0).normal(size=(4, network.sizes[0])), network.dtype)
        assert np.isfinite(network.predict(X)).all()
    else:
        assert code == 2 and err.count("\n") == 1 and "Traceback" not in err, err
        assert source.name in err and not out.exists(), err


def _safetensors_parts(path):
    raw = path.read_bytes()
    (length,) = struct.unpack("<Q", raw[:8])
    return json.loads(raw[8:8 + length]), raw[8 + length:]


def _write_safetensors(path, header, body):
    text = json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(text)) + text + body)


@FUZZ
@given(data=st.data(), inner=st.booleans())
def test_fuzzed_safetensors_header(tmp_path, capsys, data, inner):
    good = tmp_path / "good.safetensors"
    export_network(_net(), good, "safetensors", {"preprocessing": PREP})
    header, body = _safetensors_parts(good)
    if inner:                                          # the deltaprop metadata inside the header
        description = _mutate(json.loads(header["__metadata__"]["deltaprop"]), data)
        header["__metadata__"]["deltaprop"] = json.dumps(description)
    else:                                              # the tensors' dtypes, shapes and offsets
        header = _mutate(header, data)
    bad = tmp_path / "fuzzed.safetensors"
    _write_safetensors(bad, header, body)
    _check_import(tmp_path, capsys, bad)


def _onnx_model():
    from deltaprop.interop.onnx_format import build_model
    return build_model(_net(), {"preprocessing": PREP})


@FUZZ
@given(data=st.data())
def test_fuzzed_onnx_graph(tmp_path, capsys, data):
    import onnx
    model = _onnx_model()
    graph = model.graph
    target = data.draw(st.sampled_from(["op", "drop", "wire", "attribute", "dims", "raw", "type", "metadata",
                                        "input", "bytes"]))
    node = graph.node[data.draw(st.integers(0, len(graph.node) - 1))]
    tensor = graph.initializer[data.draw(st.integers(0, len(graph.initializer) - 1))]
    if target == "op":
        node.op_type = data.draw(st.sampled_from(["Gemm", "Relu", "Elu", "Mul", "Div", "Sub", "Softmax", "MatMul"]))
    elif target == "drop":
        graph.node.remove(node)
    elif target == "wire":
        node.input[data.draw(st.integers(0, len(node.input) - 1))] = data.draw(
            st.sampled_from(["input", "W1", "b2", "std", "z1", "nowhere"]))
    elif target == "attribute":
        node.attribute.append(onnx.helper.make_attribute(data.draw(st.sampled_from(["transA", "alpha", "axis"])),
                                                         data.draw(st.integers(-2, 3))))
    elif target == "dims":
        tensor.dims[:] = data.draw(st.lists(st.integers(0, 2**40), max_size=3))
    elif target == "raw":
        tensor.raw_data = tensor.raw_data[:data.draw(st.integers(0, max(0, len(tensor.raw_data) - 1)))]
    elif target == "type":
        tensor.data_type = data.draw(st.sampled_from([1, 2, 3, 6, 7, 9, 10, 11, 16]))
    elif target == "metadata":
        prop = model.metadata_props[0]
        prop.value = json.dumps(_mutate(json.loads(prop.value), data))
    elif target == "input":
        graph.input[0].name = data.draw(st.sampled_from(["x", "W1", ""]))
    raw = model.SerializeToString()
    if target == "bytes":                              # protobuf damage: cut short or one byte changed
        cut = data.draw(st.integers(0, len(raw) - 1))
        raw = raw[:cut] if data.draw(st.booleans()) else raw[:cut] + bytes([raw[cut] ^ 0xFF]) + raw[cut + 1:]
    path = tmp_path / "fuzzed.onnx"
    path.write_bytes(raw)
    _check_import(tmp_path, capsys, path)


@FUZZ
@given(data=st.data())
def test_fuzzed_network2_json(tmp_path, capsys, data):
    net = Network([3, 4, 2], "sigmoid", loss="binary-cross-entropy", seed=0)
    export_network(net, tmp_path / "good.json", "network2")
    document = _mutate(json.loads((tmp_path / "good.json").read_text()), data)
    path = tmp_path / "fuzzed.json"
    path.write_text(json.dumps(document))
    _check_import(tmp_path, capsys, path)


@pytest.mark.parametrize("prep", [{"kind": "unit", "maximum": 0}, {"kind": "unit", "maximum": "255"},
                                  {"kind": "standardize", "mean": [0, 0, 0], "std": [1, 0, 1]},
                                  {"kind": "standardize", "mean": [0], "std": [1]}, {"kind": "rescale"}])
def test_tampered_preprocessing_is_refused_at_import(tmp_path, capsys, prep):
    """Issue 26: it used to import, exit 0, and fail later in predict ("unit scaling needs a finite maximum")."""
    good = tmp_path / "model.safetensors"
    export_network(_net(), good, "safetensors", {"preprocessing": {"kind": "unit", "maximum": 255.0}})
    header, body = _safetensors_parts(good)
    description = json.loads(header["__metadata__"]["deltaprop"])
    description["metadata"]["preprocessing"] = prep
    header["__metadata__"]["deltaprop"] = json.dumps(description)
    _write_safetensors(tmp_path / "tampered.safetensors", header, body)
    capsys.readouterr()
    assert main(["import", str(tmp_path / "tampered.safetensors"), "-o", str(tmp_path / "o.npz")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "tampered.safetensors" in err and "preprocessing" in err, err
    assert not (tmp_path / "o.npz").exists()


@pytest.mark.parametrize("key, value", [("class_names", "cats"), ("class_names", ["a", "b", "c"]),
                                        ("image_shape", [2, 2]), ("image_shape", [3, -1]), ("metadata", [1])])
def test_tampered_metadata_is_refused_at_import(tmp_path, capsys, key, value):
    """Class names and the image shape (read by evaluate and predict) are checked at import too."""
    good = tmp_path / "model.safetensors"
    export_network(_net(), good, "safetensors", {"class_names": ["yes", "no"], "image_shape": [3]})
    header, body = _safetensors_parts(good)
    description = json.loads(header["__metadata__"]["deltaprop"])
    if key == "metadata":
        description["metadata"] = value
    else:
        description["metadata"][key] = value
    header["__metadata__"]["deltaprop"] = json.dumps(description)
    _write_safetensors(tmp_path / "tampered.safetensors", header, body)
    capsys.readouterr()
    assert main(["import", str(tmp_path / "tampered.safetensors"), "-o", str(tmp_path / "o.npz")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "tampered.safetensors" in err and key in err, err
    assert main(["import", str(good), "-o", str(tmp_path / "o.npz")]) == 0
