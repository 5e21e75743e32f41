"""How each activation's derivative and each loss is written out, with the engine's numbers.

Each function returns the middle of an equation, e.g. for the sigmoid
``out_o1(1 − out_o1)`` and ``0.75136507(1 − 0.75136507)``; the builders put
the symbol in front and the engine's value at the end.  The values themselves
always come from :class:`~.model.Trace`.
"""

from __future__ import annotations

from .expr import Num, Power, Word, call, frac, paren

# How an activation is called in equations.
FUNCTION_NAMES = {"sigmoid": "σ", "tanh": "tanh", "relu": "ReLU", "leaky-relu": "LReLU",
                  "linear": "id", "softmax": "softmax"}


def function_name(activation):
    return FUNCTION_NAMES.get(activation.name, activation.name)


def derivative(activation, a_sym, z, a):
    """``(symbolic, numeric)`` token lists for ``σ'(z)``; numeric may be empty (nothing to substitute)."""
    name = activation.name
    if name == "sigmoid":
        return [a_sym, paren(1, "−", a_sym)], [Num(a), paren(1, "−", Num(a))]
    if name == "tanh":
        return [Num(1), "−", Power(a_sym, "2")], [Num(1), "−", Power(paren(Num(a)) if a < 0 else Num(a), "2")]
    if name == "linear":
        return [Num(1)], []
    if name in ("relu", "leaky-relu"):
        slope = 0.0 if name == "relu" else activation.slope
        sign = ">" if z > 0 else "=" if z == 0 else "<"       # z = 0: the kink, deltaprop takes the left slope
        return [call(function_name(activation), Num(z), prime=True)], [Word(f"{1 if z > 0 else slope:g}  (z {sign} 0)")]
    raise ValueError(f"activation {name!r} has no element-wise derivative to write out")


def loss_term(loss, a_sym, y_sym, a, y):
    """``(symbolic, numeric)`` for the cost of one output unit."""
    name = loss.name
    half = frac(Num(1), Num(2))
    if name == "quadratic":
        return [half, Power(paren(y_sym, "−", a_sym), "2")], [half, Power(paren(Num(y), "−", Num(a)), "2")]
    if name == "binary-cross-entropy":
        return ([Word("−"), paren(y_sym, call("ln", a_sym), "+", paren(1, "−", y_sym), call("ln", 1, "−", a_sym))],
                [Word("−"), paren(Num(y), "·", call("ln", Num(a)), "+", paren(1, "−", Num(y)), "·",
                                  call("ln", 1, "−", Num(a)))])
    if name == "cross-entropy":
        return [Word("−"), y_sym, call("ln", a_sym)], [Word("−"), Num(y), "·", call("ln", Num(a))]   # −0·ln(…)
    raise ValueError(f"loss {name!r} cannot be written out")


def loss_gradient(loss, a_sym, y_sym, a, y):
    """``(symbolic, numeric)`` for ``∂C/∂a_j`` of one output unit."""
    name = loss.name
    if name == "quadratic":          # Mazur's −(target − out)
        return [Word("−"), paren(y_sym, "−", a_sym)], [Word("−"), paren(Num(y), "−", Num(a))]
    if name == "binary-cross-entropy":
        return ([frac([a_sym, "−", y_sym], [a_sym, paren(1, "−", a_sym)])],
                [frac([Num(a), "−", Num(y)], [Num(a), paren(1, "−", Num(a))])])
    if name == "cross-entropy":
        return [Word("−"), frac(y_sym, a_sym)], [Word("−"), frac(Num(y), Num(a))]
    raise ValueError(f"loss {name!r} cannot be written out")
