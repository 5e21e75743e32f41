"""Variants of the compiled epoch, interleaved in one process: the settings of ``deltaprop.fast.compiled_epoch`` as ratios.

    python benchmarks/variants.py A/10 --set THREADS=1 --set THREADS=2 --epochs 10
    python benchmarks/variants.py A/32 --set SMALL_ROWS=0 --set SMALL_ROWS=32

Each ``--set`` is one variant (comma-separated ``NAME=value`` assignments to ``deltaprop.fast.compiled_epoch``'s module
constants).  Epoch after epoch the variants take turns (the order reversed every other round) on one network,
in one process, so this host's drift between processes does not enter the comparison; the first round is a
warm-up.  Prints each variant's best and median seconds per epoch and their ratio to the first variant's.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import datasets  # noqa: E402
import engines  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cell", help="config/batch, e.g. A/10")
    parser.add_argument("--set", action="append", dest="variants", required=True, help="NAME=value[,NAME=value]")
    parser.add_argument("--epochs", type=int, default=8, help="rounds (each variant one epoch per round)")
    parser.add_argument("--data", default="auto")
    parser.add_argument("--samples", type=int, help="train on the first N samples only (quick runs)")
    args = parser.parse_args(argv)
    from deltaprop.fast import compiled_epoch as compiled
    from deltaprop.core.optimizers import SGD
    config, batch = args.cell.split("/")
    _, X, y, _, _ = datasets.load(args.data, n_train=args.samples)
    Y = np.eye(10, dtype=np.float32)[y]
    net = engines.initial_network(config)
    rng = np.random.default_rng(0)
    times = {v: [] for v in args.variants}
    for r in range(args.epochs + 1):
        for variant in (args.variants if r % 2 == 0 else args.variants[::-1]):
            for assignment in variant.split(","):
                name, value = assignment.split("=")
                setattr(compiled, name, type(getattr(compiled, name))(float(value)))
            order = rng.permutation(X.shape[0])
            start = time.perf_counter()
            compiled.train_epoch(net, X, Y, y, order, int(batch), SGD(3.0 if config == "A" else 0.05))
            if r:
                times[variant].append(time.perf_counter() - start)
    first = args.variants[0]
    for variant, t in times.items():
        print(f"{variant:32} best {min(t):.4f}  median {np.median(t):.4f}  "
              f"ratio to {first}: {min(t) / min(times[first]):.3f} / {np.median(t) / np.median(times[first]):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
