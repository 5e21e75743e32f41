import pytest

from tests.core.fit_cases import three_blobs


@pytest.fixture(scope="module")
def blobs():
    """Three blobs, split 180 / 60 (tests/core/fit_cases.py)."""
    return three_blobs()
