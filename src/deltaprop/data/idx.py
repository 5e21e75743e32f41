"""IDX files, the format of MNIST and Fashion-MNIST (raw or gzip-compressed).

An IDX file is a 4-byte magic number, one big-endian ``uint32`` per
dimension, then the values in C order, big-endian::

    0x00 0x00 <type code> <number of dimensions>   dims...   data...

Type codes: ``0x08`` uint8, ``0x09`` int8, ``0x0B`` int16, ``0x0C`` int32,
``0x0D`` float32, ``0x0E`` float64.  Every field is checked; a truncated or
corrupt file raises ``ValueError`` naming the file and the problem.  Raw
(uncompressed) files are memory-mapped, so data bigger than memory can stream.
"""

from __future__ import annotations

import gzip
import os
import struct
import zlib

import numpy as np

from ..io.safe_read import check_regular_file
from ..core.validation import check_memory

IDX_TYPES = {0x08: np.dtype("u1"), 0x09: np.dtype("i1"), 0x0B: np.dtype(">i2"),
             0x0C: np.dtype(">i4"), 0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8")}
_CODES = {dtype.newbyteorder("="): code for code, dtype in IDX_TYPES.items()}
_MAX_DIMS = 8


def read_idx(path, mmap=True, expect=None):
    """Read an IDX file (``.gz`` or raw).

    Parameters
    ----------
    path : str or os.PathLike
    mmap : bool, default True
        Memory-map raw files read-only instead of reading them into memory.
    expect : callable(shape), optional
        Called with the header's shape before the data is read (or decompressed); raises to refuse.

    Returns
    -------
    ndarray
        Shape given by the header, e.g. ``(60000, 28, 28)`` uint8 for MNIST
        images or ``(60000,)`` for labels; native byte order.

    Raises
    ------
    ValueError
        Bad magic number, unknown type code, zero/absurd dimensions, or a data
        length that does not match the header (truncated or trailing bytes).
    """
    path = check_regular_file(path, 1 << 40, "IDX file")
    if _is_gzip(path):
        try:
            with gzip.open(path, "rb") as handle:
                head = handle.read(4 + 4 * _MAX_DIMS)
                dtype, shape, offset = _parse_header(path, head, None)      # checked before decompressing
                expected = offset + int(np.prod(shape, dtype=object)) * dtype.itemsize
                check_memory(expected, f"{path}: the IDX header's shape {shape}")
                if expect is not None:
                    expect(shape)
                payload = _read_upto(handle, head, expected + 1)           # never more than the header says + 1
        except (OSError, EOFError, zlib.error) as exc:
            raise ValueError(f"{path}: corrupt or truncated gzip data ({exc})") from None
        _parse_header(path, head, len(payload))
        return np.frombuffer(payload, dtype, offset=offset).reshape(shape).astype(dtype.newbyteorder("="), copy=False)
    size = os.path.getsize(path)
    with open(path, "rb") as handle:
        head = handle.read(4 + 4 * _MAX_DIMS)
    dtype, shape, offset = _parse_header(path, head, size)
    if expect is not None:
        expect(shape)
    if mmap and dtype.itemsize == 1 and int(np.prod(shape)) > 0:
        return np.memmap(path, dtype=dtype, mode="r", offset=offset, shape=shape)
    with open(path, "rb") as handle:
        handle.seek(offset)
        data = np.fromfile(handle, dtype=dtype)
    return data.reshape(shape).astype(dtype.newbyteorder("="))


def write_idx(path, array):
    """Write ``array`` as an IDX file (gzip-compressed when ``path`` ends in ``.gz``)."""
    array = np.asarray(array)
    native = array.dtype.newbyteorder("=")
    if native not in _CODES:
        raise ValueError(f"IDX cannot store dtype {array.dtype}; valid: uint8, int8, int16, int32, "
                         f"float32, float64")
    code = _CODES[native]
    header = bytes([0, 0, code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    payload = header + np.ascontiguousarray(array, dtype=IDX_TYPES[code]).tobytes()
    path = os.fspath(path)
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "wb") as handle:
        handle.write(payload)


def _read_upto(handle, head, limit, chunk_bytes=1 << 22):
    """``head`` + the stream's next bytes, at most ``limit`` in all, in chunks: memory follows what arrives.

    (``handle.read(n)`` reserves ``n`` bytes up front, so a header that claims a
    gigabyte in a file that holds a kilobyte would cost the gigabyte.)
    """
    payload = bytearray(head)
    while len(payload) < limit:
        chunk = handle.read(min(chunk_bytes, limit - len(payload)))
        if not chunk:
            break
        payload += chunk
    return payload


def _is_gzip(path):
    with open(path, "rb") as handle:
        return handle.read(2) == b"\x1f\x8b"


def _parse_header(path, head, total_size):
    """Return ``(dtype, shape, data offset)`` after checking every header field."""
    if len(head) < 4:
        raise ValueError(f"{path}: not an IDX file (only {len(head)} bytes, need a 4-byte magic number)")
    zero, code, ndim = head[:2], head[2], head[3]
    if zero != b"\x00\x00":
        raise ValueError(f"{path}: not an IDX file (magic number starts {zero.hex()}, expected 0000)")
    if code not in IDX_TYPES:
        valid = ", ".join(f"0x{c:02X}" for c in IDX_TYPES)
        raise ValueError(f"{path}: unknown IDX type code 0x{code:02X}; valid: {valid}")
    if not 1 <= ndim <= _MAX_DIMS:
        raise ValueError(f"{path}: IDX header claims {ndim} dimensions; expected 1..{_MAX_DIMS}")
    offset = 4 + 4 * ndim
    if len(head) < offset:
        raise ValueError(f"{path}: truncated IDX header ({len(head)} bytes, need {offset})")
    shape = struct.unpack(f">{ndim}I", head[4:offset])
    if 0 in shape:
        raise ValueError(f"{path}: IDX header has a zero dimension {shape}")
    dtype = IDX_TYPES[code]
    expected = offset + int(np.prod(shape, dtype=object)) * dtype.itemsize
    if total_size is None:          # a compressed stream: its length is not known yet
        return dtype, shape, offset
    if total_size < expected:
        raise ValueError(f"{path}: truncated IDX file: header says shape {shape} ({expected} bytes) "
                         f"but the file has {total_size} bytes")
    if total_size > expected:
        raise ValueError(f"{path}: corrupt IDX file: {total_size - expected} bytes after the data "
                         f"for shape {shape}")
    return dtype, shape, offset
