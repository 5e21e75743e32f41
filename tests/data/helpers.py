"""Small MNIST-format datasets written to disk for the tests."""

import numpy as np

from deltaprop.data.idx import write_idx

FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")


def tiny_mnist(directory, n_train=120, n_test=40, side=28, gz=True, seed=0, n_classes=10):
    """Write learnable fake MNIST files: each class is a bright block at its own place."""
    rng = np.random.default_rng(seed)
    directory.mkdir(parents=True, exist_ok=True)
    suffix = ".gz" if gz else ""
    for prefix, n in (("train", n_train), ("t10k", n_test)):
        labels = (np.arange(n) % n_classes).astype(np.uint8)
        images = rng.integers(0, 60, (n, side, side)).astype(np.uint8)
        for i, label in enumerate(labels):
            row = (label * side) // n_classes
            images[i, row:row + 3, :] = 250
        write_idx(directory / f"{prefix}-images-idx3-ubyte{suffix}", images)
        write_idx(directory / f"{prefix}-labels-idx1-ubyte{suffix}", labels)
    return directory
