"""One split of a labelled dataset for ``deltaprop evaluate``: the labels first, then the inputs in batches.

:func:`open_split` reads and checks the labels, and calls ``check_labels``
(which refuses labels that do not fit the model) before any input is read --
from an IDX label file, an ``.npz`` member or a CSV file's label column (a pass
over the file of its own) -- and then hands the inputs out a batch at a time
through :mod:`deltaprop.data.stream`'s readers.  Every error names the file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from ..io.safe_read import npz_headers, read_npz
from . import stream
from .checks import check_features_header, check_targets
from .csv_stream import scan_csv
from .datasets import NAMED_DATASETS, find_files, image_check, read_label_files
from .loaders import NPZ_KEYS, load_data
from .stream import Inputs, _check_width, _idx_inputs, _npz_inputs, _rows_per_batch


@dataclass
class Split:
    """One split of a dataset for ``evaluate``: its labels (in memory, small) and its inputs in batches."""

    name: str
    part: str                 # "train" or "test"
    y: np.ndarray
    inputs: Inputs


def open_split(spec, part="test", *, n_features=None, data_dir=None, label_column=None, n_samples=1000, seed=0,
               check_labels=None, batch_bytes=None):
    """The labels of ``spec``'s ``part`` (``"test"`` when it has one, else ``"train"``) and its inputs in batches.

    As :func:`deltaprop.data.loaders.load_data`, labels are read and checked and
    ``check_labels(y_train, y_test)`` called first; then, for the named IDX
    datasets and ``.npz`` files, only the headers of the inputs are read (their
    width checked against ``n_features``) and the rows stream in batches; a CSV
    file's label column is read in a first pass, its inputs in batches after.
    The synthetic sets are made whole (their size is what it is).
    """
    batch_bytes = batch_bytes or stream.BATCH_BYTES
    check_labels = check_labels or (lambda y_train, y_test: None)
    key, path = str(spec).strip().lower(), os.fspath(spec)

    def width(expect=None):
        def check(shape, what="the inputs"):
            if expect is not None:
                expect(shape)
            _check_width(path, shape, n_features, None, what)
        return check

    if key in NAMED_DATASETS:
        files = find_files(key, data_dir)
        labels = read_label_files(files)
        check_labels(labels["train_labels"], labels["test_labels"])
        part = "test" if part == "test" else "train"
        y = labels[f"{part}_labels"]
        expect = image_check(key, files, part, len(y))
        return Split(key, part, y, _idx_inputs(str(files[f"{part}_images"]), width(expect), batch_bytes))
    if path.lower().endswith(".npz") and os.path.exists(path):
        return _npz_split(path, part, width, check_labels, batch_bytes)
    if path.lower().endswith(".csv") and os.path.exists(path):
        return _csv_split(path, label_column, width(), check_labels, batch_bytes)
    data = load_data(spec, data_dir=data_dir, label_column=label_column, n_samples=n_samples, seed=seed,
                     check_labels=check_labels)
    part = "test" if part == "test" and data.X_test is not None else "train"
    X, y = (data.X_test, data.y_test) if part == "test" else (data.X_train, data.y_train)
    width()(X.shape)
    rows = _rows_per_batch(X.shape[1] * X.itemsize, batch_bytes)
    return Split(data.name, part, y, Inputs(path, X.shape[0], X.shape[1],
                                            lambda: (X[start:start + rows] for start in range(0, len(X), rows))))


def _npz_split(path, part, width, check_labels, batch_bytes):
    """An ``.npz``'s labels (``y``; ``y_test`` with ``X_test``) checked, then ``part``'s inputs in batches."""
    headers = npz_headers(path, "data file")
    pair = next(((x, y) for x, y in NPZ_KEYS if x in headers and y in headers), None)
    if pair is None:
        raise ValueError(f"{path}: expected arrays 'X' and 'y' (or 'X_train' and 'y_train'); "
                         f"found {', '.join(headers) or 'none'}")
    x_test = next((k for k in ("X_test", "x_test") if k in headers and "y_test" in headers), None)
    for name in (pair[0], x_test):
        if name is not None:
            check_features_header(path, headers[name][0], headers[name][2], f"array {name!r}")
    wanted = (pair[1], "y_test") if x_test else (pair[1],)
    labels = {k: check_targets(path, v, len(v), "test labels" if k == "y_test" else "train labels")
              for k, v in read_npz(path, "data file", names=wanted).items()}
    check_labels(labels[pair[1]], labels.get("y_test"))
    x_name, y_name, part = (x_test, "y_test", "test") if part == "test" and x_test else (*pair, "train")
    y = labels[y_name]

    def rows_match(shape):
        if (int(shape[0]) if len(shape) > 1 else 1) != len(y):
            raise ValueError(f"{path}: {int(shape[0]) if len(shape) > 1 else 1} samples in {x_name!r} but "
                             f"{len(y)} labels in {y_name!r}; they must match")
    inputs = _npz_inputs(path, width(rows_match), batch_bytes, names=(x_name,))
    return Split(os.path.basename(path), part, y, inputs)


def _csv_split(path, label_column, check_shape, check_labels, batch_bytes):
    """A CSV file's labels (a pass of their own, checked), then its inputs in batches: its only split, "train"."""
    table = scan_csv(path, label_column)
    rows = _rows_per_batch(table.n_features * 8, batch_bytes)
    y = check_targets(path, table.labels(rows), table.n_rows, "labels")
    check_labels(y, None)
    check_shape((table.n_rows, table.n_features))
    return Split(os.path.basename(path), "train", y, Inputs(path, table.n_rows, table.n_features,
                                                            lambda: table.batches(rows)))
