"""One entry point for every data source the CLI accepts: ``load_data(spec)``.

``spec`` is a dataset name (``mnist``, ``fashion-mnist``, ``xor``, ``circles``,
``moons``, ``spirals``, ``blobs``, ``regression``) or a path to a ``.csv``,
``.npz`` or IDX file.
"""

from __future__ import annotations

import os

import numpy as np

from ..io.safe_read import npz_headers, read_npz as _read_npz
from .checks import check_dataset, check_features, check_features_header, check_targets
from .csv import read_csv
from .datasets import NAMED_DATASETS, Dataset, load_mnist_format
from .idx import read_idx
from .synthetic import SYNTHETIC_DATASETS, make_dataset

NPZ_KEYS = (("X", "y"), ("x", "y"), ("X_train", "y_train"), ("x_train", "y_train"))


def load_data(spec, *, data_dir=None, label_column=None, n_samples=1000, seed=0, check_labels=None):
    """Load ``spec`` as a :class:`~deltaprop.data.datasets.Dataset`.

    Synthetic sets get ``n_samples`` training points (seed ``seed``) and half
    as many test points (seed ``seed + 1``).  CSV and NPZ files provide a test
    split only when the NPZ has ``X_test``/``y_test``.

    ``check_labels(y_train, y_test)`` (``y_test`` may be None) is called as soon
    as the labels are read and checked -- for NPZ and IDX files before the
    features are decompressed -- so a command can refuse the labels (one class,
    classes skipped) without paying for the inputs.
    """
    check_labels = check_labels or (lambda y_train, y_test: None)
    key = str(spec).strip().lower()
    if key in NAMED_DATASETS:
        return load_mnist_format(key, data_dir, check_labels=check_labels)
    if key in SYNTHETIC_DATASETS:
        X, y = make_dataset(key, n_samples, seed=seed)
        X_test, y_test = make_dataset(key, max(1, n_samples // 2), seed=seed + 1)
        check_labels(y, y_test)
        return Dataset(key, X, y, X_test, y_test)
    path = str(spec)
    if not os.path.exists(path):
        valid = ", ".join(NAMED_DATASETS + tuple(SYNTHETIC_DATASETS))
        raise FileNotFoundError(f"no dataset named {spec!r} and no such file; valid names: {valid}, "
                                f"or a path to a .csv, .npz or IDX file")
    if path.lower().endswith(".csv"):
        X, y, _ = read_csv(path, label_column)
        data = Dataset(os.path.basename(path), *check_dataset(path, X, y))
        check_labels(data.y_train, None)
        return data
    if path.lower().endswith(".npz"):
        return load_npz(path, check_labels)
    raise ValueError(f"{path}: unsupported data file; use a .csv or .npz file or a dataset name")


def load_npz(path, check_labels=None):
    """A dataset from an ``.npz`` with ``X``/``y`` (or ``X_train``/``y_train``, optional ``X_test``/``y_test``).

    The labels are read, checked and passed to ``check_labels(y_train, y_test)``
    before the features are decompressed (a zip bomb behind invalid labels costs nothing).
    """
    headers = npz_headers(path, "data file")
    for x_key, y_key in NPZ_KEYS:
        if x_key in headers and y_key in headers:
            break
    else:
        raise ValueError(f"{path}: expected arrays 'X' and 'y' (or 'X_train' and 'y_train'); "
                         f"found {', '.join(headers) or 'none'}")
    x_test_key = next((k for k in ("X_test", "x_test") if k in headers), None)
    has_test = x_test_key is not None and "y_test" in headers
    for name, part in ((x_key, "train inputs"), (x_test_key if has_test else None, "test inputs")):
        if name is not None:
            check_features_header(path, headers[name][0], headers[name][2], part)
    labels = _read_npz(path, "data file", names=(y_key, "y_test") if has_test else (y_key,))
    for name, x_name in ((y_key, x_key), ("y_test", x_test_key)):
        if name in labels:
            n = _rows(headers[x_name][0])
            labels[name] = check_targets(path, labels[name], n, "train labels" if name == y_key else "test labels")
    if check_labels is not None:
        check_labels(labels[y_key], labels.get("y_test") if has_test else None)
    arrays = _read_npz(path, "data file", names=(x_key, x_test_key) if has_test else (x_key,))
    data = Dataset(os.path.basename(path), *_checked(path, arrays[x_key], labels[y_key], "train"))
    if has_test:
        data.X_test, data.y_test = _checked(path, arrays[x_test_key], labels["y_test"], "test")
    return data


def _rows(shape):
    return int(shape[0]) if len(shape) else 1


def read_npz(path):
    """All arrays of an ``.npz`` file (never unpickling); a clear error for anything else."""
    return _read_npz(path, "data file")


def read_inputs(path, n_features=None, image_shape=None):
    """Feature rows ``(n, d)`` from an IDX, CSV (a ``label`` column is dropped) or NPZ (``X``) file.

    With ``n_features`` (the model's input size), an IDX or NPZ file whose
    header declares another number of features is refused before its data is
    read or decompressed; with ``image_shape`` (e.g. ``(28, 28)``) an IDX file of
    images of another shape is refused even when the pixel count agrees.
    """
    path = str(path)
    lower = path.lower()

    def features(shape, name="the inputs"):
        d = int(np.prod(shape[1:], dtype=object)) if len(shape) > 1 else int(shape[0]) if shape else 0
        if image_shape is not None and len(shape) == 1 + len(image_shape) and tuple(shape[1:]) != image_shape:
            raise ValueError(f"{path}: images of {'×'.join(map(str, shape[1:]))} but the model was trained on "
                             f"{'×'.join(map(str, image_shape))} images")
        if n_features is not None and d != n_features:
            raise ValueError(f"{path}: {name} have {d} features per sample ({'×'.join(map(str, shape[1:])) or d}) "
                             f"but the model expects {n_features}")

    if lower.endswith(".csv"):
        X, _, _ = read_csv(path, require_label=False)
    elif lower.endswith(".npz"):
        arrays = _read_npz(path, "data file",
                           expect=lambda name, shape, dtype: features(shape, f"array {name!r}")
                           if name in ("X", "x", "X_test", "x_test") else None)
        key = next((k for k in ("X", "x", "X_test", "x_test") if k in arrays), None)
        if key is None:
            raise ValueError(f"{path}: expected an array named 'X'; found {', '.join(arrays) or 'none'}")
        X = arrays[key]
    else:
        X = read_idx(path, expect=features)
    X = np.asarray(X)
    if X.ndim == 1:
        X = X[None, :]
    return check_features(path, X)


def _checked(path, X, y, part):
    return check_dataset(path, X, y, part)
