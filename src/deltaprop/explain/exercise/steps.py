"""One training step done as a learner does it by hand: each number computed from the numbers written before it.

The grader's follow-through credit rests on this.  :meth:`HandStep.run` walks the step in the order of the sheet
(forward pass, cost, BP1, BP4/BP3 per layer with BP2 below, the update) and, for every question id, computes

* ``value``      -- the number that follows from the *used* upstream numbers,
* ``candidates`` -- the values a right method gives from them (σ′ from z, or from a as a(1 − a) / 1 − a²),
* ``slips``      -- the number each typical slip gives from them (the names are :data:`SLIPS`),

then takes the learner's own answer, where there is one, as the number used downstream.  With no answers it is the
plain step; the sheet's values (the engine's) must agree with it, which :func:`check_consistent` verifies.
Arrays are the engine's, batch-first: ``Z[l]`` is ``(n, d_l)`` for layer ``l = 1..L`` (the engine's numbering).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ...core.activations import get_activation
from ...core.losses import get_loss
from ..model import rounding_noise

NUMBERINGS = {"nielsen": "nielsen (input = layer 1)", "deltaprop": "deltaprop (first hidden layer = 1)"}  # as sheets say
SLIPS = ("no_bias", "no_activation", "no_half", "sum_batch", "sign", "no_sigma", "softmax_elementwise",
         "updated_weights", "plus_update", "no_eta", "no_update")       # named in each language's locale file


def _tag(s, n):
    return f"[{s + 1}]" if n > 1 else ""


def ids(kind, layer, j, k=None, s=0, n=1):
    """The answer name of a quantity; ``layer`` is the number the reader sees (Nielsen's by default)."""
    if kind in ("z", "a", "delta"):
        return f"{kind}{layer}_{j + 1}{_tag(s, n)}"
    if kind == "dw":
        return f"dC/dw{layer}_{j + 1}{k + 1}"
    if kind == "db":
        return f"dC/db{layer}_{j + 1}"
    if kind == "w+":
        return f"w{layer}_{j + 1}{k + 1}+"
    return f"b{layer}_{j + 1}+"


@dataclass
class Expect:
    """What an answer should be, given the numbers written before it."""

    value: float
    candidates: list = field(default_factory=list)
    slips: dict = field(default_factory=dict)
    base: float | None = None               # updates: the parameter before the step (graded as the step)


class HandStep:
    """The step of one sheet: ``weights[l]`` ``(d_l, d_{l-1})``, ``biases[l]``, activation names, loss name, η."""

    def __init__(self, weights, biases, activations, loss, learning_rate, update_biases, X, Y, offset=1):
        self.W = [np.asarray(w, dtype=np.float64) for w in weights]
        self.b = [np.asarray(b, dtype=np.float64) for b in biases]
        self.act = [get_activation(a) for a in activations]
        self.loss = get_loss(loss)
        self.eta = float(learning_rate)
        self.update_biases = [bool(u) for u in update_biases]
        self.X, self.Y = np.asarray(X, dtype=np.float64), np.asarray(Y, dtype=np.float64)
        self.offset = offset
        self.L, self.n = len(self.W), self.X.shape[0]

    # ------------------------------------------------------------------ the walk
    def run(self, answers=None, given=None):
        """``{id: Expect}`` for every quantity of the step.

        ``answers`` ``{id: float}`` are the learner's numbers (used downstream in place of the computed ones);
        ``given`` ``{id: float}`` the numbers printed on the sheet (used where the learner wrote nothing).
        """
        self._answers, self._given, self.out, self._gb = answers or {}, given or {}, {}, {}
        with np.errstate(all="ignore"):
            A, Z = [self.X], [None]
            for l in range(1, self.L + 1):
                Z.append(self._forward_z(l, A[l - 1]))
                A.append(self._forward_a(l, Z[l]))
            self._cost(A[self.L])
            D = self._output_delta(Z[self.L], A[self.L])
            GW = [None] * (self.L + 1)
            for l in range(self.L, 0, -1):
                GW[l] = self._gradients(l, D, A[l - 1])
                if l > 1:
                    D = self._hidden_delta(l - 1, D, Z[l - 1], A[l - 1], GW[l])
            for l in range(1, self.L + 1):
                self._update(l, GW[l])
        return self.out

    def _take(self, qid, expect):
        """Record ``expect``; return the number used from here on (the learner's, the sheet's, or the computed)."""
        self.out[qid] = expect
        if qid in self._answers:
            return self._answers[qid]
        return self._given.get(qid, expect.value)

    def _layer_ids(self, kind, l):
        N, d = l + self.offset, self.W[l - 1].shape[0]
        return [[ids(kind, N, j, s=s, n=self.n) for j in range(d)] for s in range(self.n)]

    def _fill(self, kind, l, expected, candidates=(), slips=None):
        """Record a per-sample layer quantity element by element; the used array."""
        used = np.array(expected, dtype=np.float64)
        for s, row in enumerate(self._layer_ids(kind, l)):
            for j, qid in enumerate(row):
                used[s, j] = self._take(qid, Expect(
                    float(expected[s, j]), [float(c[s, j]) for c in candidates],
                    {name: float(v[s, j]) for name, v in (slips or {}).items()}))
        return used

    def _forward_z(self, l, a_prev):
        W, b = self.W[l - 1], self.b[l - 1]
        z = a_prev @ W.T + b
        z[rounding_noise(z, a_prev, W, b)] = 0.0           # 0.1 + 0.2 − 0.3 is 0 by hand (and at a ReLU kink)
        return self._fill("z", l, z, [z], {"no_bias": z - b})

    def _forward_a(self, l, z):
        a = self.act[l - 1].forward(z, np.empty_like(z))
        return self._fill("a", l, a, [a], {"no_activation": z})

    def _cost(self, a):
        C = self.loss.value(a, self.Y)
        slips = {"sum_batch": self.n * C} if self.n > 1 else {}
        if self.loss.name == "quadratic":
            slips["no_half"] = 2 * C
        self._take("C", Expect(C, [C], slips))

    def _derivatives(self, l, z, a):
        """σ′ as a learner takes it: from z, and from the a they wrote (a(1 − a), 1 − a², a > 0)."""
        act = self.act[l - 1]
        return [act.derivative(z, act.forward(z, np.empty_like(z))), act.derivative(z, a)]

    def _output_delta(self, z, a):
        act, L = self.act[-1], self.L
        grad = self.loss.gradient(a, self.Y, np.empty_like(a))
        if self.loss.bp1_is_a_minus_y(act):
            delta = a - self.Y
            slips = {"no_sigma": grad} if act.elementwise else {"softmax_elementwise": grad * a * (1 - a)}
            candidates = [delta]
        elif act.elementwise:
            candidates = [grad * d for d in self._derivatives(L, z, a)]
            delta, slips = candidates[0], {"no_sigma": grad}
        else:
            delta = act.backward(z, a, grad, np.empty_like(a))
            candidates, slips = [delta], {"softmax_elementwise": grad * a * (1 - a)}
        slips["sign"] = -delta
        return self._fill("delta", L, delta, candidates, slips)

    def _gradients(self, l, delta, a_prev):
        N, n = l + self.offset, self.n
        gw, gb = delta.T @ a_prev / n, delta.mean(axis=0)
        used = np.array(gw)
        for j in range(gw.shape[0]):
            for k in range(gw.shape[1]):
                slips = {"sign": -gw[j, k]} | ({"sum_batch": n * gw[j, k]} if n > 1 else {})
                used[j, k] = self._take(ids("dw", N, j, k), Expect(float(gw[j, k]), [float(gw[j, k])], slips))
            slips = {"sign": -gb[j]} | ({"sum_batch": n * gb[j]} if n > 1 else {})
            self._gb[(l, j)] = self._take(ids("db", N, j), Expect(float(gb[j]), [float(gb[j])], slips))
        return used

    def _hidden_delta(self, l, delta_above, z, a, gw_above):
        W = self.W[l]                                   # the weights into the layer above, before the step
        into = delta_above @ W
        primes = self._derivatives(l, z, a)
        candidates = [into * d for d in primes]
        updated = delta_above @ (W - self.eta * gw_above)
        slips = {"no_sigma": into, "updated_weights": updated * primes[0], "sign": -candidates[0]}
        return self._fill("delta", l, candidates[0], candidates, slips)

    def _update(self, l, gw):
        N, W, b = l + self.offset, self.W[l - 1], self.b[l - 1]
        for j in range(W.shape[0]):
            for k in range(W.shape[1]):
                self._take(ids("w+", N, j, k), _step(W[j, k], gw[j, k], self.eta))
            if self.update_biases[l - 1]:
                self._take(ids("b+", N, j), _step(b[j], self._gb[(l, j)], self.eta))


def _step(old, gradient, eta):
    """The update ``w − η ∂C/∂w`` and the numbers of its slips (a step of the wrong sign, size or none)."""
    old, gradient = float(old), float(gradient)
    new = old - eta * gradient
    return Expect(new, [new], {"plus_update": old + eta * gradient, "no_eta": old - gradient, "no_update": old},
                  base=old)


def from_sheet(sheet):
    """The :class:`HandStep` of a sheet's JSON (already checked by :mod:`.sheetfile`)."""
    net = sheet["network"]
    offset = 0 if sheet["numbering"] == NUMBERINGS["deltaprop"] else 1
    return HandStep(net["weights"], net["biases"], net["activations"], net["loss"], net["learning_rate"],
                    net["update_biases"], sheet["inputs"], sheet["targets"], offset)
