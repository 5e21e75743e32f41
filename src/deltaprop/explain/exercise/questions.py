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

from . import steps
from .grading import distinct

KINDS = ("z", "a", "cost", "delta", "grad", "update")
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
    slips: dict = field(default_factory=dict)       # slip key (see steps.SLIPS) -> the value that slip gives
    base: float | None = None                       # an update's parameter before the step

    def as_dict(self):
        out = {"id": self.id, "kind": self.kind, "symbol": self.symbol.text(), "value": self.value,
               "equation": self.equation, "needs": self.need_texts(), "slips": self.slips}
        if self.base is not None:
            out["base"] = self.base
        return out

    def need_texts(self):
        return [n.text() if isinstance(n, Symbol) else str(n) for n in self.needs]


def build(trace, offset=1):
    """Every question of one training step (all kinds), in reading order; layers shown as ``l + offset``
    (1: Nielsen's numbering, the input is layer 1; 0: the engine's).  Slips come from :mod:`.steps`."""
    net, L, n = trace.network, trace.n_layers, trace.n
    expects = steps.HandStep(net.weights, net.biases, net.activations, net.loss.name, trace.learning_rate,
                             trace.update_biases, trace.X, trace.Y, offset).run()
    out = []

    def ask(qid, kind, symbol, value, equation, needs):
        expect = expects[qid]
        out.append(Question(qid, kind, symbol, float(value), equation, needs, distinct(expect.slips, float(value), expect.base),
                            expect.base))

    def sample(s):
        return (s + 1) if n > 1 else None

    def prev(l, index):                                 # the input of layer l: x or a^{l-1}
        return Symbol("x", "", index) if l == 1 else Symbol("a", str(l - 1 + offset), index)

    for l in range(1, L + 1):                           # forward: z and a
        N, layer = str(l + offset), net.layers[l - 1]
        for s in range(n):
            for j in range(layer.n_out):
                ask(steps.ids("z", N, j, s=s, n=n), "z", Symbol("z", N, str(j + 1), sample(s)), trace.zs[l - 1][s, j],
                    "forward", [Symbol("w", N, f"{j + 1}k"), prev(l, "k"), Symbol("b", N, str(j + 1))])
                ask(steps.ids("a", N, j, s=s, n=n), "a", Symbol("a", N, str(j + 1), sample(s)), trace.acts[l][s, j],
                    "forward", [Symbol("z", N, str(j + 1)), layer.activation.name])
    ask("C", "cost", Symbol("C"), trace.loss, "cost", [Symbol("a", str(L + offset), "j"), Symbol("y", "", "j")])
    for l in range(L, 0, -1):                           # backward: δ (BP1 at the output, BP2 below), BP4, BP3
        N, layer = str(l + offset), net.layers[l - 1]
        for s in range(n):
            for j in range(layer.n_out):
                ask(steps.ids("delta", N, j, s=s, n=n), "delta", Symbol("δ", N, str(j + 1), sample(s)),
                    trace.grads.deltas[l - 1][s, j], "BP1" if l == L else "BP2", _delta_needs(trace, l, j, N, offset))
        for j in range(layer.n_out):
            for k in range(layer.n_in):
                ask(steps.ids("dw", N, j, k), "grad", Symbol("w", N, f"{j + 1}{k + 1}", wrap="d"),
                    trace.grads.weights[l - 1][j, k], "BP4", [prev(l, str(k + 1)), Symbol("δ", N, str(j + 1))])
            ask(steps.ids("db", N, j), "grad", Symbol("b", N, str(j + 1), wrap="d"), trace.grads.biases[l - 1][j],
                "BP3", [Symbol("δ", N, str(j + 1))])
    for l in range(1, L + 1):                           # the update, w ← w − η ∂C/∂w
        N, layer, new = str(l + offset), net.layers[l - 1], trace.updated.layers[l - 1]
        for j in range(layer.n_out):
            for k in range(layer.n_in):
                w = Symbol("w", N, f"{j + 1}{k + 1}")
                ask(steps.ids("w+", N, j, k), "update", Symbol("w", N, f"{j + 1}{k + 1}", wrap="new"),
                    new.weights[j, k], "update", [w, "η", Symbol("w", N, f"{j + 1}{k + 1}", wrap="d")])
            if trace.update_biases[l - 1]:
                ask(steps.ids("b+", N, j), "update", Symbol("b", N, str(j + 1), wrap="new"), new.biases[j], "update",
                    [Symbol("b", N, str(j + 1)), "η", Symbol("b", N, str(j + 1), wrap="d")])
    return out


def _delta_needs(trace, l, j, N, offset):
    """What δ^l_j is computed from: BP1 (a − y for the matched pairs) or BP2."""
    if l == trace.n_layers:
        needs = [Symbol("a", N, str(j + 1)), Symbol("y", "", str(j + 1))]
        return needs if trace.bp1_is_a_minus_y() else needs + [f"σ'({Symbol('z', N, str(j + 1)).text()})"]
    return [Symbol("w", str(l + 1 + offset), f"k{j + 1}"), Symbol("δ", str(l + 1 + offset), "k"),
            f"σ'({Symbol('z', N, str(j + 1)).text()})"]

