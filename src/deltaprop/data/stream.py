"""Inputs in batches of rows: memory proportional to a batch, never to what a header claims.

``deltaprop predict`` reads its inputs through :func:`open_inputs`, which
checks the header (shape, dtype, the model's feature count) and then hands
out the rows a batch at a time:

==========  ===============================================================
IDX .gz     decompressed a batch at a time; a short or over-long stream is
            found when it ends (so a 1 MB file claiming 1.3 M images costs
            one batch of memory, not 8 GB)
IDX raw     memory-mapped, sliced
NPZ         the ``X`` member decompressed a batch of rows at a time
            (a Fortran-ordered array is read whole, its size checked first)
CSV         one pass counts the rows (the first one parsed: its width),
            then ``rows`` lines are parsed at a time
            (:mod:`deltaprop.data.csv_stream`)
==========  ===============================================================

``deltaprop evaluate`` reads its labels first, then its inputs through these
readers (:mod:`deltaprop.data.splits`).  Every error names the file.
"""

from __future__ import annotations

import gzip
import os
import zipfile
import zlib
from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..io.safe_read import check_regular_file, npz_headers, read_npz
from ..core.validation import check_memory
from .checks import check_features
from .idx import _is_gzip, _MAX_DIMS, _parse_header
from .csv_stream import scan_csv

BATCH_BYTES = 4 << 20            # raw bytes of input per batch (≈ 5,000 MNIST images)
X_NAMES = ("X", "x", "X_test", "x_test")


@dataclass
class Inputs:
    """``n_samples`` rows of ``n_features``; ``batches()`` yields them as ``(rows, n_features)`` arrays."""

    path: str
    n_samples: int
    n_features: int
    batches: Callable


def open_inputs(path, n_features=None, image_shape=None, batch_bytes=None):
    """Check ``path``'s header against the model and return an :class:`Inputs` that reads it in batches.

    Parameters
    ----------
    path : str or os.PathLike
        IDX (``.gz`` or raw), ``.csv`` (a ``label`` column is dropped) or ``.npz`` (array ``X``).
    n_features : int, optional
        The model's input size; a file of another width is refused from its header.
    image_shape : tuple, optional
        E.g. ``(28, 28)``: IDX images of another shape are refused even when the pixel count agrees.
    batch_bytes : int, optional
        About how many bytes of the file's values one batch holds (default :data:`BATCH_BYTES`).
    """
    path = os.fspath(path)
    batch_bytes = batch_bytes or BATCH_BYTES
    lower = path.lower()

    def check_shape(shape, name="the inputs"):
        _check_width(path, shape, n_features, image_shape, name)

    if lower.endswith(".csv"):
        table = scan_csv(path, require_label=False)                 # a column named "label" is dropped
        check_shape((table.n_rows, table.n_features))
        rows = _rows_per_batch(table.n_features * 8, batch_bytes)     # float64 cells
        return Inputs(path, table.n_rows, table.n_features, lambda: table.batches(rows))
    if lower.endswith(".npz"):
        return _npz_inputs(path, check_shape, batch_bytes)
    return _idx_inputs(path, check_shape, batch_bytes)


# ---------------------------------------------------------------------- IDX
def _idx_inputs(path, check_shape, batch_bytes):
    check_regular_file(path, 1 << 40, "IDX file")
    if _is_gzip(path):
        try:
            with gzip.open(path, "rb") as handle:
                head = handle.read(4 + 4 * _MAX_DIMS)
        except (OSError, EOFError, zlib.error) as exc:
            raise ValueError(f"{path}: corrupt or truncated gzip data ({exc})") from None
        dtype, shape, offset = _parse_header(path, head, None)
    else:
        with open(path, "rb") as handle:
            head = handle.read(4 + 4 * _MAX_DIMS)
        dtype, shape, offset = _parse_header(path, head, os.path.getsize(path))
    check_shape(shape)
    n, width = _n_and_width(shape)
    rows = _rows_per_batch(width * dtype.itemsize, batch_bytes)
    if _is_gzip(path):
        return Inputs(path, n, width, lambda: _gzip_batches(path, dtype, shape, offset, rows))
    data = np.memmap(path, dtype=dtype, mode="r", offset=offset, shape=(n, width))
    return Inputs(path, n, width, lambda: _checked_batches(
        path, (data[start:start + rows] for start in range(0, n, rows)), dtype))


def _gzip_batches(path, dtype, shape, offset, rows):
    """Decompress ``rows`` rows at a time; a stream shorter or longer than the header says is refused."""
    n, width = _n_and_width(shape)
    row_bytes = width * dtype.itemsize
    expected = offset + n * row_bytes
    try:
        with gzip.open(path, "rb") as handle:
            handle.read(offset)
            done = 0
            while done < n:
                count = min(rows, n - done)
                chunk = handle.read(count * row_bytes)
                if len(chunk) < count * row_bytes:
                    raise ValueError(f"{path}: truncated IDX file: header says shape {shape} ({expected:,} bytes) "
                                     f"but the data ends after {offset + done * row_bytes + len(chunk):,} bytes")
                yield _checked(path, np.frombuffer(chunk, dtype).reshape(count, width), done)
                done += count
            if handle.read(1):
                raise ValueError(f"{path}: corrupt IDX file: more data after the {expected:,} bytes of shape {shape}")
    except (OSError, EOFError, zlib.error) as exc:
        raise ValueError(f"{path}: corrupt or truncated gzip data ({exc})") from None


# ---------------------------------------------------------------------- NPZ
def _npz_inputs(path, check_shape, batch_bytes, names=X_NAMES):
    headers = npz_headers(path, "data file")      # each member's declared size checked against the archive's
    name = next((k for k in names if k in headers), None)
    if name is None:
        raise ValueError(f"{path}: expected an array named 'X'; found {', '.join(headers) or 'none'}")
    shape, fortran, dtype = headers[name]
    check_shape(shape, f"array {name!r}")
    shape = shape if len(shape) else (1,)
    n, width = _n_and_width(shape)
    if fortran and len(shape) > 1:                   # rows are not contiguous: read it whole (size checked first)
        check_memory(n * width * dtype.itemsize, f"{path}: array {name!r} of shape {shape}")
        X = read_npz(path, "data file", names=(name,))[name]
        X = check_features(path, X.reshape(1, -1) if X.ndim == 1 else X)
        rows = _rows_per_batch(width * dtype.itemsize, batch_bytes)
        return Inputs(path, n, width, lambda: (X[start:start + rows] for start in range(0, n, rows)))
    rows = _rows_per_batch(width * dtype.itemsize, batch_bytes)
    return Inputs(path, n, width, lambda: _npz_batches(path, name, dtype, n, width, rows))


def _npy_header(member):
    version = np.lib.format.read_magic(member)
    read = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
    return read(member, max_header_size=1 << 16)


def _npz_batches(path, name, dtype, n, width, rows):
    row_bytes = width * dtype.itemsize
    try:
        with zipfile.ZipFile(path) as archive, archive.open(name + ".npy") as member:
            _npy_header(member)
            done = 0
            while done < n:
                count = min(rows, n - done)
                chunk = member.read(count * row_bytes)
                if len(chunk) < count * row_bytes:
                    raise ValueError(f"{path}: array {name!r} is truncated (its header says {n:,} rows)")
                yield _checked(path, np.frombuffer(chunk, dtype).reshape(count, width), done)
                done += count
    except ValueError as exc:
        message = str(exc)
        raise ValueError(message if message.startswith(path) else f"{path}: {message}") from None
    except Exception as exc:
        raise ValueError(f"{path}: corrupt or truncated .npz archive ({type(exc).__name__}: {exc})") from None


# ------------------------------------------------------------------ helpers
def _check_width(path, shape, n_features, image_shape, name):
    d = int(np.prod(shape[1:], dtype=object)) if len(shape) > 1 else int(shape[0]) if shape else 0
    if image_shape is not None and len(shape) == 1 + len(image_shape) and tuple(shape[1:]) != tuple(image_shape):
        raise ValueError(f"{path}: images of {'×'.join(map(str, shape[1:]))} but the model was trained on "
                         f"{'×'.join(map(str, image_shape))} images")
    if n_features is not None and d != n_features:
        pictured = f" ({'×'.join(map(str, shape[1:]))})" if len(shape) > 2 else ""
        raise ValueError(f"{path}: {name} have {d} features per sample{pictured} but the model expects {n_features}")


def _n_and_width(shape):
    """A 1-D array is one sample; otherwise the first axis counts samples and the rest are features."""
    if len(shape) == 1:
        return 1, int(shape[0])
    return int(shape[0]), int(np.prod(shape[1:], dtype=object))


def _rows_per_batch(row_bytes, batch_bytes):
    return max(1, min(1 << 16, batch_bytes // max(1, row_bytes)))


def _checked_batches(path, batches, dtype):
    start = 0
    for batch in batches:
        yield _checked(path, np.asarray(batch).astype(dtype.newbyteorder("="), copy=False), start)
        start += len(batch)


def _checked(path, batch, start):
    """One batch through the data boundary, a bad sample named by its row in the whole file."""
    if batch.dtype.byteorder not in ("=", "|"):
        batch = batch.astype(batch.dtype.newbyteorder("="))
    if np.issubdtype(batch.dtype, np.floating) and not np.isfinite(batch).all():
        row = int(np.nonzero(~np.isfinite(batch).all(axis=1))[0][0])
        raise ValueError(f"{path}: the inputs contain NaN or infinity (sample {start + row})")
    return check_features(path, batch)
