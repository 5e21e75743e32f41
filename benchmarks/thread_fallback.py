"""The two-thread epoch against its fall-back to one thread, under whatever load the machine has now.

    python benchmarks/thread_fallback.py                    # choice, forced, choice, forced (interleaved)
    python benchmarks/thread_fallback.py --epochs 2 --samples 6000

A/10 ([784, 30, 10] sigmoid + quadratic cost, batch 10, float32; Fashion-MNIST when present, else synthetic data),
``engine="compiled"``, in one process, in turn: ``choice`` lets :mod:`deltaprop.fast.thread_choice` decide each
epoch (one thread when the cores are busy), ``forced`` pins its machine readings to "quiet" so every epoch runs on
two threads.  Prints each run's epoch times, the load average and ``history.engine_note``, and the largest
difference between the weights of the two kinds of run (0: the choice changes the speed, not the result).
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


def run(X, y, epochs):
    from deltaprop import Network
    net = Network([784, 30, 10], ["sigmoid", "sigmoid"], loss="quadratic", seed=0, dtype=np.float32)
    times, last = [], [time.perf_counter()]

    def callback(epoch, record):
        now = time.perf_counter()
        times.append(now - last[0])
        last[0] = now
    history = net.fit(X, y, epochs=epochs, batch_size=10, learning_rate=3.0, seed=1, engine="compiled",
                      callback=callback)
    return net, times, history.engine_note


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--samples", type=int, default=None, help="training samples (default: all)")
    parser.add_argument("--order", default="choice,forced,choice,forced")
    args = parser.parse_args(argv)
    from deltaprop.fast import thread_choice
    _, X, y, _, _ = datasets.load("auto", n_train=args.samples)
    real = thread_choice.MIN_CORES
    nets = {}
    for mode in args.order.split(","):
        quiet = mode == "forced"
        thread_choice.MIN_CORES = 0.0 if quiet else real
        nets[mode], times, note = run(X, y, args.epochs)
        print(f"{mode}: load average {os.getloadavg()[0]:.2f}; seconds per epoch "
              f"{', '.join(f'{t:.2f}' for t in times)}; note: {note}", flush=True)
    thread_choice.MIN_CORES = real
    if len(nets) == 2:
        a, b = nets.values()
        print("largest weight difference between the two:",
              max(float(np.max(np.abs(p - q))) for p, q in zip(a.parameters(), b.parameters())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
