"""``deltaprop demo``: Mazur's worked example, then a network learning two spirals."""

from __future__ import annotations

import time

import numpy as np

from ..teach import mazur
from ..data import make_dataset
from ..data.preprocessing import Standardizer
from ..core.network import Network
from ..core.optimizers import SGD
from ._args import seed, positive_int

HELP = "run Mazur's 2-2-2 backprop example, then learn the two-spirals problem"


def add_arguments(parser):
    parser.add_argument("--epochs", type=positive_int, default=150, help="spirals training epochs (default 150)")
    parser.add_argument("--seed", type=seed, default=0)
    parser.add_argument("--skip-mazur", action="store_true", help="only train the spirals network")


def run(args):
    if not args.skip_mazur:
        mazur_example()
    return spirals_example(args.epochs, args.seed)


def mazur_example():
    net = mazur.mazur_network()
    X, Y = mazur.mazur_data()
    print("== Mazur's step-by-step example: 2 inputs, 2 hidden, 2 outputs, sigmoid, ½‖a − y‖², η = 0.5 ==")
    zs, acts = net.forward(X)
    for l, name in ((1, "h"), (2, "o")):
        for j in range(2):
            print(f"  net_{name}{j + 1} = {zs[l - 1][0, j]:.9f}   out_{name}{j + 1} = σ(net) = {acts[l][0, j]:.9f}")
    errors = net.loss.per_output(acts[-1], Y)[0]
    print(f"  E_o1 = {errors[0]:.9f}   E_o2 = {errors[1]:.9f}   E_total = {errors.sum():.9f}")
    grads = net.backward(Y, zs, acts)
    print(f"  BP4: ∂E/∂w5 = {grads.weights[1][0, 0]:.9f}   ∂E/∂w1 = {grads.weights[0][0, 0]:.9f}")
    optimizer = SGD(mazur.LEARNING_RATE)
    net.train_step(X, Y, optimizer)
    (w1, w2), (w3, w4) = net.weights[0]
    (w5, w6), (w7, w8) = net.weights[1]
    print(f"  after one step: w1..w4 = {w1:.9f} {w2:.9f} {w3:.9f} {w4:.9f}")
    print(f"                  w5..w8 = {w5:.9f} {w6:.9f} {w7:.9f} {w8:.9f}")
    print(f"  error after 1 step:       {net.compute_loss(X, Y):.9f}  (the post prints 0.291027924, "
          f"from hand-rounded values)")
    for _ in range(9_999):
        net.train_step(X, Y, optimizer)
    out = net.predict(X)[0]
    print(f"  error after 10,000 steps: {net.compute_loss(X, Y):.4e}  (the post prints 0.0000351085); "
          f"outputs {out[0]:.6f} {out[1]:.6f} for targets 0.01 0.99")
    print()


def spirals_example(epochs, seed):
    print("== Two spirals: [2, 64, 64, 2], relu, softmax + cross-entropy, SGD η = 0.05, batch 8 ==")
    X, y = make_dataset("spirals", 1000, noise=0.02, seed=seed)
    X_test, y_test = make_dataset("spirals", 500, noise=0.02, seed=seed + 1)
    scaler = Standardizer().fit(X)
    X, X_test = scaler.transform(X), scaler.transform(X_test)
    net = Network([2, 64, 64, 2], ["relu", "relu", "softmax"], loss="cross-entropy", seed=seed)
    every = max(1, epochs // 10)

    def report(epoch, record):
        if epoch % every == 0 or epoch == 1:
            print(f"  epoch {epoch:4d}  loss {record['loss']:.4f}  accuracy {record['accuracy']:.3f}  "
                  f"test loss {record['val_loss']:.4f}  test accuracy {record['val_accuracy']:.3f}")

    start = time.perf_counter()
    net.fit(X, y, epochs, 8, learning_rate=0.05, seed=seed, validation_data=(X_test, y_test), callback=report)
    accuracy = float(np.mean(net.classify(X_test) == y_test))
    print(f"  final test accuracy {accuracy:.1%} on 500 unseen points ({time.perf_counter() - start:.1f} s)")
    return 0 if accuracy >= 0.95 else 1
