"""One entry point for every data source the CLI accepts: ``load_data(spec)``.

``spec`` is a dataset name (``mnist``, ``fashion-mnist``, ``xor``, ``circles``,
``moons``, ``spirals``, ``blobs``, ``regression``) or a path to a ``.csv``,
``.npz`` or IDX file.
"""

from __future__ import annotations

import os

import numpy as np

from .csv import read_csv
from .datasets import NAMED_DATASETS, Dataset, load_mnist_format
from .idx import read_idx
from .synthetic import SYNTHETIC_DATASETS, make_dataset

NPZ_KEYS = (("X", "y"), ("x", "y"), ("X_train", "y_train"), ("x_train", "y_train"))


def load_data(spec, *, data_dir=None, label_column=None, n_samples=1000, seed=0):
    """Load ``spec`` as a :class:`~deltaprop.data.datasets.Dataset`.

    Synthetic sets get ``n_samples`` training points (seed ``seed``) and half
    as many test points (seed ``seed + 1``).  CSV and NPZ files provide a test
    split only when the NPZ has ``X_test``/``y_test``.
    """
    key = str(spec).strip().lower()
    if key in NAMED_DATASETS:
        return load_mnist_format(key, data_dir)
    if key in SYNTHETIC_DATASETS:
        X, y = make_dataset(key, n_samples, seed=seed)
        X_test, y_test = make_dataset(key, max(1, n_samples // 2), seed=seed + 1)
        return Dataset(key, X, y, X_test, y_test)
    path = str(spec)
    if not os.path.exists(path):
        valid = ", ".join(NAMED_DATASETS + tuple(SYNTHETIC_DATASETS))
        raise FileNotFoundError(f"no dataset named {spec!r} and no such file; valid names: {valid}, "
                                f"or a path to a .csv, .npz or IDX file")
    if path.lower().endswith(".csv"):
        X, y, _ = read_csv(path, label_column)
        return Dataset(os.path.basename(path), X, y)
    if path.lower().endswith(".npz"):
        return load_npz(path)
    raise ValueError(f"{path}: unsupported data file; use a .csv or .npz file or a dataset name")


def load_npz(path):
    """A dataset from an ``.npz`` with ``X``/``y`` (or ``X_train``/``y_train``, optional ``X_test``/``y_test``)."""
    arrays = read_npz(path)
    for x_key, y_key in NPZ_KEYS:
        if x_key in arrays and y_key in arrays:
            X, y = arrays[x_key], arrays[y_key]
            X_test, y_test = arrays.get("X_test", arrays.get("x_test")), arrays.get("y_test")
            break
    else:
        raise ValueError(f"{path}: expected arrays 'X' and 'y' (or 'X_train' and 'y_train'); "
                         f"found {', '.join(arrays) or 'none'}")
    data = Dataset(os.path.basename(path), *_checked(path, X, y, "train"))
    if X_test is not None and y_test is not None:
        data.X_test, data.y_test = _checked(path, X_test, y_test, "test")
    return data


def read_npz(path):
    """All arrays of an ``.npz`` file (never unpickling); a clear error for anything else."""
    try:
        with np.load(path, allow_pickle=False) as archive:
            return {name: archive[name] for name in archive.files}
    except ValueError as exc:
        if "allow_pickle" in str(exc):
            raise ValueError(f"{path}: contains an object array (pickled data), which is refused") from None
        raise ValueError(f"{path}: not a valid .npz file ({exc})") from None
    except (OSError, EOFError) as exc:
        raise ValueError(f"{path}: not a valid .npz file ({exc})") from None
    except Exception as exc:        # zipfile.BadZipFile and friends from a corrupt archive
        raise ValueError(f"{path}: corrupt .npz file ({type(exc).__name__}: {exc})") from None


def read_inputs(path):
    """Feature rows ``(n, d)`` from an IDX, CSV (a ``label`` column is dropped) or NPZ (``X``) file."""
    path = str(path)
    lower = path.lower()
    if lower.endswith(".csv"):
        X, _, _ = read_csv(path, require_label=False)
    elif lower.endswith(".npz"):
        arrays = read_npz(path)
        key = next((k for k in ("X", "x", "X_test", "x_test") if k in arrays), None)
        if key is None:
            raise ValueError(f"{path}: expected an array named 'X'; found {', '.join(arrays) or 'none'}")
        X = arrays[key]
    else:
        X = read_idx(path)
    X = np.asarray(X)
    if X.ndim == 1:
        X = X[None, :]
    return X.reshape(X.shape[0], -1)


def _checked(path, X, y, part):
    X, y = np.asarray(X), np.asarray(y)
    if not (np.issubdtype(X.dtype, np.number) and np.issubdtype(y.dtype, np.number)):
        raise ValueError(f"{path}: {part} arrays must be numeric, got {X.dtype} and {y.dtype}")
    X = X.reshape(X.shape[0], -1) if X.ndim != 2 else X
    if X.shape[0] != y.shape[0]:
        raise ValueError(f"{path}: {X.shape[0]} {part} samples but {y.shape[0]} labels; they must match")
    if y.ndim == 1 and np.issubdtype(y.dtype, np.floating) and np.all(np.mod(y, 1) == 0):
        y = y.astype(np.int64)
    return X, y
