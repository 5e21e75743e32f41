"""``deltaprop gradcheck``: backprop's gradients vs central finite differences."""

from __future__ import annotations

import numpy as np

from ..teach.gradcheck import gradcheck
from ..core.network import Network
from ._args import seed, int_list, name_list, positive_float, positive_int

HELP = "check backprop's gradients against finite differences on a random network"


def add_arguments(parser):
    parser.add_argument("--layers", type=int_list, default=[4, 5, 3], help="layer sizes, e.g. 4,5,3")
    parser.add_argument("--activations", type=name_list, default=None,
                        help="one per weight layer, e.g. tanh,softmax (default: sigmoid)")
    parser.add_argument("--loss", default="quadratic", help="quadratic, binary-cross-entropy, cross-entropy")
    parser.add_argument("--init", default="auto", help="weight initialiser (default auto)")
    parser.add_argument("--samples", type=positive_int, default=8, help="batch size checked (default 8)")
    parser.add_argument("--seed", type=seed, default=0)
    parser.add_argument("--threshold", type=positive_float, default=1e-6,
                        help="largest acceptable relative error (default 1e-6)")


def run(args):
    net = Network(args.layers, args.activations, loss=args.loss, init=args.init, seed=args.seed)
    rng = np.random.default_rng(args.seed + 1)
    X = rng.standard_normal((args.samples, net.sizes[0]))
    Y = random_targets(net, args.samples, rng)
    report = gradcheck(net, X, Y)
    print(f"gradcheck {net}")
    print(f"{'layer':>5}  {'shape':>9}  {'weights rel. error':>18}  {'biases rel. error':>17}")
    for row, layer in zip(report, net.layers):
        shape = f"{layer.n_out}x{layer.n_in}"
        print(f"{row['layer']:>5}  {shape:>9}  {row['weights']:>18.3e}  {row['biases']:>17.3e}")
    worst = max(max(row["weights"], row["biases"]) for row in report)
    verdict = "OK" if worst <= args.threshold else "FAILED"
    print(f"worst relative error {worst:.3e} (threshold {args.threshold:g}): {verdict}")
    return 0 if worst <= args.threshold else 1


def random_targets(net, n, rng):
    """Targets that suit the loss: one-hot rows for cross-entropy, values in (0, 1) otherwise."""
    d = net.sizes[-1]
    if net.loss.name == "cross-entropy":
        return np.eye(d)[rng.integers(0, d, n)]
    return rng.uniform(0.05, 0.95, (n, d))
