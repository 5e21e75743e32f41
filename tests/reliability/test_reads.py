"""files.read_bytes: sized by the file, not the cap (a cap-sized read reserved the cap in address space)."""

import subprocess
import sys

import pytest

from deltaprop.io import safe_read as files

UNDER_ULIMIT = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1_500_000 * 1024, 1_500_000 * 1024))
from deltaprop.io.safe_read import read_text
print(len(read_text(sys.argv[1], 8 << 30, "CSV file")))
"""


def test_small_file_with_an_8_gb_cap_reads_under_ulimit_v(tmp_path):
    """Before: MemoryError at handle.read(cap + 1) -- CPython allocates the requested size up front."""
    path = tmp_path / "tiny.csv"
    path.write_text("a,label\n1,0\n2,1\n")
    out = subprocess.run([sys.executable, "-c", UNDER_ULIMIT, str(path)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == str(len(path.read_text())), out.stderr[-500:]


@pytest.mark.parametrize("size", [0, 1, 5, 4096, 3 * 4096 + 7])
def test_reads_every_byte_in_chunks(tmp_path, size):
    path = tmp_path / "f"
    data = bytes(range(256)) * (size // 256) + bytes(size % 256)
    path.write_bytes(data)
    assert files.read_bytes(path, 1 << 20, chunk_bytes=4096) == data


def test_cap_is_enforced_on_the_bytes_read_when_the_file_grows(tmp_path, monkeypatch):
    """stat said 10 bytes (within the cap of 100); 1000 arrive: refused, naming the file."""
    path = tmp_path / "growing"
    path.write_bytes(b"x" * 1000)
    real_stat = files.os.fstat

    class Small:
        def __init__(self, info):
            self.st_size = 10
            self.st_mode = info.st_mode
    monkeypatch.setattr(files, "check_regular_file", lambda p, cap, what: str(p))
    monkeypatch.setattr(files.os, "fstat", lambda fd: Small(real_stat(fd)))
    with pytest.raises(ValueError, match="growing: larger than 100 bytes"):
        files.read_bytes(path, 100, chunk_bytes=16)


IDX_UNDER_ULIMIT = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1_500_000 * 1024, 1_500_000 * 1024))
from deltaprop.data.idx import read_idx
try:
    read_idx(sys.argv[1])
except ValueError as exc:
    print(exc)
"""


def test_gzip_idx_header_claiming_more_than_it_holds_reserves_nothing(tmp_path):
    """A 1 KB gzip whose header claims 1.4 GB: 'truncated', found by reading what is there.

    Before: ``handle.read(claimed + 1)`` reserved the claim up front (MemoryError under ulimit -v 1.5 GB).
    """
    import gzip
    path = tmp_path / "claims-idx3-ubyte.gz"
    header = bytes([0, 0, 8, 3]) + (1_800_000).to_bytes(4, "big") + (28).to_bytes(4, "big") * 2
    path.write_bytes(gzip.compress(header + bytes(1000)))
    out = subprocess.run([sys.executable, "-c", IDX_UNDER_ULIMIT, str(path)], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0 and "claims-idx3-ubyte.gz: truncated IDX file" in out.stdout, out.stderr[-500:]
