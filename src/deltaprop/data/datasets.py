"""Named MNIST-format datasets (``mnist``, ``fashion-mnist``) read from IDX files.

Each dataset is four standard files, ``.gz`` or raw::

    train-images-idx3-ubyte  train-labels-idx1-ubyte  t10k-images-idx3-ubyte  t10k-labels-idx1-ubyte

They are looked for in ``data_dir`` when given (also ``data_dir/<name>``),
else in the download cache (:func:`cache_dir`) and, for Fashion-MNIST, in
``/usr/share/datasets/fashion-mnist/`` (Debian package ``dataset-fashion-mnist``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .checks import check_targets
from .idx import read_idx

STANDARD_FILES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}
SYSTEM_DIRS = {"mnist": [], "fashion-mnist": ["/usr/share/datasets/fashion-mnist"]}
NAMED_DATASETS = tuple(SYSTEM_DIRS)
CLASS_NAMES = {
    "mnist": [str(d) for d in range(10)],
    "fashion-mnist": ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
                      "Bag", "Ankle boot"],
}


@dataclass
class Dataset:
    """Training (and optionally test) arrays: ``X`` is ``(n, d)``, ``y`` labels ``(n,)`` or targets ``(n, k)``."""

    name: str
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray | None = None
    y_test: np.ndarray | None = None
    class_names: list = field(default_factory=list)
    pixel_max: float | None = None      # 255 for images: inputs are scaled by it
    image_shape: tuple | None = None    # (28, 28) for MNIST-format images


def cache_dir():
    """Where ``deltaprop download`` stores datasets: ``$DELTAPROP_DATA``, else ``~/.cache/deltaprop``."""
    env = os.environ.get("DELTAPROP_DATA")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "deltaprop"


def find_files(name, data_dir=None):
    """Paths of the four standard files of dataset ``name``; ``FileNotFoundError`` saying where it looked."""
    if name not in SYSTEM_DIRS:
        raise ValueError(f"unknown dataset {name!r}; valid: {', '.join(NAMED_DATASETS)}")
    if data_dir is not None:
        candidates = [Path(data_dir), Path(data_dir) / name]
    else:
        candidates = [cache_dir() / name] + [Path(d) for d in SYSTEM_DIRS[name]]
    for directory in candidates:
        found = {key: _find_one(directory, stem) for key, stem in STANDARD_FILES.items()}
        if all(found.values()):
            return found
    looked = ", ".join(str(d) for d in candidates)
    hint = f"run `deltaprop download {name}`"
    if name == "fashion-mnist":
        hint += " or install the Debian package dataset-fashion-mnist"
    raise FileNotFoundError(f"{name} not found: looked for {STANDARD_FILES['train_images']}[.gz] and the other "
                            f"three standard files in {looked}; {hint}, or pass --data-dir DIR")


def _find_one(directory, stem):
    for candidate in (directory / stem, directory / f"{stem}.gz"):
        if candidate.is_file():
            return candidate
    return None


def load_mnist_format(name, data_dir=None, check_labels=None):
    """Load ``mnist`` or ``fashion-mnist``: images flattened to ``(n, 784)`` uint8, labels ``(n,)`` int64.

    The label files are read and checked first, and ``check_labels(y_train, y_test)`` called,
    before any image file is read (or decompressed).
    """
    files = find_files(name, data_dir)
    arrays = read_label_files(files)
    if check_labels is not None:
        check_labels(arrays["train_labels"], arrays["test_labels"])
    for part in ("train", "test"):
        expect = image_check(name, files, part, len(arrays[f"{part}_labels"]))
        images = read_idx(files[f"{part}_images"], expect=expect)
        arrays[f"{part}_images"] = images.reshape(images.shape[0], -1)
    return Dataset(name, arrays["train_images"], arrays["train_labels"], arrays["test_images"],
                   arrays["test_labels"], class_names=list(CLASS_NAMES[name]), pixel_max=255.0, image_shape=(28, 28))


def read_label_files(files):
    """``{"train_labels": (n,) int64, "test_labels": ...}`` from the two label files, each checked."""
    arrays = {}
    for part in ("train", "test"):
        path = files[f"{part}_labels"]
        labels = read_idx(path)
        if labels.ndim != 1:
            raise ValueError(f"{path}: expected labels (n,), got shape {labels.shape}")
        labels = check_targets(str(path), labels, len(labels))
        if labels.ndim != 1:
            raise ValueError(f"{path}: labels must be whole numbers (class indices)")
        arrays[f"{part}_labels"] = np.asarray(labels, dtype=np.int64)
    return arrays


def image_check(name, files, part, n_labels):
    """The check of an images file's header (before its data is read): ``n_labels`` images of 28×28."""
    image_path = files[f"{part}_images"]

    def expect(shape):
        if len(shape) < 2:
            raise ValueError(f"{image_path}: expected images (n, rows, cols), got shape {shape}")
        if shape[0] != n_labels:
            raise ValueError(f"{name}: {image_path} has {shape[0]} images but {files[f'{part}_labels']} has "
                             f"{n_labels} labels; they must match")
        if tuple(shape[1:]) != (28, 28):
            raise ValueError(f"{image_path}: {name} images are 28×28, got {'×'.join(map(str, shape[1:]))}")
    return expect
