"""Memory proportional to the work: small files under ``ulimit -v``, headers that claim more than they hold.

Each command runs in a fresh process; peak memory is that process's own high-water mark (``memory.py``).
"""

import gzip
import io
import json
import os
import subprocess
import zipfile

import numpy as np
import pytest

from deltaprop import Network
from deltaprop.data.idx import write_idx
from deltaprop.io.persistence import save_model

from .memory import command, peak_and_code, run_measured

ADDRESS_SPACE_KB = 1_500_000                 # ulimit -v 1500000: 1.5 GB of address space
RSS_LIMIT_MB = 500



def _cli(*argv, cwd, limit=False, timeout=300):
    """``(peak RSS MB, exit code, stdout, stderr)`` of ``deltaprop ARGV`` in a fresh process."""
    return run_measured(*argv, cwd=cwd, address_space_kb=ADDRESS_SPACE_KB if limit else None, timeout=timeout)


@pytest.fixture(scope="module")
def small_files(tmp_path_factory):
    """A small CSV, IDX (images and labels), NPZ, JSON spec and the models trained from them."""
    folder = tmp_path_factory.mktemp("small")
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    y = (X[:, 0] > 0).astype(int)
    (folder / "d.csv").write_text("a,b,c,label\n" + "".join(f"{r[0]:.3f},{r[1]:.3f},{r[2]:.3f},{l}\n"
                                                            for r, l in zip(X, y)))
    np.savez(folder / "d.npz", X=X, y=y)
    write_idx(folder / "x-idx2-ubyte.gz", (rng.random((40, 3)) * 255).astype(np.uint8))
    write_idx(folder / "x-idx2-ubyte", (rng.random((40, 3)) * 255).astype(np.uint8))
    (folder / "answers.csv").write_text("name,value\nz2_1,-0.58\n")
    (folder / "spec.json").write_text(json.dumps({
        "layers": [{"weights": [[0.15, 0.2], [0.25, 0.3]], "biases": [0.35, 0.35], "activation": "sigmoid"},
                   {"weights": [[0.4, 0.45]], "biases": [0.6], "activation": "sigmoid"}],
        "input": [0.05, 0.1], "target": [0.01]}))
    return folder


SMALL_COMMANDS = {
    "train CSV": ["train", "--data", "d.csv", "--epochs", "2", "--quiet", "--out", "m.npz"],
    "train NPZ": ["train", "--data", "d.npz", "--epochs", "2", "--quiet", "--out", "m2.npz"],
    "evaluate CSV": ["evaluate", "m.npz", "--data", "d.csv"],
    "evaluate NPZ": ["evaluate", "m2.npz", "--data", "d.npz", "--json", "e.json"],
    "predict CSV": ["predict", "m.npz", "d.csv", "--out", "p.csv"],
    "predict NPZ": ["predict", "m.npz", "d.npz", "--out", "p.npz"],
    "predict IDX gz": ["predict", "m.npz", "x-idx2-ubyte.gz", "--probabilities"],
    "predict IDX raw": ["predict", "m.npz", "x-idx2-ubyte"],
    "explain": ["explain"],
    "explain JSON spec": ["explain", "--spec", "spec.json"],
    "export safetensors": ["export", "m.npz", "--format", "safetensors", "--out", "m.safetensors"],
    "export onnx": ["export", "m.npz", "--format", "onnx", "--out", "m.onnx"],
    "import safetensors": ["import", "m.safetensors", "--out", "back.npz"],
    "import onnx": ["import", "m.onnx", "--out", "back-onnx.npz"],
    "exercise": ["exercise", "--level", "1", "--seed", "0", "--format", "json", "--out", "sheet.json"],
    "check": ["check", "sheet.json", "answers.csv"],
}


def test_small_inputs_run_under_ulimit_v(small_files):
    """Before: every file read reserved its size cap (8 GB for a CSV) in address space -> MemoryError."""
    failures = []
    for name, argv in SMALL_COMMANDS.items():                  # in order: train writes the models the others read
        peak, code, out, err = _cli(*argv, cwd=small_files, limit=True)
        graded = name == "check" and code == 1            # check ran and reports unanswered/wrong answers
        if (code != 0 and not graded) or "Traceback" in err or "MemoryError" in err:
            failures.append(f"{name}: exit {code}: {err.strip()[-300:]}")
    assert not failures, "\n".join(failures)


def test_idx_gzip_claiming_1_3_million_images_predicts_in_bounded_memory(tmp_path):
    """A ~1 MB gzip whose header says 1.3 M images of 784 zero bytes: streamed, every row predicted.

    Before: the whole 1 GB was decompressed and cast to float64 at once (8.8 GB peak in the issue).
    """
    n = 1_300_000
    path = tmp_path / "idx-gzbomb.gz"
    with gzip.open(path, "wb", compresslevel=9) as handle:
        handle.write(bytes([0, 0, 8, 3]) + n.to_bytes(4, "big") + (28).to_bytes(4, "big") + (28).to_bytes(4, "big"))
        block = bytes(784 * 10_000)
        for _ in range(n // 10_000):
            handle.write(block)
    assert path.stat().st_size < 1_100_000
    network = Network([784, 2, 2], ["relu", "softmax"], loss="cross-entropy", seed=0)
    save_model(network, tmp_path / "m784.npz", metadata={"preprocessing": {"kind": "unit", "maximum": 255.0}})
    peak, code, _, err = _cli("predict", tmp_path / "m784.npz", path, "--out", tmp_path / "bomb.csv", cwd=tmp_path,
                              timeout=600)
    assert code == 0, err
    assert f"wrote {n} labels" in err
    expected = str(int(network.classify(np.zeros((1, 784)))[0]))
    with open(tmp_path / "bomb.csv") as handle:
        assert handle.readline() == "label\n"
        count = sum(1 for line in handle if line == expected + "\n")
    assert count == n
    assert peak < RSS_LIMIT_MB, f"peak RSS {peak:.0f} MB"


def _npz_bomb(path, y, n_rows, n_features):
    """An .npz: a small ``y`` and an ``X`` of zeros whose honest header declares ``n_rows`` rows (deflate, ~1000:1)."""
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": "<f4", "fortran_order": False,
                                                  "shape": (n_rows, n_features)})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("y.npy", "w") as member:
            np.lib.format.write_array(member, y)
        with archive.open("X.npy", "w", force_zip64=True) as member:
            member.write(buffer.getvalue())
            row_block = bytes(n_features * 4 * 1000)
            for _ in range(n_rows // 1000):
                member.write(row_block)


def test_npz_zip_bomb_with_one_class_labels_is_refused_before_x_is_decompressed(tmp_path):
    """Before: X (1.2 GB of zeros in a ~1.2 MB file) was decompressed, then 'every label is 0' (4.1 GB peak)."""
    path = tmp_path / "bomb.npz"
    _npz_bomb(path, np.zeros(300_000, np.int64), 300_000, 1000)
    assert path.stat().st_size < 4_000_000
    peak, code, _, err = _cli("train", "--data", path, "--epochs", "1", "--quiet", cwd=tmp_path)
    assert code == 2 and "bomb.npz: every training label is 0" in err and err.count("\n") == 1, err
    assert peak < RSS_LIMIT_MB, f"peak RSS {peak:.0f} MB"


def test_npz_with_classes_skipped_is_refused_before_x_is_decompressed(tmp_path):
    path = tmp_path / "gaps.npz"
    y = np.arange(300_000) % 10
    y[17] = 200
    _npz_bomb(path, y, 300_000, 1000)
    peak, code, _, err = _cli("train", "--data", path, "--epochs", "1", "--quiet", cwd=tmp_path)
    assert code == 2 and "gaps.npz: class labels skip classes 10..199, then label 200 (1 sample" in err, err
    assert peak < RSS_LIMIT_MB, f"peak RSS {peak:.0f} MB"


def test_evaluate_streams_a_large_npz_test_split(tmp_path):
    """300,000 rows of 784 zero pixels (a ~0.3 MB .npz): evaluated a batch at a time.

    Before: X was decompressed whole and cast to float64 at once (≈ 1.9 GB).
    """
    n = 300_000
    path = tmp_path / "big.npz"
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": "|u1", "fortran_order": False, "shape": (n, 784)})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("y.npy", "w") as member:
            np.lib.format.write_array(member, np.arange(n) % 2)
        with archive.open("X.npy", "w", force_zip64=True) as member:
            member.write(buffer.getvalue())
            for _ in range(n // 10_000):
                member.write(bytes(784 * 10_000))
    network = Network([784, 2, 2], ["relu", "softmax"], loss="cross-entropy", seed=0)
    save_model(network, tmp_path / "m784.npz", metadata={"preprocessing": {"kind": "unit", "maximum": 255.0}})
    peak, code, out, err = _cli("evaluate", tmp_path / "m784.npz", "--data", path, "--json", tmp_path / "e.json",
                                cwd=tmp_path)
    assert code == 0, err
    report = json.loads((tmp_path / "e.json").read_text())
    assert report["samples"] == n and report["accuracy"] == 0.5          # one class predicted for every zero image
    assert peak < RSS_LIMIT_MB, f"peak RSS {peak:.0f} MB"


def _csv_file(path, block, copies):
    """A header, then ``copies`` times the rows of ``block`` (written as text once, so a million rows take a second)."""
    text = "".join(",".join(f"{v:.3f}" for v in row) + "\n" for row in block).encode()
    with open(path, "wb") as handle:
        handle.write((",".join(f"x{j}" for j in range(block.shape[1])) + "\n").encode())
        for _ in range(copies):
            handle.write(text)


def _read_offset(pid, path):
    """How far process ``pid`` has read ``path`` (its open descriptor's position), or None when it is not open."""
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            if os.readlink(f"/proc/{pid}/fd/{fd}") == str(path):
                with open(f"/proc/{pid}/fdinfo/{fd}") as info:
                    return int(next(line.split()[1] for line in info if line.startswith("pos:")))
        except (FileNotFoundError, ProcessLookupError):
            continue
    return None


def test_csv_of_a_million_rows_predicts_in_bounded_memory_writing_as_it_goes(tmp_path):
    """1,000,000 rows of 4 features (24 MB of text): parsed a batch at a time, each batch's labels out before the next.

    Before: the whole text was read, split into lines and parsed at once -- 259 MB more peak memory than the same
    command on the first 10,000 rows (measured); streamed, 19 MB more.  The labels' first lines reach the reader while
    the input file is open and read only a few batches in (a reader that does not read on holds the process there).
    """
    block = np.random.default_rng(0).random((10_000, 4))
    _csv_file(tmp_path / "small.csv", block, 1)
    _csv_file(tmp_path / "big.csv", block, 100)
    network = Network([4, 8, 3], ["relu", "softmax"], loss="cross-entropy", seed=0)
    save_model(network, tmp_path / "m.npz")
    small_peak, code, small_out, err = _cli("predict", tmp_path / "m.npz", tmp_path / "small.csv", cwd=tmp_path)
    assert code == 0, err

    process = subprocess.Popen(command("predict", tmp_path / "m.npz", tmp_path / "big.csv"), cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first_lines = [process.stdout.readline() for _ in range(2)]
        offset = _read_offset(process.pid, tmp_path / "big.csv")
        rest, err = process.stdout.read(), process.stderr.read()   # (stderr: one line) not communicate(): it
        process.wait(timeout=300)                                    # would skip what readline() buffered
    finally:
        process.kill()
    size = (tmp_path / "big.csv").stat().st_size
    assert offset is not None and offset < size / 4, f"first labels out after reading {offset} of {size:,} bytes"
    big_peak, code = peak_and_code(rest, err)
    assert code == 0 and "Traceback" not in err, err
    labels = "".join(first_lines) + rest[:rest.rindex("PEAK")]
    expected = small_out[:small_out.rindex("PEAK")]
    assert labels == expected[:6] + expected[6:] * 100                        # "label\n", then the rows' labels
    assert big_peak - small_peak < 64, f"peak RSS {big_peak:.0f} MB for 1,000,000 rows, {small_peak:.0f} for 10,000"
