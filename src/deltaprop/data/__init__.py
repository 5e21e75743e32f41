"""Datasets: synthetic 2-D sets, IDX (MNIST format), CSV and NPZ files, downloads, preprocessing."""

from .csv import read_csv
from .datasets import NAMED_DATASETS, Dataset, cache_dir, load_mnist_format
from .download import download_dataset, download_file
from .idx import read_idx, write_idx
from .loaders import load_data, load_npz, read_inputs
from .synthetic import SYNTHETIC_DATASETS, make_dataset

__all__ = ["Dataset", "NAMED_DATASETS", "SYNTHETIC_DATASETS", "cache_dir", "download_dataset", "download_file",
           "load_data", "load_mnist_format", "load_npz", "make_dataset", "read_csv", "read_idx", "read_inputs",
           "write_idx"]
