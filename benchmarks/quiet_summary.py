"""The summary of ``benchmarks/quiet_run.sh``: issue 27's targets, PASS / FAIL each, from the run's files.

    python benchmarks/quiet_summary.py OUT_DIR          # reads OUT_DIR/{bench.json,tta.json,best.json,...}

Targets (issue 27, "Targets"): the bench cells against JAX and PyTorch and C/256 against the GEMM peak (from
``bench.json``'s own target list, :func:`report.evaluate_targets`); the first ``fit`` after a fresh install no more
than 1 s slower than the NumPy path (``first_use.txt``: the pytest run of ``tests/fast/test_first_use.py``);
deltaprop first to 0.88 and to 0.90 test accuracy (``tta.json``); the ``best`` recipe ≥ 0.910 on Fashion-MNIST in
≤ 5 minutes of wall time, start-up included (``best.json`` and ``best.time``).  A target whose file is missing is
``NOT RUN``.  Writes ``OUT_DIR/summary.md`` and prints it.
"""

from __future__ import annotations

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from report import TORCH_MAX  # noqa: E402

BEST_ACCURACY, BEST_SECONDS = 0.910, 300.0


def issue_27_target(name):
    """Whether a bench.py target is one of issue 27's (the others are earlier issues' ratios to the floor, …)."""
    return "× JAX" in name or "GEMM peak" in name or name.endswith(f"≤ {TORCH_MAX} × PyTorch")


def _load(path):
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return None


def _text(path):
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except OSError:
        return None


def bench_rows(bench):
    """``[(target, PASS/FAIL/NOT RUN, detail)]`` of bench.py's targets that issue 27 names."""
    if bench is None:
        return [("bench.py targets (A/10 ≤ 0.25 × JAX, …, C/256 ≥ 85 % of the GEMM peak)", "NOT RUN", "no bench.json")]
    rows = []
    for t in bench["targets"]:
        if issue_27_target(t["target"]):
            status = {"PASS": "PASS", "MISS": "FAIL"}.get(t["status"], "NOT RUN")
            value = "–" if t["value"] is None else f"{t['value']:.3g}"
            rows.append((t["target"], status, f"measured {value} (limit {t['limit']:g})"))
    return rows


def first_use_row(text):
    name = "first fit after a fresh install ≤ 1 s slower than the NumPy path"
    if text is None:
        return name, "NOT RUN", "no first_use.txt"
    last = text.strip().splitlines()[-1] if text.strip() else "empty output"
    passed = " passed" in last and "failed" not in last and "error" not in last
    return name, "PASS" if passed else "FAIL", last


def tta_rows(tta):
    if tta is None:
        return [(f"time to {t}: deltaprop first", "NOT RUN", "no tta.json") for t in ("0.88", "0.90")]
    rows = []
    for target in ("0.88", "0.9"):
        times = {engine: r["reached"].get(target) for engine, r in tta["results"].items()}
        mine = times.get("deltaprop")
        others = {e: s for e, s in times.items() if e != "deltaprop"}
        first = mine is not None and all(s is None or mine < s for s in others.values())
        detail = ", ".join(f"{e} {'not reached' if s is None else f'{s:.1f} s'}" for e, s in times.items())
        rows.append((f"time to {float(target):.2f}: deltaprop first", "PASS" if first else "FAIL", detail))
    return rows


def best_row(best, seconds):
    name = f"best recipe ≥ {BEST_ACCURACY} on Fashion-MNIST in ≤ {BEST_SECONDS:.0f} s (start-up included)"
    if seconds is None:
        return name, "NOT RUN", "no best.time"
    if best is None:        # no metrics: it failed, or was stopped at the time limit
        return name, "FAIL" if seconds >= BEST_SECONDS else "NOT RUN", f"no result after {seconds:.1f} s"
    accuracy = best["metrics"]["test_accuracy"]
    ok = accuracy >= BEST_ACCURACY and seconds <= BEST_SECONDS
    return name, "PASS" if ok else "FAIL", f"test accuracy {accuracy:.4f} in {seconds:.1f} s wall time"


def summary(out):
    seconds = _text(os.path.join(out, "best.time"))
    rows = (bench_rows(_load(os.path.join(out, "bench.json"))) + [first_use_row(_text(os.path.join(out, "first_use.txt")))]
            + tta_rows(_load(os.path.join(out, "tta.json")))
            + [best_row(_load(os.path.join(out, "best.json")), float(seconds) if seconds else None)])
    log = _text(os.path.join(out, "run.log")) or ""
    lines = ["# Issue 27 on a quiet machine: targets", "", "| target | result | measured |", "|---|---|---|"]
    lines += [f"| {name} | **{status}** | {detail} |" for name, status, detail in rows]
    counts = {s: sum(r[1] == s for r in rows) for s in ("PASS", "FAIL", "NOT RUN")}
    lines += ["", f"{counts['PASS']} passed, {counts['FAIL']} failed, {counts['NOT RUN']} not run.", "",
              "Every step with the load average (1, 5, 15 min) at its start and end (run.log):", "", "```text",
              log.strip(), "```", ""]
    if os.path.exists(os.path.join(out, "gemm.txt")):
        lines += ["GEMM candidates (gemm.txt, ratio = time / NumPy's OpenBLAS; < 1 is faster):", "", "```text",
                  _text(os.path.join(out, "gemm.txt")).strip(), "```", ""]
    text = "\n".join(lines)
    with open(os.path.join(out, "summary.md"), "w", encoding="utf-8") as handle:
        handle.write(text)
    return text, counts


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        raise SystemExit("usage: python benchmarks/quiet_summary.py OUT_DIR")
    text, _ = summary(argv[0])
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
