"""No file is ever lost: every command that writes does so atomically, reports write errors, and cleans up.

A full disk is simulated by making the first ``write`` into a temporary file
raise ``OSError(ENOSPC)`` half-way through.
"""

import errno
import os
import stat

import numpy as np
import pytest

from deltaprop import Network
from deltaprop.io import atomic_writes as atomic
from deltaprop.cli import main
from deltaprop.io.persistence import save_model


@pytest.fixture
def model(tmp_path):
    path = tmp_path / "m.npz"
    save_model(Network([2, 4, 2], ["relu", "softmax"], loss="cross-entropy", seed=0), path)
    return path


@pytest.fixture
def data(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("a,b,label\n" + "".join(f"{i % 7},{i % 5},{i % 2}\n" for i in range(30)))
    return path


def _disk_full(monkeypatch):
    """Every file opened by atomic_write fails after its first 10 bytes with ENOSPC."""
    real_fdopen = os.fdopen

    def fdopen(fd, mode="r", *args, **kwargs):
        handle = real_fdopen(fd, mode, *args, **kwargs)
        real_write = handle.write
        written = [0]

        def write(data):                    # room for 10 bytes in all, then the disk is full
            room = 10 - written[0]
            real_write(data[:max(room, 0)])
            written[0] += min(len(data), max(room, 0))
            if len(data) > room:
                raise OSError(errno.ENOSPC, "No space left on device")
            return len(data)
        handle.write = write
        return handle

    monkeypatch.setattr(atomic.os, "fdopen", fdopen)


WRITERS = {
    "train --json": lambda t, m, d: ["train", "--data", d, "--epochs", "1", "--quiet", "--json", t],
    "train --out": lambda t, m, d: ["train", "--data", d, "--epochs", "1", "--quiet", "--out", t],
    "train --plot": lambda t, m, d: ["train", "--data", d, "--epochs", "1", "--quiet", "--plot", t],
    "predict --out csv": lambda t, m, d: ["predict", m, d, "--out", t],
    "predict --out npz": lambda t, m, d: ["predict", m, d, "--out", str(t) + ".npz"],
    "evaluate --json": lambda t, m, d: ["evaluate", m, "--data", d, "--json", t],
    "evaluate --confusion": lambda t, m, d: ["evaluate", m, "--data", d, "--confusion", t],
    "explain -o": lambda t, m, d: ["explain", "-o", t],
    "export": lambda t, m, d: ["export", m, "--format", "safetensors", "-o", t],
    "import": lambda t, m, d: ["import", str(t) + ".src.safetensors", "-o", t],
}


@pytest.mark.parametrize("name", list(WRITERS))
def test_a_full_disk_leaves_the_old_file_intact(tmp_path, model, data, monkeypatch, capsys, name):
    target = tmp_path / ("out.png" if name in ("train --plot", "evaluate --confusion") else "out.file")
    if name.startswith("predict --out npz"):
        target_file = tmp_path / "out.file.npz"
    else:
        target_file = target
    if name == "import":
        from deltaprop.interop import export_network
        export_network(Network([2, 3, 2], ["tanh", "softmax"], loss="cross-entropy", seed=1),
                       str(target) + ".src.safetensors", "safetensors")
    target_file.write_bytes(b"the good old contents")
    _disk_full(monkeypatch)
    code = main([str(a) for a in WRITERS[name](target, model, data)])
    err = capsys.readouterr().err
    assert code != 0, err
    assert "No space left on device" in err and "Traceback" not in err
    assert target_file.read_bytes() == b"the good old contents"
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]


def test_writing_to_a_device_is_refused(tmp_path, data, capsys):
    code = main(["train", "--data", str(data), "--epochs", "1", "--quiet", "--plot", "/dev/full"])
    err = capsys.readouterr().err
    assert code == 2 and "/dev/full: not a regular file" in err


def test_files_take_the_umask_mode(tmp_path, model):
    old = os.umask(0o022)
    try:
        save_model(Network([2, 2], seed=0), tmp_path / "a.npz")
        atomic.write_text(tmp_path / "b.txt", "x")
    finally:
        os.umask(old)
    for name in ("a.npz", "b.txt"):
        assert stat.S_IMODE(os.stat(tmp_path / name).st_mode) == 0o644


def test_stale_temporaries_of_a_killed_checkpoint_are_removed(tmp_path, data):
    ckpt = tmp_path / "ck"
    ckpt.mkdir()
    (ckpt / ".epoch-001.npz.abcd1234.tmp").write_bytes(b"half")
    (tmp_path / ".out.npz.x1y2.tmp").write_bytes(b"half")
    assert main(["train", "--data", str(data), "--epochs", "1", "--quiet", "--checkpoint-dir", str(ckpt),
                 "--out", str(tmp_path / "out.npz")]) == 0
    assert sorted(os.listdir(ckpt)) == ["epoch-001.npz"]
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]


def test_atomic_write_removes_its_temporary_on_any_error(tmp_path):
    with pytest.raises(KeyboardInterrupt):
        with atomic.atomic_write(tmp_path / "x.bin") as handle:
            handle.write(b"partial")
            raise KeyboardInterrupt
    assert os.listdir(tmp_path) == []
    np.save(tmp_path / "keep.npy", np.zeros(2))
