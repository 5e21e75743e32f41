import gzip

import numpy as np
import pytest

from deltaprop.data.idx import read_idx, write_idx


@pytest.mark.parametrize("dtype", ["u1", "i1", "i2", "i4", "f4", "f8"])
@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_round_trip_every_type(tmp_path, dtype, suffix):
    array = (np.arange(2 * 3 * 4).reshape(2, 3, 4) - 5).astype(dtype)
    path = tmp_path / f"a.idx{suffix}"
    write_idx(path, array)
    back = read_idx(path)
    assert back.shape == (2, 3, 4) and back.dtype == np.dtype(dtype).newbyteorder("=")
    np.testing.assert_array_equal(back, array)


def test_header_is_big_endian_mnist_layout(tmp_path):
    path = tmp_path / "labels"
    write_idx(path, np.array([7, 2, 1], np.uint8))
    assert path.read_bytes() == bytes([0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 1])


def test_raw_files_are_memory_mapped(tmp_path):
    path = tmp_path / "images"
    write_idx(path, np.ones((5, 4, 4), np.uint8))
    data = read_idx(path)
    assert isinstance(data, np.memmap) and data.shape == (5, 4, 4) and int(data.sum()) == 80
    assert not data.flags.writeable


def _raw(tmp_path, payload, name="bad"):
    path = tmp_path / name
    path.write_bytes(payload)
    return path


@pytest.mark.parametrize("payload, message", [
    (b"\x01\x00\x08\x01\x00\x00\x00\x01\x05", "magic number"),
    (b"\x00\x00\x07\x01\x00\x00\x00\x01\x05", "unknown IDX type code 0x07"),
    (b"\x00\x00\x08\x00", "0 dimensions"),
    (b"\x00\x00\x08\x02\x00\x00", "truncated IDX header"),
    (b"\x00\x00\x08\x01\x00\x00\x00\x05\x01\x02", "truncated IDX file"),
    (b"\x00\x00\x08\x01\x00\x00\x00\x01\x01\x02", "bytes after the data"),
    (b"\x00\x00\x08\x01\x00\x00\x00\x00", "zero dimension"),
    (b"\x00", "not an IDX file"),
])
def test_corrupt_files_name_the_file_and_the_problem(tmp_path, payload, message):
    path = _raw(tmp_path, payload)
    with pytest.raises(ValueError, match=message) as info:
        read_idx(path)
    assert str(path) in str(info.value)


def test_truncated_gzip(tmp_path):
    good = tmp_path / "x.gz"
    write_idx(good, np.arange(1000, dtype=np.int32))
    cut = _raw(tmp_path, good.read_bytes()[:-20], "cut.gz")
    with pytest.raises(ValueError, match="cut.gz"):
        read_idx(cut)


def test_gzip_with_truncated_content(tmp_path):
    path = tmp_path / "short.gz"
    with gzip.open(path, "wb") as handle:
        handle.write(bytes([0, 0, 8, 2, 0, 0, 0, 10, 0, 0, 0, 10]) + bytes(50))
    with pytest.raises(ValueError, match="truncated IDX file: header says shape \\(10, 10\\)"):
        read_idx(path)
