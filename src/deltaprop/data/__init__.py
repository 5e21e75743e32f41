"""Datasets: synthetic 2-D sets (and, with the training tool, IDX/CSV/NPZ files)."""

from .synthetic import SYNTHETIC_DATASETS, make_dataset

__all__ = ["SYNTHETIC_DATASETS", "make_dataset"]
