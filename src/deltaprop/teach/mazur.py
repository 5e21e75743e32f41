"""Matt Mazur's "A Step by Step Backpropagation Example" (2015) as data.

A 2-2-2 sigmoid network, quadratic cost, one training pair, learning rate 0.5,
biases kept fixed (the tutorial never updates them).  The explainer, the demo,
the playground's preset and the tests all start from here.

The tutorial labels the weights w1..w8::

    hidden:  net_h1 = w1·i1 + w2·i2 + b1     net_h2 = w3·i1 + w4·i2 + b1
    output:  net_o1 = w5·out_h1 + w6·out_h2 + b2
             net_o2 = w7·out_h1 + w8·out_h2 + b2

so ``W^1 = [[w1, w2], [w3, w4]]`` and ``W^2 = [[w5, w6], [w7, w8]]`` in the
``(n_out, n_in)`` layout.

About the tutorial's last two numbers: it prints an error of 0.291027924 after
one step and 0.0000351085 after 10,000 steps.  Those come from hand-rounded
intermediate values; exact arithmetic (float64 here, confirmed by PyTorch)
gives 0.291027774 and 3.5102e-05.  The tests check the exact values.
"""

from __future__ import annotations

import numpy as np

WEIGHTS = [[[0.15, 0.20], [0.25, 0.30]],      # W^1: w1 w2 / w3 w4
           [[0.40, 0.45], [0.50, 0.55]]]      # W^2: w5 w6 / w7 w8
BIASES = [[0.35, 0.35], [0.60, 0.60]]         # b1 for both hidden neurons, b2 for both outputs
INPUT = [0.05, 0.10]                          # i1, i2
TARGET = [0.01, 0.99]                         # target_o1, target_o2
LEARNING_RATE = 0.5
ACTIVATIONS = ["sigmoid", "sigmoid"]
LOSS = "quadratic"

# Values printed in the tutorial (9 significant digits), used as test fixtures.
PRINTED = {
    "net_h1": 0.3775, "out_h1": 0.593269992, "out_h2": 0.596884378,
    "net_o1": 1.105905967, "out_o1": 0.75136507, "out_o2": 0.772928465,
    "E_o1": 0.274811083, "E_o2": 0.023560026, "E_total": 0.298371109,
    "dE_dw5": 0.082167041, "w5+": 0.35891648, "w6+": 0.408666186, "w7+": 0.511301270, "w8+": 0.561370121,
    "dE_dw1": 0.000438568, "w1+": 0.149780716, "w2+": 0.19956143, "w3+": 0.24975114, "w4+": 0.29950229,
}
# The tutorial's rounded figures and the exact ones.
PRINTED_AFTER_ONE_STEP, EXACT_AFTER_ONE_STEP = 0.291027924, 0.291027774
PRINTED_AFTER_10000_STEPS, EXACT_AFTER_10000_STEPS = 0.0000351085, 3.5102e-05
# ∂E_o2/∂out_h1 = δ_o2 × w7: the tutorial prints −0.019049119; −0.038098236 × 0.5 is −0.019049118 (exact: −0.0190491183)
PRINTED_DE_O2_DOUT_H1 = -0.019049119


def mazur_network(dtype=np.float64):
    """The tutorial's network with its initial weights (biases not trainable)."""
    from ..core.network import Network
    return Network.from_weights(WEIGHTS, BIASES, ACTIVATIONS, loss=LOSS, dtype=dtype, train_biases=False)


def mazur_data(dtype=np.float64):
    """``(X, Y)`` of shape ``(1, 2)`` each: the single training pair."""
    return np.array([INPUT], dtype=dtype), np.array([TARGET], dtype=dtype)
