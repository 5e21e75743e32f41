"""Benchmark data: Fashion-MNIST from the IDX files when present, else synthetic data of the same shapes.

Images become float32 in [0, 1] (60,000 × 784 for training, 10,000 × 784 for
``predict``); labels are int64 class indices 0..9.  The conversion is done
without float64 temporaries so the benchmark's peak memory reflects training,
not loading.
"""

from __future__ import annotations

import gzip
import os

import numpy as np

FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist"
FILES = {
    "train_images": "train-images-idx3-ubyte.gz",
    "train_labels": "train-labels-idx1-ubyte.gz",
    "test_images": "t10k-images-idx3-ubyte.gz",
    "test_labels": "t10k-labels-idx1-ubyte.gz",
}
N_FEATURES, N_CLASSES = 784, 10


def _read_idx(path):
    """An IDX array; deltaprop's own reader when the data package has it, else a few lines of NumPy."""
    try:
        from deltaprop.data.idx import read_idx
    except ImportError:
        read_idx = None
    if read_idx is not None:
        return np.asarray(read_idx(path))
    with gzip.open(path, "rb") as handle:
        payload = handle.read()
    ndim = payload[3]
    shape = tuple(int.from_bytes(payload[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim))
    return np.frombuffer(payload, np.uint8, offset=4 + 4 * ndim).reshape(shape)


def _images_to_float32(images):
    X = np.empty((images.shape[0], N_FEATURES), np.float32)
    np.multiply(images.reshape(images.shape[0], -1), np.float32(1.0 / 255.0), out=X, casting="unsafe")
    return X


def fashion_mnist_available(directory=FASHION_MNIST_DIR):
    return all(os.path.exists(os.path.join(directory, name)) for name in FILES.values())


def load(source="auto", n_train=None, seed=0, directory=FASHION_MNIST_DIR):
    """Return ``(name, X_train, y_train, X_test, y_test)``.

    Parameters
    ----------
    source : {"auto", "fashion-mnist", "synthetic"}
        ``auto`` uses Fashion-MNIST when its files exist.
    n_train : int, optional
        Keep only the first ``n_train`` training samples (quick runs).
    """
    if source not in ("auto", "fashion-mnist", "synthetic"):
        raise ValueError(f"unknown data source {source!r}; valid: auto, fashion-mnist, synthetic")
    if source == "fashion-mnist" and not fashion_mnist_available(directory):
        raise OSError(f"Fashion-MNIST IDX files not found in {directory}")
    if source != "synthetic" and fashion_mnist_available(directory):
        path = lambda key: os.path.join(directory, FILES[key])   # noqa: E731
        train_images = _read_idx(path("train_images"))
        if n_train is not None:
            train_images = train_images[:n_train]
        X_train = _images_to_float32(train_images)
        del train_images
        y_train = _read_idx(path("train_labels"))[:X_train.shape[0]].astype(np.int64)
        X_test = _images_to_float32(_read_idx(path("test_images")))
        y_test = _read_idx(path("test_labels")).astype(np.int64)
        return "Fashion-MNIST", X_train, y_train, X_test, y_test
    return ("synthetic",) + synthetic(60_000 if n_train is None else n_train, 10_000, seed)


def synthetic(n_train, n_test, seed=0):
    """Ten noisy class prototypes in [0, 1]^784: learnable, same shapes and dtype as Fashion-MNIST."""
    rng = np.random.default_rng(seed)
    prototypes = rng.random((N_CLASSES, N_FEATURES), dtype=np.float32)
    out = []
    for n in (n_train, n_test):
        labels = rng.integers(0, N_CLASSES, n)
        X = rng.random((n, N_FEATURES), dtype=np.float32)
        X *= 0.5
        X += 0.5 * prototypes[labels]
        out += [X, labels.astype(np.int64)]
    return tuple(out)
