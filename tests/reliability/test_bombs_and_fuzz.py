"""Compression bombs refused in bounded memory, and fuzzing: no exception but the documented ones.

Peak memory is measured in a fresh subprocess, as its own high-water mark (``memory.py``).
"""

import gzip
import io
import json
import os
import zipfile

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deltaprop import Network
from deltaprop.data.idx import read_idx
from deltaprop.data.loaders import load_data, read_inputs
from deltaprop.data.splits import open_split
from deltaprop.data.stream import open_inputs
from deltaprop.explain import spec as spec_module
from deltaprop.io.persistence import load_checkpoint, load_model, save_model

from .memory import run_measured

DOCUMENTED = (ValueError, TypeError, FileNotFoundError)
RSS_LIMIT_MB = 300


def _run_measured(*argv):
    peak, code, _, err = run_measured(*argv, timeout=120)
    return peak, code, err


def _model(tmp_path, n_in):
    path = tmp_path / "m.npz"
    save_model(Network([n_in, 4, 2], ["relu", "softmax"], loss="cross-entropy", seed=0), path)
    return path


def test_gzip_idx_bomb_is_refused_in_bounded_memory(tmp_path):
    header = bytes([0, 0, 8, 2]) + (11_000_000).to_bytes(4, "big") + (784).to_bytes(4, "big")
    zeros = gzip.compress(bytes(64 << 20))            # gzip members may follow each other in one stream:
    (tmp_path / "bomb-idx2-ubyte.gz").write_bytes(gzip.compress(header) + zeros * 135)   # 8.6 GB in ≈ 9 MB
    peak, code, err = _run_measured("predict", _model(tmp_path, 16), tmp_path / "bomb-idx2-ubyte.gz")
    assert code == 2 and "the model expects 16" in err and err.count("\n") == 1, err
    assert peak < RSS_LIMIT_MB, f"peak RSS {peak:.0f} MB"


def test_npz_zip_bomb_is_refused_in_bounded_memory(tmp_path):
    """An .npy member whose header declares 1e12 rows (tiny compressed): refused from its header alone."""
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": "<f8", "fortran_order": False,
                                                  "shape": (10**12, 16)})
    with zipfile.ZipFile(tmp_path / "bomb.npz", "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("X.npy", "w", force_zip64=True) as member:
            member.write(b"\x93NUMPY" + bytes([1, 0]) + buffer.getvalue()[8:])
            block = bytes(1 << 20)
            for _ in range(1000):                    # 1 GB of zeros follows the header
                member.write(block)
    peak, code, err = _run_measured("predict", _model(tmp_path, 16), tmp_path / "bomb.npz")
    assert code == 2 and "bomb.npz: array 'X' declares shape" in err and err.count("\n") == 1, err
    assert peak < RSS_LIMIT_MB, f"peak RSS {peak:.0f} MB"


def test_npz_with_the_wrong_features_is_refused_from_its_header(tmp_path):
    np.savez_compressed(tmp_path / "x.npz", X=np.zeros((200_000, 784), np.float32))    # 600 MB unpacked
    peak, code, err = _run_measured("predict", _model(tmp_path, 16), tmp_path / "x.npz")
    assert code == 2 and "784 features per sample" in err, err
    assert peak < RSS_LIMIT_MB, f"peak RSS {peak:.0f} MB"


# ------------------------------------------------------------------ fuzzing
FUZZ = settings(max_examples=int(os.environ.get("DELTAPROP_FUZZ_EXAMPLES", "150")),  # more: make fuzz-long
                deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _idx_bytes():
    header = st.tuples(st.sampled_from([0, 1]), st.sampled_from([0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E, 0x07]),
                       st.integers(0, 9), st.lists(st.integers(0, 70000), max_size=9))
    return st.one_of(st.binary(max_size=200),
                     st.builds(lambda h, body: bytes([0, h[0], h[1], h[2]])
                               + b"".join(d.to_bytes(4, "big") for d in h[3]) + body,
                               header, st.binary(max_size=300)))


@FUZZ
@given(data=_idx_bytes(), compress=st.booleans())
def test_fuzz_idx(tmp_path, data, compress):
    path = tmp_path / "f-idx"
    path.write_bytes(gzip.compress(data) if compress else data)
    for call in (lambda: read_idx(path), lambda: read_inputs(path, n_features=4), lambda: _stream_all(path, 4)):
        try:
            call()
        except DOCUMENTED:
            pass


def _split_all(path, n_features):
    """Read ``path`` as evaluate does (labels, then inputs in batches); rows and labels agree, or ValueError."""
    split = open_split(str(path), "test", n_features=n_features, batch_bytes=8)
    rows = sum(len(batch) for batch in split.inputs.batches())
    assert rows == split.inputs.n_samples == len(split.y)


def _stream_all(path, n_features):
    """Read ``path`` through predict's batch reader; every row the header promises arrives, or ValueError."""
    inputs = open_inputs(path, n_features=n_features, batch_bytes=8)
    rows = sum(len(batch) for batch in inputs.batches())
    assert rows == inputs.n_samples


@FUZZ
@given(text=st.one_of(st.text(max_size=300),
                      st.lists(st.lists(st.sampled_from(["1", "0", "-2.5", "1e308", "nan", "", "x", "label", "3",
                                                         "1e999", "0.5", " 7 "]), min_size=1, max_size=4),
                               min_size=1, max_size=12).map(lambda rows: "\n".join(",".join(r) for r in rows))))
def test_fuzz_csv(tmp_path, text):
    path = tmp_path / "f.csv"
    path.write_text(text, encoding="utf-8")
    for call in (lambda: load_data(str(path)), lambda: read_inputs(path)):
        try:
            call()
        except DOCUMENTED:
            pass


@FUZZ
@given(data=st.binary(max_size=400), names=st.lists(st.sampled_from(["X", "y", "X_test", "y_test", "z"]),
                                                    max_size=3, unique=True),
       shapes=st.lists(st.lists(st.integers(0, 4), max_size=3), max_size=3),
       kind=st.sampled_from(["f8", "i8", "c16", "u1", "b1", "f4"]))
def test_fuzz_npz(tmp_path, data, names, shapes, kind):
    path = tmp_path / "f.npz"
    if names:
        arrays = {n: np.zeros(tuple(s), dtype=kind) for n, s in zip(names, shapes + [[2]] * 3)}
        np.savez(path, **arrays)
        raw = path.read_bytes()
        if data:                                      # corrupt some bytes in place
            cut = len(data) % max(1, len(raw))
            raw = raw[:cut] + data + raw[cut + len(data):]
        path.write_bytes(raw)
    else:
        path.write_bytes(data)
    for call in (lambda: load_data(str(path)), lambda: read_inputs(path, n_features=2), lambda: load_model(path),
                 lambda: load_checkpoint(path), lambda: _stream_all(path, 2), lambda: _split_all(path, 2)):
        try:
            call()
        except DOCUMENTED:
            pass


_JSON = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
                               st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=8)),
                     lambda inner: st.one_of(st.lists(inner, max_size=4),
                                             st.dictionaries(st.sampled_from(
                                                 ["layers", "weights", "biases", "activation", "input", "target",
                                                  "inputs", "targets", "loss", "learning_rate", "update_biases",
                                                  "x"]), inner, max_size=5)), max_leaves=30)


@FUZZ
@given(doc=_JSON)
def test_fuzz_spec(tmp_path, doc):
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(doc))
    try:
        spec = spec_module.load(path)
        from deltaprop.explain import explain
        explain(spec.network, spec.X, spec.Y, learning_rate=spec.learning_rate).to_text()
    except DOCUMENTED:
        pass


@FUZZ
@given(change=st.dictionaries(st.sampled_from(["sizes", "activations", "loss", "dtype", "dropout", "train_biases",
                                               "kind", "format_version", "metadata"]), _JSON, min_size=1,
                              max_size=3))
def test_fuzz_model_metadata(tmp_path, change):
    path = tmp_path / "m.npz"
    save_model(Network([2, 3, 2], ["tanh", "softmax"], loss="cross-entropy", seed=0), path)
    with np.load(path) as archive:
        arrays = {k: archive[k] for k in archive.files}
    header = json.loads(arrays["__metadata__"].tobytes())
    header.update(change)
    arrays["__metadata__"] = np.frombuffer(json.dumps(header).encode(), np.uint8)
    np.savez(path, **arrays)
    try:
        load_model(path).predict(np.zeros((1, 2)))
    except DOCUMENTED:
        pass
