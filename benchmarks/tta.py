"""Time to accuracy: wall time from process start to a test accuracy of 0.88 and 0.90 on Fashion-MNIST.

    python benchmarks/tta.py                                # every engine, every setting of the grid
    python benchmarks/tta.py --engines deltaprop,jax --settings small --json tta.json
    python benchmarks/tta.py --sizes 784,128,10 --batch 64 --lr 0.2 --cosine 20     # one setting of your own

Each engine is timed on every setting of a small grid (:data:`GRID`), ``--rounds`` times (interleaved: this
host's speed drifts), and keeps its fastest, target by target:
its **best honest settings**, chosen by the same rule for every engine.  Within a setting every engine trains the
same model from the same weights in the same sample order (:mod:`tta_engines`), so it is a race of speed; across
settings each engine may win with a different one (a small network reaches 0.88 soonest; 0.90 needs a wider one
and a decaying η).

Each (engine, setting) runs in a new Python process; the clock starts when the driver starts that process, so
Python's start, the imports, reading the IDX files, compiling (numba, XLA) and every epoch count.  The test
accuracy is measured after every epoch on the 10,000 test images; that evaluation is the same for every engine and
its time is *not* counted (it is reported).  The engines, each run its own best way:

* deltaprop: ``Network.fit`` (``engine="auto"``: the compiled epoch, or the NumPy path while its kernel is not
  ready; the note says which ran);
* PyTorch eager (``nn.Sequential``, ``torch.optim.SGD``), ``torch.set_num_threads`` = the cores;
* JAX: the whole epoch ``jax.jit``-compiled (a ``lax.scan`` over the batches), compile time included;
* scikit-learn ``MLPClassifier(solver="sgd", momentum=0)``, one ``partial_fit`` per epoch (its own initialisation
  and shuffling; it has no per-epoch schedule, so it skips the cosine settings).

Like bench.py it runs with ``OPENBLAS_CORETYPE`` / ``OPENBLAS_L2_SIZE`` unset.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import machine  # noqa: E402
import tta_engines  # noqa: E402

ENGINES = ("deltaprop", "torch", "jax", "sklearn")
TARGETS = (0.88, 0.90)
GRID = {    # relu hidden layers, softmax + cross-entropy, plain SGD; seed 0
    "small": {"sizes": [784, 64, 10], "batch": 32, "lr": 0.1, "cosine": None},
    "mid": {"sizes": [784, 128, 10], "batch": 32, "lr": 0.1, "cosine": None},
    "wide-cosine": {"sizes": [784, 256, 10], "batch": 32, "lr": 0.2, "cosine": 30},
    "wider-cosine": {"sizes": [784, 512, 10], "batch": 32, "lr": 0.2, "cosine": 30},
}


def worker(engine, setting, max_epochs, started):
    """Train ``engine`` on ``setting``; print one JSON line per epoch: seconds since ``started`` (evaluation time
    taken out), then a note."""
    import datasets
    import numpy as np
    _, X, y, X_test, y_test = datasets.load("fashion-mnist")
    excluded = [0.0]

    def report(epoch, predict):
        now = time.time()
        seconds = now - started - excluded[0]           # since the process was started, evaluations taken out
        accuracy = float(np.mean(np.argmax(predict(X_test), axis=1) == y_test))
        excluded[0] += time.time() - now
        print("EPOCH " + json.dumps({"epoch": epoch, "seconds": seconds, "accuracy": accuracy,
                                     "eval_seconds": excluded[0]}), flush=True)
        return accuracy >= max(TARGETS)
    setting = {"seed": 0, **setting}
    try:
        note = tta_engines.TRAINERS[engine](X, y, setting, tta_engines.epochs_for(setting, max_epochs), report)
    except tta_engines.Unsupported as reason:
        note = f"skipped: {reason}"
    print("NOTE " + json.dumps({"note": note}), flush=True)


def run(engine, name, setting, args, env):
    """One (engine, setting) in a process of its own: its epochs, the time it reached each target, its note."""
    started = time.time()
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", engine, str(started), json.dumps(setting),
           "--max-epochs", str(args.max_epochs)]
    epochs, note = [], ""
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=HERE) as proc:
        try:
            for line in proc.stdout:
                if line.startswith("EPOCH "):
                    epochs.append(json.loads(line[6:]))
                    print(f"  {name:12} {engine:10} epoch {epochs[-1]['epoch']:3}  {epochs[-1]['seconds']:7.1f} s  "
                          f"test accuracy {epochs[-1]['accuracy']:.4f}", flush=True)
                    if epochs[-1]["seconds"] > args.max_seconds:
                        proc.kill()
                        note = f"stopped after {args.max_seconds:g} s"
                elif line.startswith("NOTE "):
                    note = json.loads(line[5:])["note"]
        finally:
            proc.wait()
            error = proc.stderr.read().strip().splitlines()
    reached = {str(t): next((e["seconds"] for e in epochs if e["accuracy"] >= t), None) for t in TARGETS}
    return {"epochs": epochs, "reached": reached, "note": note,
            "error": error[-1] if proc.returncode and not epochs and error and not note else None}


def best_of(runs):
    """Per engine and target: the fastest time over the settings and rounds, and which setting gave it."""
    best = {}
    for name, by_engine in runs.items():
        for engine, results in by_engine.items():
            mine = best.setdefault(engine, {"reached": {str(t): None for t in TARGETS}, "setting": {}})
            for result in results:
                for target, seconds in result["reached"].items():
                    if seconds is not None and (mine["reached"][target] is None or seconds < mine["reached"][target]):
                        mine["reached"][target], mine["setting"][target] = seconds, name
    return best


def run_all(engines, settings, args, env):
    """Every (setting, engine) once per round; the engines' order reversed every other round, so that this host's
    drift in speed falls on every engine alike.  Returns ``{setting: {engine: [result per round]}}``."""
    runs = {name: {engine: [] for engine in engines} for name in settings}
    for r in range(args.rounds):
        for name, setting in settings.items():
            for engine in (engines if r % 2 == 0 else engines[::-1]):
                runs[name][engine].append(run(engine, name, setting, args, env))
    return runs


def print_tables(runs, best):
    def cell(seconds):
        return "not reached" if seconds is None else f"{seconds:.1f}"
    print("\n| setting | engine | to 0.88 (s) | to 0.90 (s) | best accuracy (epoch) | note |\n"
          "|---|---|---|---|---|---|")
    for name, by_engine in runs.items():
        for engine, results in by_engine.items():
            for result in results:
                top = max(result["epochs"], key=lambda e: e["accuracy"], default=None)
                top_cell = f"{top['accuracy']:.4f} ({top['epoch']})" if top else result["error"] or "–"
                print(f"| {name} | {engine} | {cell(result['reached']['0.88'])} | {cell(result['reached']['0.9'])} "
                      f"| {top_cell} | {result['note']} |")
    print("\nEach engine's best settings:\n\n| engine | to 0.88 (s) | to 0.90 (s) |\n|---|---|---|")
    for engine, mine in best.items():
        cells = [f"{cell(mine['reached'][str(t)])}" + (f" ({mine['setting'][str(t)]})" if str(t) in mine["setting"]
                                                        else "") for t in TARGETS]
        print(f"| {engine} | {cells[0]} | {cells[1]} |")


def chosen_settings(args):
    """The grid, the named part of it (``--settings``), or the one setting of ``--sizes/--batch/--lr/--cosine``."""
    if args.sizes or args.batch or args.lr or args.cosine:
        sizes = [int(n) for n in args.sizes.split(",")] if args.sizes else [784, 256, 10]
        return {"custom": {"sizes": sizes, "batch": args.batch or 32, "lr": args.lr or 0.1, "cosine": args.cosine}}
    names = [n.strip() for n in args.settings.split(",") if n.strip()] if args.settings else list(GRID)
    for name in names:
        if name not in GRID:
            raise SystemExit(f"tta.py: unknown setting {name!r}; valid: {', '.join(GRID)}")
    return {name: GRID[name] for name in names}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--settings", help=f"settings of the grid to run (default all: {', '.join(GRID)})")
    parser.add_argument("--sizes", help="one setting of your own: layer sizes, e.g. 784,128,10")
    parser.add_argument("--batch", type=int, help="... its mini-batch size (default 32)")
    parser.add_argument("--lr", type=float, help="... its learning rate η (default 0.1)")
    parser.add_argument("--cosine", type=int, help="... η from --lr to 0 by a cosine over this many epochs")
    parser.add_argument("--max-epochs", type=int, default=40, help="epochs of a constant-η setting")
    parser.add_argument("--max-seconds", type=float, default=60.0, help="stop a run after this long")
    parser.add_argument("--rounds", type=int, default=2, help="runs of each (setting, engine), interleaved")
    parser.add_argument("--json", metavar="FILE")
    parser.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker[0], json.loads(args.worker[2]), args.max_epochs, float(args.worker[1]))
        return 0
    env, removed = machine.clean_environment()
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    for engine in engines:
        if engine not in ENGINES:
            raise SystemExit(f"tta.py: unknown engine {engine!r}; valid: {', '.join(ENGINES)}")
    settings = chosen_settings(args)
    print(f"time to accuracy on Fashion-MNIST: {settings}; host overrides unset: "
          f"{', '.join(removed) or 'none were set'}; load average "
          f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    runs = run_all(engines, settings, args, env)
    best = best_of(runs)
    print_tables(runs, best)
    if args.json:
        with open(args.json, "w") as handle:
            json.dump({"settings": settings, "runs": runs, "results": best, "load_average": os.getloadavg()},
                      handle, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
