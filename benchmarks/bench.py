"""Side-by-side training benchmark: deltaprop vs PyTorch eager, scikit-learn, Nielsen's loop and the matmul floor.

    python benchmarks/bench.py                 # full run on Fashion-MNIST (a few minutes)
    python benchmarks/bench.py --quick         # smoke run: synthetic data, two configs, deltaprop and the floor (< 15 s)
    python benchmarks/bench.py --json out.json --configs A/10,B/32 --engines deltaprop,torch,floor

Every (config, engine) pair runs in its own Python process, so the peak
memory reported for deltaprop is deltaprop's alone (PyTorch alone adds
hundreds of MB).  Seconds per epoch are medians over ``--epochs`` epochs after
``--warmup`` warm-up epochs; every ratio in the targets compares figures from
this one run.  On a shared (virtual) machine, ``--rounds R`` runs every engine
of a config R times, interleaved, and keeps each engine's fastest median.  ``--threads N`` sets OPENBLAS_NUM_THREADS / OMP_NUM_THREADS in
the workers; PyTorch always uses NumPy's BLAS thread count.

The benchmark runs with ``OPENBLAS_CORETYPE`` and ``OPENBLAS_L2_SIZE`` unset (it restarts itself without them and
says so): some hosts set them for old OpenBLAS builds, they force slower kernels on a current NumPy, and users'
machines do not set them.  It prints the BLAS kernel each engine ran on (threadpoolctl's ``architecture``), the
machine's measured GEMM peak and memory bandwidth, and each deltaprop cell as a fraction of the physical limit:
``max(FLOPs / GEMM peak, input bytes / bandwidth) / time`` (1 = at the limit).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

import machine

HERE = os.path.dirname(os.path.abspath(__file__))
RUNS = ["A/10", "A/128", "B/32", "B/128", "B/1024", "C/256"]
ENGINE_ORDER = ["deltaprop", "deltaprop-numpy", "jax", "torch", "sklearn", "nielsen", "floor"]
NIELSEN_CONFIGS = {"A"}         # Nielsen's network.py: sigmoid + quadratic only
QUICK_SAMPLES = 2000
QUICK_CONFIGS = "A/10,B/128"
QUICK_ENGINES = "deltaprop,floor"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help=f"smoke run (under 15 s): {QUICK_SAMPLES} synthetic samples, {QUICK_CONFIGS}, engines "
                             f"{QUICK_ENGINES} unless --configs/--engines say otherwise, 1 warm-up + 1 timed epoch")
    parser.add_argument("--json", metavar="FILE", help="also write every figure to FILE as JSON")
    parser.add_argument("--configs", default=None, help=f"comma-separated, default {','.join(RUNS)}")
    parser.add_argument("--engines", default=None, help="comma-separated subset of "
                        + ",".join(ENGINE_ORDER))
    parser.add_argument("--data", choices=["auto", "fashion-mnist", "synthetic"], default="auto")
    parser.add_argument("--samples", type=int, help="training samples to use (default: all)")
    parser.add_argument("--epochs", type=int, default=3, help="timed epochs per engine (median), default 3")
    parser.add_argument("--warmup", type=int, default=1, help="warm-up epochs, default 1")
    parser.add_argument("--threads", type=int, help="BLAS/OpenMP threads for every engine")
    parser.add_argument("--rounds", type=int, default=1,
                        help="run every engine of a config this many times, interleaved, and keep each engine's "
                             "fastest median (guards against a host that slows one process down); default 1")
    parser.add_argument("--keep-host-overrides", action="store_true",
                        help="keep OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE if the host sets them (to measure their cost)")
    parser.add_argument("--worker", nargs=3, metavar=("ENGINE", "CONFIG", "BATCH"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.samples = args.samples or QUICK_SAMPLES
        args.epochs = 1
        args.data = "synthetic" if args.data == "auto" else args.data
    args.configs = args.configs or (QUICK_CONFIGS if args.quick else ",".join(RUNS))
    args.engines = args.engines or (QUICK_ENGINES if args.quick else ",".join(ENGINE_ORDER))
    if args.epochs < 1 or args.warmup < 0 or args.rounds < 1:
        parser.error("--epochs and --rounds must be ≥ 1 and --warmup ≥ 0")
    return args


# ------------------------------------------------------------------------ worker
def worker(args):
    """Run one engine on one config in this process; print a JSON line."""
    import datasets
    from engines import ENGINES
    from measure import N_PREDICT

    engine, config, batch = args.worker[0], args.worker[1], int(args.worker[2])
    if engine == "limits":
        print("RESULT " + json.dumps(measure_limits(args.quick)))
        return
    name, X, y, X_test, _ = datasets.load(args.data, args.samples)
    X_test = X_test[:N_PREDICT]
    result = ENGINES[engine](config, batch, X, y, X_test, args.epochs, args.warmup)
    result["data"] = name
    result["n_train"] = int(X.shape[0])
    result["data_mb"] = (X.nbytes + X_test.nbytes) / 2**20
    result["median_s"] = statistics.median(result["epoch_times"])
    result["min_s"] = min(result["epoch_times"])
    result["kernels"] = machine.engine_kernels(engine)
    print("RESULT " + json.dumps(result, default=float))


def measure_limits(quick=False):
    """The machine's measured limits, in this (worker) process: GEMM peak per dtype, memory bandwidth, NumPy's
    BLAS kernel."""
    n, megabytes = (1024, 64) if quick else (2048, 256)
    return {"gemm_gflops": {dtype: machine.gemm_peak(dtype, n) for dtype in ("float32", "float64")},
            "bandwidth_gbs": machine.memory_bandwidth(megabytes), "gemm_n": n, "numpy_blas": machine.blas_pools(),
            "vector_isa": machine.cpu_flags()}


def run_worker(args, engine, config, batch):
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", engine, config, str(batch),
           "--data", args.data, "--epochs", str(args.epochs), "--warmup", str(args.warmup)]
    if args.samples:
        cmd += ["--samples", str(args.samples)]
    if args.quick:
        cmd += ["--quick"]
    env = dict(os.environ)
    if args.threads:
        env.update(OPENBLAS_NUM_THREADS=str(args.threads), OMP_NUM_THREADS=str(args.threads),
                   MKL_NUM_THREADS=str(args.threads))
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=HERE)
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    lines = (proc.stderr.strip() or proc.stdout.strip() or f"exit {proc.returncode}").splitlines()
    return {"error": lines[-1]}


# ------------------------------------------------------------------------ driver
def main(argv=None):
    args = parse_args(argv)
    if args.worker:
        worker(args)
        return 0
    removed = os.environ.get("DELTAPROP_BENCH_UNSET", "")
    env, found = machine.clean_environment()
    if found and not args.keep_host_overrides:        # start again without them: this process, and every worker
        env["DELTAPROP_BENCH_UNSET"] = ",".join(f"{k}={v}" for k, v in found.items())
        script = [sys.executable, os.path.abspath(__file__), *(sys.argv[1:] if argv is None else argv)]
        os.execve(sys.executable, script, env)
    sys.path.insert(0, HERE)
    import numpy as np
    from measure import CONFIGS, blas_name, cpu_model, flops_per_epoch, numpy_blas_threads
    from report import evaluate_targets, format_table, format_targets

    runs_wanted = [r.strip() for r in args.configs.split(",") if r.strip()]
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    for item in runs_wanted:
        config, _, batch = item.partition("/")
        if config not in CONFIGS or not batch.isdigit() or int(batch) < 1:
            raise SystemExit(f"bench.py: bad config {item!r}; use CONFIG/BATCH with CONFIG in {', '.join(CONFIGS)}")
    for engine in engines:
        if engine not in ENGINE_ORDER:
            raise SystemExit(f"bench.py: unknown engine {engine!r}; valid: {', '.join(ENGINE_ORDER)}")

    started = time.time()
    meta = {"command": "python benchmarks/bench.py " + " ".join(argv if argv is not None else sys.argv[1:]),
            "python": platform.python_version(), "numpy": np.__version__, "cpus": os.cpu_count(),
            "machine": platform.machine(), "cpu": cpu_model(), "blas": blas_name(),
            "blas_threads": args.threads or numpy_blas_threads(),
            "epochs": args.epochs, "warmup": args.warmup, "rounds": args.rounds,
            "date": time.strftime("%Y-%m-%d %H:%M"), "unset": removed or None, "kept_overrides": {k: os.environ[k] for k in machine.HOST_OVERRIDES
                                                         if k in os.environ},
            "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None}
    print(("benchmark environment: unset " + removed.replace(",", ", ") if removed else
           "benchmark environment: OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE not set")
          + (f"; KEPT {meta['kept_overrides']} (--keep-host-overrides)" if meta["kept_overrides"] else "")
          + f"; load average {', '.join(f'{x:.2f}' for x in meta['load_average'] or ())}", flush=True)
    limits = run_worker(args, "limits", "-", 0)
    if "error" in limits:
        raise SystemExit(f"bench.py: could not measure the machine's limits: {limits['error']}")
    meta["limits"] = limits
    print(f"machine: GEMM peak {limits['gemm_gflops']['float32']:.0f} GFLOPS float32, "
          f"{limits['gemm_gflops']['float64']:.0f} float64 (NumPy, {limits['gemm_n']}² products); memory "
          f"{limits['bandwidth_gbs']:.1f} GB/s (copy, read + write); NumPy's BLAS: "
          + ", ".join(f"{p['api']} {p['version']} kernel {p['architecture']}, {p['threads']} threads"
                      for p in limits["numpy_blas"]), flush=True)
    runs = []
    for item in runs_wanted:
        config, batch = item.split("/")[0], int(item.split("/")[1])
        run_engines = [e for e in engines if e != "nielsen" or config in NIELSEN_CONFIGS]
        run = {"config": config, "batch": batch, "sizes": CONFIGS[config][0], "engines": run_engines,
               "seconds": {}, "predict_ms": {}, "details": {}}
        best = {}
        for round_ in range(args.rounds):                       # interleaved: A B C, A B C, ...
            for engine in run_engines:
                label = f"{item:7} {engine:10}" + (f" round {round_ + 1}" if args.rounds > 1 else "")
                print(f"  {label}", end=" ", flush=True)
                result = run_worker(args, engine, config, batch)
                if "error" in result:
                    print(f"FAILED: {result['error']}", flush=True)
                    best.setdefault(engine, result)
                    continue
                print(f"{result['median_s']:.4f} s/epoch  "
                      f"(epochs {', '.join(f'{t:.3f}' for t in result['epoch_times'])})", flush=True)
                if "error" in best.get(engine, {"error": 1}) or result["median_s"] < best[engine]["median_s"]:
                    best[engine] = result
        for engine, result in best.items():
            run["details"][engine] = result
            if "error" in result:
                continue
            run["seconds"][engine] = result["median_s"]
            if "predict_ms" in result:
                run["predict_ms"][engine] = result["predict_ms"]
            meta.setdefault("data", result["data"])
            meta.setdefault("n_train", result["n_train"])
            if engine == "deltaprop":
                rss = result["rss_mb"]
                run["memory"] = {"peak_rss_mb": result["peak_rss_mb"], "data_mb": result["data_mb"],
                                 "growth_mb": rss[-1] - rss[min(args.warmup, len(rss) - 1)]}
        n_train = meta.get("n_train", 60_000)
        run["gflop"] = flops_per_epoch(run["sizes"], n_train) / 1e9
        run["limit_s"] = max(run["gflop"] / limits["gemm_gflops"]["float32"],
                             n_train * run["sizes"][0] * 4 / 1e9 / limits["bandwidth_gbs"])
        run["gemm_peak"] = limits["gemm_gflops"]["float32"]
        runs.append(run)

    targets = evaluate_targets(runs)
    print()
    print(f"host: {meta['cpu']}, {meta['cpus']} CPUs, NumPy {meta['numpy']} with {meta['blas']}, Python "
          f"{meta['python']} (rankings between engines move with the host: CPU, BLAS and thread count)")
    print(f"deltaprop benchmark — {meta.get('data', '?')}, {meta.get('n_train', '?')} training samples, float32, "
          f"{meta['blas_threads']} BLAS thread(s), {meta['cpus']} CPUs; seconds per epoch = median of "
          f"{args.epochs} epoch(s) after {args.warmup} warm-up"
          + (f", fastest of {args.rounds} interleaved rounds" if args.rounds > 1 else ""))
    kernels = {}
    for run in runs:
        for engine, result in run["details"].items():
            kernels.setdefault(engine, result.get("kernels"))
    meta["kernels"] = kernels
    print(f"vector ISA: {limits['vector_isa']}; kernels each engine ran on (threadpoolctl architecture):")
    for engine, line in kernels.items():
        print(f"  {engine:16} {line}")
    print("limit = max(epoch FLOPs / GEMM peak, input bytes / memory bandwidth); '% of limit' = limit / time")
    print("Nielsen: timed on a subset, scaled to the epoch.  scikit-learn on config A: softmax + log-loss "
          "output (it cannot express sigmoid + quadratic).")
    print()
    print(format_table(runs))
    print()
    print(format_targets(targets))
    passed = sum(t["status"] == "PASS" for t in targets)
    print(f"\n{passed}/{len(targets)} targets met; wall time {time.time() - started:.0f} s")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump({"meta": meta, "runs": runs, "targets": targets}, handle, indent=1, default=float)
        print(f"wrote {args.json}")
    failed = sorted({f"{r['config']}/{r['batch']} {e}" for r in runs for e, d in r["details"].items() if "error" in d})
    if failed:
        print(f"bench.py: {len(failed)} engine run(s) failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
