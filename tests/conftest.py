"""Shared test set-up.

PyTorch oracle tests use the ``torch`` fixture.  ``make test`` (and CI) sets
``DELTAPROP_REQUIRE_TORCH=1``: a missing torch then fails instead of skipping.
"""

import os

import numpy as np
import pytest


@pytest.fixture(scope="session")
def torch():
    try:
        import torch as _torch
    except ImportError:
        if os.environ.get("DELTAPROP_REQUIRE_TORCH") == "1":
            pytest.fail("PyTorch is required (DELTAPROP_REQUIRE_TORCH=1): pip install torch==2.13.0")
        pytest.skip("PyTorch not installed")
    _torch.set_default_dtype(_torch.float64)
    return _torch


@pytest.fixture
def rng():
    return np.random.default_rng(12345)
