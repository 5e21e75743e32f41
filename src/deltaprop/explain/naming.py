"""What each quantity is called: Mazur's names for his 2-2-2 network, Nielsen's otherwise.

Mazur's post: inputs ``i1 i2``, hidden ``net_h1``/``out_h1``, outputs
``net_o1``/``out_o1``, weights ``w1``..``w8`` numbered row by row, layer by
layer, errors ``E_o1`` and ``E_total``.  Nielsen (*Neural Networks and Deep Learning*, ch. 2; any network):
``x_k``, ``z^l_j``, ``a^l_j``, ``w^l_jk``, ``b^l_j``, ``δ^l_j``, cost ``C``.
Biases are per neuron in both (``b_h1``): the engine trains each one separately.
"""

from __future__ import annotations

from .document import Phrase
from .expr import Sym


def _index(*numbers):
    """``(1, 2)`` → ``"12"``; with any index ≥ 10 the parts are comma separated."""
    return ("," if any(n >= 10 for n in numbers) else "").join(str(n) for n in numbers)


NUMBERINGS = ("deltaprop", "nielsen")
DEFAULT_NUMBERING = "nielsen"       # every learner-facing face: the book learners hold (the API keeps 0-based lists)


def layer_number(l, numbering=DEFAULT_NUMBERING):
    """The number a learner sees for the engine's layer ``l`` (1 = first hidden layer): ``l + 1`` in Nielsen's
    numbering (the input is layer 1), ``l`` in the engine's.  Unknown numberings are refused."""
    if numbering not in NUMBERINGS:
        raise ValueError(f"unknown numbering {numbering!r}; valid: {', '.join(NUMBERINGS)}")
    return l + (1 if numbering == "nielsen" else 0)


def neuron_label(lang, l, j, numbering=DEFAULT_NUMBERING):
    """``"neuron 2 of layer 3"`` (``"第 3 层的第 2 个神经元"``, …) for neuron ``j`` (0-based) of engine layer ``l``:
    every label of a neuron names its layer (the explainer's notes, the demon check, the playground)."""
    from .i18n import translate
    return translate(lang, "unit_label", unit=str(j + 1), layer=str(layer_number(l, numbering)))


class GenericNames:
    """Nielsen's notation; units from 1; layers as his book numbers them (``numbering="nielsen"``, the default:
    the input is layer 1, so the first hidden layer is layer 2) or as the engine does (``"deltaprop"``: 1 = first
    hidden layer)."""

    mazur = False
    cost = "C"

    def __init__(self, sizes, numbering=DEFAULT_NUMBERING):
        if numbering not in NUMBERINGS:
            raise ValueError(f"unknown numbering {numbering!r}; valid: {', '.join(NUMBERINGS)}")
        self.sizes = list(sizes)
        self.numbering = numbering
        self.offset = 1 if numbering == "nielsen" else 0

    def layer(self, l):
        """The number a reader sees for the engine's layer ``l``."""
        return l + self.offset

    def _s(self, base, sub="", sup="", sample=None):
        return Sym(base, sub, sup, plain=False, sample=sample)

    def input(self, k, sample=None):
        return self._s("x", _index(k + 1), sample=sample)

    def z(self, l, j, sample=None):
        return self._s("z", _index(j + 1), str(self.layer(l)), sample=sample)

    def a(self, l, j, sample=None):
        """Activation ``a^l_j``; layer 0 is the input."""
        if l == 0:
            return self.input(j, sample)
        return self._s("a", _index(j + 1), str(self.layer(l)), sample=sample)

    def unit(self, l, j):
        """How a neuron is called in headings: ``3`` (generic) or ``h1``/``o2`` (Mazur)."""
        return str(j + 1)

    def unit_label(self, l, j):
        """The neuron with its layer, translated at render time: "neuron 3 of layer 2" (Mazur: "neuron h1 of …")."""
        return Phrase("unit_label", {"unit": self.unit(l, j), "layer": self.layer(l)})

    def weight(self, l, j, k):
        return self._s("w", _index(j + 1, k + 1), str(self.layer(l)))

    def bias(self, l, j):
        return self._s("b", _index(j + 1), str(self.layer(l)))

    def delta(self, l, j, sample=None):
        return self._s("δ", _index(j + 1), str(self.layer(l)), sample=sample)

    def target(self, j, sample=None):
        return self._s("y", _index(j + 1), sample=sample)

    def cost_of(self, j, sample=None):
        """Cost contributed by output unit ``j``."""
        return self._s(self.cost, _index(j + 1), sample=sample)

    def total(self, sample=None):
        return self._s(self.cost, sample=sample)

    def updated(self, sym):
        """``w⁺``: the parameter after the step."""
        return Sym(sym.base, sym.sub, (sym.sup + "+") if sym.plain else sym.sup + "+", sym.plain, sym.sample)

    # vectors and matrices of the tensor form
    def vector(self, base, l):
        return self._s(base, "", str(self.layer(l)))

    def matrix(self, l):
        return self._s("W", "", str(self.layer(l)))


class MazurNames(GenericNames):
    """The tutorial's names (only for a 2-2-2 network)."""

    mazur = True
    cost = "E"
    _UNIT = {1: "h", 2: "o"}

    def _p(self, base, sub="", sample=None):
        return Sym(base, sub, "", plain=True, sample=sample)

    def input(self, k, sample=None):
        return self._p("i", str(k + 1), sample)

    def z(self, l, j, sample=None):
        return self._p("net", f"{self._UNIT[l]}{j + 1}", sample)

    def a(self, l, j, sample=None):
        if l == 0:
            return self.input(j, sample)
        return self._p("out", f"{self._UNIT[l]}{j + 1}", sample)

    def unit(self, l, j):
        return f"{self._UNIT[l]}{j + 1}"

    def weight(self, l, j, k):
        offset = sum(a * b for a, b in zip(self.sizes[:l - 1], self.sizes[1:l]))
        return self._p("w", str(offset + j * self.sizes[l - 1] + k + 1))

    def bias(self, l, j):
        return self._p("b", f"{self._UNIT[l]}{j + 1}")

    def delta(self, l, j, sample=None):
        return self._p("δ", f"{self._UNIT[l]}{j + 1}", sample)

    def target(self, j, sample=None):
        return self._p("target", f"o{j + 1}", sample)

    def cost_of(self, j, sample=None):
        return self._p("E", f"o{j + 1}", sample)

    def total(self, sample=None):
        return self._p("E", "total", sample)


def names_for(network, naming="auto", numbering=DEFAULT_NUMBERING):
    """``"mazur"``, ``"generic"`` or ``"auto"`` (Mazur's names for a 2-2-2 network); layers numbered as the
    engine does (``"deltaprop"``) or as Nielsen's book (``"nielsen"``)."""
    if naming not in ("auto", "mazur", "generic"):
        raise ValueError(f"unknown naming {naming!r}; valid: auto, mazur, generic")
    if naming == "auto":
        naming = "mazur" if network.sizes == [2, 2, 2] else "generic"
    if naming == "mazur" and network.sizes != [2, 2, 2]:
        raise ValueError(f"Mazur's names (w1..w8, h1, o1) need a 2-2-2 network, got {network.sizes}")
    return (MazurNames if naming == "mazur" else GenericNames)(network.sizes, numbering)
