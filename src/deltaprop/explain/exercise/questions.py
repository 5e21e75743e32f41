"""What an exercise asks, computed by the engine, with the equation to use and the slips learners make.

Every value comes from the explainer's :class:`~deltaprop.explain.model.Trace` (the engine's forward pass,
backprop and one SGD step).  Symbols use **Nielsen's numbering** (the input is layer 1, so the first hidden
layer is layer 2), as in his book: ``z²₁`` is the weighted input of the first neuron of the first hidden
layer, ``w³₁₂`` the weight into neuron 1 of layer 3 from neuron 2 of layer 2.

Each question also carries the values a learner typically gets by one slip -- forgetting σ'(z), using the
already-updated weight in BP2, a sign error, forgetting the 1/n of a batch mean -- so that the checker can
name the slip instead of only saying "wrong".
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

KINDS = ("z", "a", "cost", "delta", "grad", "update")
SLIPS = ("no_bias", "no_activation", "no_half", "sum_batch", "sign", "no_sigma", "updated_weights", "plus_update",
         "no_eta")       # named in each language's locale file
SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
SUB = str.maketrans("0123456789jk", "₀₁₂₃₄₅₆₇₈₉ⱼₖ")


@dataclass(frozen=True)
class Symbol:
    """``base`` with layer ``sup`` and indices ``sub`` (Nielsen's numbering); ``sample`` for a batch."""

    base: str
    sup: str = ""
    sub: str = ""
    sample: int | None = None
    wrap: str = ""              # "d" → ∂C/∂(symbol), "new" → the value after the update

    def text(self):
        core = f"{self.base}{self.sup.translate(SUP)}{self.sub.translate(SUB)}"
        core = f"∂C/∂{core}" if self.wrap == "d" else f"{core}⁺" if self.wrap == "new" else core
        return core + (f"[{self.sample}]" if self.sample is not None else "")

    def html(self):
        base = {"delta": "δ"}.get(self.base, self.base)
        core = f"{base}<sup>{self.sup}</sup><sub>{self.sub}</sub>" if self.sup or self.sub else base
        core = f"∂C/∂{core}" if self.wrap == "d" else f"{core}<sup>+</sup>" if self.wrap == "new" else core
        return core + (f"<sub>[{self.sample}]</sub>" if self.sample is not None else "")

    def latex(self):
        base = {"δ": r"\delta"}.get(self.base, self.base)
        core = f"{base}^{{{self.sup}}}_{{{self.sub}}}" if self.sup or self.sub else base
        if self.wrap == "d":
            core = rf"\frac{{\partial C}}{{\partial {core}}}"
        elif self.wrap == "new":
            core = rf"{core}^{{+}}" if not self.sup else f"{base}^{{{self.sup}+}}_{{{self.sub}}}"
        return f"{{{core}}}^{{[{self.sample}]}}" if self.sample is not None else core


@dataclass
class Question:
    """One number to compute."""

    id: str                         # stable name for answers files, e.g. "z2_1", "delta3_1[2]", "w3_12+"
    kind: str                       # one of KINDS
    symbol: Symbol
    value: float                    # the engine's number
    equation: str                   # "forward", "cost", "BP1", "BP2", "BP3", "BP4", "update"
    needs: list = field(default_factory=list)      # symbols (text) of what it is computed from
    slips: dict = field(default_factory=dict)       # slip key (see SLIPS) -> the value that slip gives

    def as_dict(self):
        return {"id": self.id, "kind": self.kind, "symbol": self.symbol.text(), "value": self.value,
                "equation": self.equation, "needs": self.need_texts(), "slips": self.slips}

    def need_texts(self):
        return [n.text() if isinstance(n, Symbol) else str(n) for n in self.needs]


def build(trace):
    """Every question of one training step (all kinds), in reading order."""
    net, L, n = trace.network, trace.n_layers, trace.n
    batch = n > 1
    out = []

    def sample_ids(s):
        return (s + 1) if batch else None

    def sid(base, s):
        return f"{base}[{s + 1}]" if batch else base

    for l in range(1, L + 1):                           # forward: z and a, Nielsen layer l + 1
        N = str(l + 1)
        layer = net.layers[l - 1]
        for s in range(n):
            for j in range(layer.n_out):
                z, a = float(trace.zs[l - 1][s, j]), float(trace.acts[l][s, j])
                needs = [Symbol("w", N, f"{j + 1}k"), Symbol("x", "", "k") if l == 1 else Symbol("a", str(l), "k"),
                         Symbol("b", N, str(j + 1))]
                out.append(Question(sid(f"z{N}_{j + 1}", s), "z", Symbol("z", N, str(j + 1), sample_ids(s)), z,
                                    "forward", needs, _distinct({"no_bias": z - float(layer.biases[j])}, z)))
                slips = _distinct({"no_activation": z}, a)
                out.append(Question(sid(f"a{N}_{j + 1}", s), "a", Symbol("a", N, str(j + 1), sample_ids(s)), a,
                                    "forward", [Symbol("z", N, str(j + 1)), layer.activation.name], slips))
    cost_slips = {}
    if net.loss.name == "quadratic":
        cost_slips["no_half"] = 2 * trace.loss
    if batch:
        cost_slips["sum_batch"] = n * trace.loss
    out.append(Question("C", "cost", Symbol("C"), float(trace.loss), "cost",
                        [Symbol("a", str(L + 1), "j"), Symbol("y", "", "j")], _distinct(cost_slips, trace.loss)))

    for l in range(L, 0, -1):                           # backward: δ, BP1 at the output, BP2 below
        N, layer = str(l + 1), net.layers[l - 1]
        for s in range(n):
            for j in range(layer.n_out):
                delta = float(trace.grads.deltas[l - 1][s, j])
                slips = {"sign": -delta}
                if l == L:
                    equation = "BP1"
                    if layer.activation.elementwise and not trace.fused():
                        slips["no_sigma"] = float(trace.loss_gradient[s, j])
                    needs = [Symbol("a", N, str(j + 1)), Symbol("y", "", str(j + 1))] + \
                        ([] if trace.fused() else [f"σ'({Symbol('z', N, str(j + 1)).text()})"])
                else:
                    equation = "BP2"
                    above, above_new = net.layers[l], trace.updated.layers[l]
                    into = float(trace.grads.deltas[l][s] @ above.weights[:, j])
                    sigma = float(trace.derivatives[l - 1][s, j])
                    slips["no_sigma"] = into
                    slips["updated_weights"] = \
                        float(trace.grads.deltas[l][s] @ above_new.weights[:, j]) * sigma
                    needs = [Symbol("w", str(l + 2), f"k{j + 1}"), Symbol("δ", str(l + 2), "k"),
                             f"σ'({Symbol('z', N, str(j + 1)).text()})"]
                out.append(Question(sid(f"delta{N}_{j + 1}", s), "delta", Symbol("δ", N, str(j + 1), sample_ids(s)),
                                    delta, equation, needs, _distinct(slips, delta)))
        for j in range(layer.n_out):                    # gradients: BP4 (weights), BP3 (biases), batch means
            for k in range(layer.n_in):
                g = float(trace.grads.weights[l - 1][j, k])
                slips = {"sign": -g}
                if batch:
                    slips["sum_batch"] = n * g
                out.append(Question(f"dC/dw{N}_{j + 1}{k + 1}", "grad", Symbol("w", N, f"{j + 1}{k + 1}", wrap="d"),
                                    g, "BP4", [Symbol("x", "", str(k + 1)) if l == 1 else Symbol("a", str(l), str(k + 1)),
                                               Symbol("δ", N, str(j + 1))], _distinct(slips, g)))
            g = float(trace.grads.biases[l - 1][j])
            slips = {"sign": -g}
            if batch:
                slips["sum_batch"] = n * g
            out.append(Question(f"dC/db{N}_{j + 1}", "grad", Symbol("b", N, str(j + 1), wrap="d"), g, "BP3",
                                [Symbol("δ", N, str(j + 1))], _distinct(slips, g)))
    eta = trace.learning_rate
    for l in range(1, L + 1):                           # the update, w ← w − η ∂C/∂w
        N, layer, new = str(l + 1), net.layers[l - 1], trace.updated.layers[l - 1]
        for j in range(layer.n_out):
            for k in range(layer.n_in):
                w, g, w_new = float(layer.weights[j, k]), float(trace.grads.weights[l - 1][j, k]), \
                    float(new.weights[j, k])
                out.append(Question(f"w{N}_{j + 1}{k + 1}+", "update", Symbol("w", N, f"{j + 1}{k + 1}", wrap="new"),
                                    w_new, "update", [Symbol("w", N, f"{j + 1}{k + 1}"), "η",
                                                      Symbol("w", N, f"{j + 1}{k + 1}", wrap="d")],
                                    _distinct({"plus_update": w + eta * g, "no_eta": w - g}, w_new)))
            if trace.update_biases[l - 1]:
                b, g, b_new = float(layer.biases[j]), float(trace.grads.biases[l - 1][j]), float(new.biases[j])
                out.append(Question(f"b{N}_{j + 1}+", "update", Symbol("b", N, str(j + 1), wrap="new"), b_new,
                                    "update", [Symbol("b", N, str(j + 1)), "η", Symbol("b", N, str(j + 1), wrap="d")],
                                    _distinct({"plus_update": b + eta * g, "no_eta": b - g}, b_new)))
    return out


def _distinct(slips, value):
    """Drop slips that give the right answer anyway (e.g. a sign error on 0)."""
    return {name: v for name, v in slips.items() if not np.isclose(v, value, rtol=1e-3, atol=1e-4)}
