"""Before/after: deltaprop from two source trees, interleaved in one run, as ratios.

    git worktree add /tmp/before <commit>
    python benchmarks/ab.py /tmp/before/src src --rounds 5 --configs A/10,B/32,C/256

Each round runs every config once with the "before" tree and once with the
"after" tree (order alternating between rounds), each in its own process
through ``bench.py --worker``.  For each config it prints the fastest median
of each side and after/before: below 1 means the change made it faster.
A ratio within the spread of the rounds is noise.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def run(src, config, batch, args):
    cmd = [sys.executable, os.path.join(HERE, "bench.py"), "--worker", "deltaprop", config, str(batch),
           "--data", args.data, "--epochs", str(args.epochs), "--warmup", "1"]
    if args.samples:
        cmd += ["--samples", str(args.samples)]
    env = {**os.environ, "PYTHONPATH": os.path.abspath(src)}
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=HERE)
    for line in out.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])["median_s"]
    raise SystemExit(f"ab.py: {src} {config}/{batch} failed: {(out.stderr or out.stdout).strip()[-300:]}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before"), parser.add_argument("after")
    parser.add_argument("--configs", default="A/10,A/128,B/32,B/128,B/1024,C/256")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--samples", type=int)
    parser.add_argument("--data", default="auto")
    args = parser.parse_args(argv)
    print(f"{'cell':8} {'before s':>9} {'after s':>9} {'after/before':>13}   rounds (before | after)")
    for item in args.configs.split(","):
        config, batch = item.split("/")
        times = {"before": [], "after": []}
        for r in range(args.rounds):
            for side in (("before", "after") if r % 2 == 0 else ("after", "before")):
                times[side].append(run(getattr(args, side), config, int(batch), args))
        b, a = min(times["before"]), min(times["after"])
        spread = " ".join(f"{t:.3f}" for t in times["before"]) + " | " + " ".join(f"{t:.3f}" for t in times["after"])
        print(f"{item:8} {b:9.4f} {a:9.4f} {a / b:13.3f}   {spread}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
