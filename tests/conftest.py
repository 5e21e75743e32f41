"""Shared test set-up.

PyTorch oracle tests use the ``torch`` fixture.  ``make test`` (and CI) sets
``DELTAPROP_REQUIRE_TORCH=1``: a missing torch then fails instead of skipping.
"""

import os

import numpy as np
import pytest
from hypothesis import settings

# Property tests draw the same examples on every run (make test, CI, a fresh clone): a failure can be replayed, and a
# green run stays green.  HYPOTHESIS_PROFILE=explore draws new random examples, to look for more.
settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("explore")
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


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


# Flags the machine needs: no sandbox as root, no GPU, and no background
# networking (the closed network here refuses Google's hosts).
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    """A real headless Debian Chromium driven by Playwright (never a downloaded browser).

    With ``DELTAPROP_REQUIRE_BROWSER=1`` (``make test``, CI) a missing Chromium
    or Playwright fails the test with a clear message instead of skipping.
    """
    required = os.environ.get("DELTAPROP_REQUIRE_BROWSER") == "1"
    problem = None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        problem = "the Playwright Python package is missing (pip install playwright)"
    if problem is None and not os.path.exists(CHROMIUM):
        problem = f"{CHROMIUM} is missing (run scripts/ensure-test-system.sh, or apt-get install chromium fonts-noto-cjk)"
    if problem:
        (pytest.fail if required else pytest.skip)(f"browser tests need Chromium: {problem}")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def output_dir():
    """``test-output/`` at the repository root, for screenshots worth looking at."""
    path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "test-output")
    os.makedirs(path, exist_ok=True)
    return path
