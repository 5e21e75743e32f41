"""``benchmarks/bench.py --quick`` runs end to end on small synthetic data (a smoke test, no timing assertions)."""

import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BENCH = os.path.join(ROOT, "benchmarks", "bench.py")


def _bench(tmp_path, *args):
    out = tmp_path / "bench.json"
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    proc = subprocess.run([sys.executable, BENCH, "--quick", "--data", "synthetic", "--samples", "300",
                           "--json", str(out), *args], capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout, json.loads(out.read_text())


def test_quick_bench_numpy_engines(tmp_path):
    stdout, report = _bench(tmp_path, "--configs", "A/10,B/32", "--engines", "deltaprop,nielsen,floor")
    assert report["meta"]["data"] == "synthetic" and report["meta"]["n_train"] == 300
    a, b = report["runs"]
    assert set(a["seconds"]) == {"deltaprop", "nielsen", "floor"}
    assert set(b["seconds"]) == {"deltaprop", "floor"}                # Nielsen's loop is config A only
    assert all(s > 0 for run in report["runs"] for s in run["seconds"].values())
    assert a["details"]["deltaprop"]["predict_ms"] > 0
    assert a["memory"]["peak_rss_mb"] > a["memory"]["data_mb"] > 0
    statuses = {t["target"]: t["status"] for t in report["targets"]}
    assert statuses["A/10: deltaprop ≤ 0.15 × PyTorch"] == "SKIP"     # torch not run
    assert {"PASS", "MISS"} & set(statuses.values())
    assert "| A | 10 |" in stdout and "targets met" in stdout


def test_quick_bench_reference_engines(tmp_path, torch):
    pytest.importorskip("sklearn")
    _, report = _bench(tmp_path, "--configs", "A/10", "--engines", "deltaprop,torch,sklearn")
    run = report["runs"][0]
    assert set(run["seconds"]) == {"deltaprop", "torch", "sklearn"}
    assert run["details"]["torch"]["threads"] >= 1
    assert "softmax" in run["details"]["sklearn"]["note"]
    names = [t["target"] for t in report["targets"]]
    assert "A/10: deltaprop ≤ 0.5 × scikit-learn" in names


def test_bad_config_is_one_line_error(tmp_path):
    proc = subprocess.run([sys.executable, BENCH, "--quick", "--configs", "Z/10"], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode != 0
    assert "bad config 'Z/10'" in proc.stderr and "Traceback" not in proc.stderr


def test_a_failed_engine_fails_the_run(tmp_path):
    """A benchmark that could not run an engine it was asked for must not exit 0 with a table of dashes."""
    broken = tmp_path / "site" / "deltaprop"
    broken.mkdir(parents=True)
    (broken / "__init__.py").write_text("raise ImportError('deltaprop is not installed in this Python')\n")
    env = dict(os.environ, PYTHONPATH=str(tmp_path / "site"))
    proc = subprocess.run([sys.executable, BENCH, "--quick", "--engines", "deltaprop"], capture_output=True,
                          text=True, timeout=60, env=env)
    assert proc.returncode == 1
    assert "FAILED" in proc.stdout and "engine run(s) failed: A/10 deltaprop, B/128 deltaprop" in proc.stderr


def test_quick_names_the_host(tmp_path):
    stdout, report = _bench(tmp_path, "--configs", "A/10", "--engines", "floor,deltaprop")
    assert report["meta"]["cpu"] and report["meta"]["blas"]
    limits = report["meta"]["limits"]
    assert limits["gemm_gflops"]["float32"] > 0 and limits["bandwidth_gbs"] > 0
    assert "machine: GEMM peak" in stdout and "benchmark environment:" in stdout
    assert "kernel" in report["meta"]["kernels"]["deltaprop"]               # threadpoolctl's architecture
    run = report["runs"][0]
    assert 0 < run["limit_s"] and "% |" in stdout
    assert stdout.startswith("  A/10") or "host: " in stdout
    assert "rankings between engines move with the host" in stdout


def test_variants_compares_compiled_settings_in_one_process():
    """``benchmarks/variants.py`` times each setting of ``deltaprop.fast.compiled_epoch`` and prints its ratio to the first."""
    script = os.path.join(ROOT, "benchmarks", "variants.py")
    proc = subprocess.run([sys.executable, script, "A/10", "--set", "THREADS=1", "--set", "THREADS=2,THREAD0_SHARE=0.6",
                           "--epochs", "2", "--data", "synthetic", "--samples", "600"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 2 and lines[0].startswith("THREADS=1 ") and lines[1].startswith("THREADS=2,THREAD0_SHARE=0.6")
    assert "ratio to THREADS=1: 1.000 / 1.000" in lines[0]


def test_the_host_overrides_are_removed_for_the_benchmark_only():
    """``machine.clean_environment`` works on a copy: the benchmark's workers get an environment without
    OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE; this process's environment is not touched."""
    sys.path.insert(0, os.path.join(ROOT, "benchmarks"))
    import machine
    before = dict(os.environ)
    env, removed = machine.clean_environment({"OPENBLAS_CORETYPE": "Haswell", "OPENBLAS_L2_SIZE": "1048576",
                                              "PATH": "/bin"})
    assert env == {"PATH": "/bin"} and removed == {"OPENBLAS_CORETYPE": "Haswell", "OPENBLAS_L2_SIZE": "1048576"}
    assert dict(os.environ) == before


def test_gemm_comparison_runs_and_checks_results(tmp_path):
    """``benchmarks/gemm.py`` with whatever candidates are installed (at least NumPy's): every shape of a C/256
    batch, each candidate checked equal to the float64 product before it is timed."""
    proc = subprocess.run([sys.executable, os.path.join(ROOT, "benchmarks", "gemm.py"), "--rounds", "1",
                           "--repeats", "1", "--dtypes", "float32"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "candidates: numpy" in proc.stdout and "| forward 1" in proc.stdout and "one batch's five products" in \
        proc.stdout
