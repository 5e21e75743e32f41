"""``benchmarks/orientation.py``: both ways round of the forward GEMM are timed and checked equal, and the table says
which way the compiled kernel takes (no timing assertions: the rule's measurements are in docs/performance.md)."""

import os
import re
import subprocess
import sys

import pytest

from deltaprop.fast import blas_gemm

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
pytestmark = pytest.mark.skipif(not blas_gemm.available(), reason="NumPy's bundled OpenBLAS is needed")


def test_the_rule_takes_the_longer_side_as_rows_and_in_float64_only_for_small_batches():
    from deltaprop.fast.compiled_kernels import transposed_forward
    assert transposed_forward(32, 256, 4) and transposed_forward(1, 2, 4) and transposed_forward(256, 1024, 4)
    assert not transposed_forward(256, 256, 4) and not transposed_forward(1024, 30, 4)
    assert transposed_forward(32, 256, 8) and transposed_forward(64, 65, 8)
    assert not transposed_forward(128, 1024, 8) and not transposed_forward(32, 32, 8)


def test_quick_run_prints_both_ways_for_every_shape_and_dtype():
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    proc = subprocess.run([sys.executable, os.path.join(ROOT, "benchmarks", "orientation.py"), "--quick",
                           "--rounds", "1"], capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 0, proc.stderr
    rows = re.findall(r"^\| (\d+) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \| ([\d.]+) \| (bitwise|to rounding) \| "
                      r"(W Aᵀ|A Wᵀ) \| (yes|NO) \|$", proc.stdout, re.M)
    assert [(int(m), int(n)) for m, n, *_ in rows] == [(32, 256), (128, 30), (256, 1024)] * 2
    assert [taken for *_, taken, _ in rows] == ["W Aᵀ", "A Wᵀ", "W Aᵀ", "W Aᵀ", "A Wᵀ", "A Wᵀ"]
    assert all(float(ratio) > 0 for *_, ratio, _, _, _ in rows)
    assert proc.stdout.count("the kernel's way was the faster one") == 2
