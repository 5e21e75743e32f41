"""A simulated student: does one sheet's training step by hand, in the sheet's order, each number from the numbers
they wrote before, with at most one slip -- written independently of the grader (plain floats, one neuron at a
time), so that the grader's follow-through credit is tested against a different computation."""

from __future__ import annotations

import math


def _slope(spec):
    return float(spec.split(":")[1]) if ":" in spec else 0.01


def _act(name, z_row):
    name, slope = name.split(":")[0], _slope(name)
    if name == "softmax":
        m = max(z_row)
        e = [math.exp(z - m) for z in z_row]
        return [v / sum(e) for v in e]
    f = {"sigmoid": lambda z: 1 / (1 + math.exp(-z)), "tanh": math.tanh, "relu": lambda z: max(z, 0.0),
         "leaky-relu": lambda z: z if z > 0 else slope * z, "linear": lambda z: z}[name]
    return [f(z) for z in z_row]


def _prime(spec, z, a):
    """σ′ as a student takes it: from a for sigmoid and tanh, from z for ReLU."""
    name = spec.split(":")[0]
    return {"sigmoid": a * (1 - a), "tanh": 1 - a * a, "relu": 1.0 if z > 0 else 0.0,
            "leaky-relu": 1.0 if z > 0 else _slope(spec), "linear": 1.0}[name]


class Impossible(ArithmeticError):
    """The slip leaves the student nothing to compute (e.g. ln of a negative a)."""


def _cost(loss, a, y):
    if loss == "quadratic":
        return 0.5 * sum((ai - yi) ** 2 for ai, yi in zip(a, y))
    if min(a) <= 0 or (loss != "cross-entropy" and max(a) >= 1):
        raise Impossible("ln of a number ≤ 0")      # a slip that leaves no cost to compute
    if loss == "cross-entropy":
        return -sum(yi * math.log(ai) for ai, yi in zip(a, y) if yi)
    return -sum(yi * math.log(ai) + (1 - yi) * math.log(1 - ai) for ai, yi in zip(a, y))


def _dcost(loss, a, y):
    if loss == "quadratic":
        return [ai - yi for ai, yi in zip(a, y)]
    if loss == "cross-entropy":
        return [-yi / ai for ai, yi in zip(a, y)]
    return [(ai - yi) / (ai * (1 - ai)) for ai, yi in zip(a, y)]


class Student:
    def __init__(self, sheet, slip_id=None, slip=None, digits=6):
        self.sheet, self.slip_id, self.slip, self.digits = sheet, slip_id, slip, digits
        self.asked = {q["id"] for q in sheet["questions"]}
        self.printed = {q["id"]: q["value"] for q in sheet["given"]}
        self.answers = {}

    def write(self, qid, right, slipped=None):
        """The student's number for ``qid``: the slipped one where they slip; a printed value where given."""
        if qid in self.printed:
            return self.printed[qid]
        value = slipped() if qid == self.slip_id else right
        value = round(value, self.digits)
        self.answers[qid] = value
        return value

    def is_slip(self, kind):
        return self.slip == kind

    def work(self):
        net, X, Y = self.sheet["network"], self.sheet["inputs"], self.sheet["targets"]
        W, B, acts, loss, eta = net["weights"], net["biases"], net["activations"], net["loss"], net["learning_rate"]
        off = 0 if self.sheet["numbering"].startswith("deltaprop ") else 1
        n, L = len(X), len(W)
        tag = (lambda s: f"[{s + 1}]") if n > 1 else (lambda s: "")
        A = [[list(x) for x in X]]
        Z = [None]
        for l in range(1, L + 1):
            N, zl, al = l + off, [], []
            for s in range(n):
                row = []
                for j, (w, b) in enumerate(zip(W[l - 1], B[l - 1])):
                    dot = sum(wk * ak for wk, ak in zip(w, A[l - 1][s]))
                    row.append(self.write(f"z{N}_{j + 1}{tag(s)}", dot + b, lambda: dot))
                right = _act(acts[l - 1], row)
                zl.append(row)
                al.append([self.write(f"a{N}_{j + 1}{tag(s)}", right[j], lambda j=j: row[j]) for j in range(len(row))])
            Z.append(zl)
            A.append(al)
        C = sum(_cost(loss, A[L][s], Y[s]) for s in range(n)) / n
        self.write("C", C, lambda: 2 * C if self.is_slip("no_half") else n * C)
        D = self._output_delta(acts[-1].split(":")[0], loss, Z[L], A[L], Y, L + off, tag)
        for l in range(L, 0, -1):
            N = l + off
            GW = self._gradients(l, N, D, A[l - 1])
            self.GW = getattr(self, "GW", {})
            self.GW[l] = GW
            if l > 1:
                D = self._hidden_delta(acts[l - 2], W[l - 1], GW, eta, D, Z[l - 1], A[l - 1], l - 1 + off,
                                       tag)
        for l in range(1, L + 1):
            N = l + off
            for j, w in enumerate(W[l - 1]):
                for k, wk in enumerate(w):
                    self._update(f"w{N}_{j + 1}{k + 1}+", wk, self.GW[l][0][j][k], eta)
                if net["update_biases"][l - 1]:
                    self._update(f"b{N}_{j + 1}+", B[l - 1][j], self.GW[l][1][j], eta)
        return self.answers

    def _output_delta(self, act, loss, Z, A, Y, N, tag):
        D = []
        for s in range(len(A)):
            a, y, g = A[s], Y[s], _dcost(loss, A[s], Y[s])
            if (act, loss) in (("softmax", "cross-entropy"), ("sigmoid", "binary-cross-entropy")):
                right = [ai - yi for ai, yi in zip(a, y)]
            elif act == "softmax":
                right = [sum(g[i] * a[i] * ((i == j) - a[j]) for i in range(len(a))) for j in range(len(a))]
            else:
                right = [g[j] * _prime(act, Z[s][j], a[j]) for j in range(len(a))]

            def slipped(j):
                if self.is_slip("sign"):
                    return -right[j]
                if self.is_slip("no_sigma"):
                    return g[j]
                return g[j] * a[j] * (1 - a[j])         # softmax_elementwise
            D.append([self.write(f"delta{N}_{j + 1}{tag(s)}", right[j], lambda j=j: slipped(j))
                      for j in range(len(a))])
        return D

    def _gradients(self, l, N, D, A_prev):
        n = len(D)
        gw, gb = [], []
        for j in range(len(D[0])):
            row = []
            for k in range(len(A_prev[0])):
                g = sum(A_prev[s][k] * D[s][j] for s in range(n)) / n
                row.append(self.write(f"dC/dw{N}_{j + 1}{k + 1}", g, lambda g=g: -g if self.is_slip("sign") else n * g))
            gw.append(row)
            g = sum(D[s][j] for s in range(n)) / n
            gb.append(self.write(f"dC/db{N}_{j + 1}", g, lambda g=g: -g if self.is_slip("sign") else n * g))
        return gw, gb

    def _hidden_delta(self, act, W_above, GW_above, eta, D_above, Z, A, N, tag):
        out = []
        for s in range(len(D_above)):
            row = []
            for j in range(len(A[s])):
                into = sum(W_above[i][j] * D_above[s][i] for i in range(len(D_above[s])))
                new = sum((W_above[i][j] - eta * GW_above[0][i][j]) * D_above[s][i] for i in range(len(D_above[s])))
                prime = _prime(act, Z[s][j], A[s][j])
                slips = {"sign": -into * prime, "no_sigma": into, "updated_weights": new * prime}
                row.append(self.write(f"delta{N}_{j + 1}{tag(s)}", into * prime, lambda: slips[self.slip]))
            out.append(row)
        return out

    def _update(self, qid, w, g, eta):
        slips = {"plus_update": w + eta * g, "no_eta": w - g, "no_update": w}
        self.write(qid, w - eta * g, lambda: slips[self.slip])
