"""The small vocabulary equations are written in, independent of the output format.

An equation is a tuple of tokens; :mod:`.textmath` renders it as Unicode text
(text and Markdown output) and :mod:`.mathml` as MathML (HTML output).  The
builders (:mod:`.neuron`, :mod:`.matrix`) only ever produce these tokens, so
every format shows exactly the same numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Sym:
    """A named quantity: ``base`` with optional subscript, superscript and sample index.

    ``plain`` symbols print as in Mazur's tutorial (``w5``, ``net_h1``); the
    others use sub/superscripts (``w²₁₂``).  ``sample`` (1-based) marks the
    value for one sample of a batch, printed ``[x]``.
    """

    base: str
    sub: str = ""
    sup: str = ""
    plain: bool = False
    sample: int | None = None


@dataclass(frozen=True)
class Num:
    """A number, printed with the requested precision."""

    value: float


@dataclass(frozen=True)
class Op:
    """An operator or relation: ``=``, ``+``, ``−``, ``×``, ``⊙``, ``≈``."""

    symbol: str


@dataclass(frozen=True)
class Partial:
    """``∂num/∂den``."""

    num: Sym
    den: Sym


@dataclass(frozen=True)
class Call:
    """``name(args)``, e.g. ``σ(0.3775)``; ``prime`` writes ``σ'(…)``."""

    name: str
    args: tuple
    prime: bool = False


@dataclass(frozen=True)
class Group:
    """Parenthesised tokens."""

    items: tuple


@dataclass(frozen=True)
class Power:
    """``base^exp``; ``base`` is a token, ``exp`` a short string (``"2"``) or a token."""

    base: object
    exp: object


@dataclass(frozen=True)
class Frac:
    """A fraction of two token tuples."""

    num: tuple
    den: tuple


@dataclass(frozen=True, eq=False)
class Matrix:
    """A matrix (column vectors are ``(d, 1)``), with its shape available to renderers."""

    values: np.ndarray

    @property
    def shape_text(self):
        rows, cols = self.values.shape
        return f"{rows}×{cols}"


@dataclass(frozen=True)
class Word:
    """Ordinary text inside an equation (e.g. ``if z > 0``)."""

    text: str


@dataclass(frozen=True)
class Shape:
    """The shape note ``(2×1)`` written after a symbol in the matrix form."""

    rows: int
    cols: int


ETA = Sym("η", plain=True)      # the learning rate's symbol

OPERATORS = {"=", "+", "−", "×", "⊙", "≈", "·", "←"}


def equation(*items):
    """Flatten ``items`` (tokens, strings for operators, numbers, nested lists) into a tuple.

    Strings become :class:`Op`, plain numbers :class:`Num`.  A negative number
    that follows an arithmetic operator is wrapped in parentheses: ``0.5 + (-0.2)``.
    """
    out = []

    def add(item):
        if isinstance(item, (list, tuple)) and not isinstance(item, Group):
            for sub in item:
                add(sub)
            return
        if isinstance(item, str):
            item = Op(item)
        elif isinstance(item, int) and not isinstance(item, bool):
            item = Num(item)                   # a literal of the formula (e.g. the bias's × 1): printed as is
        elif isinstance(item, (float, np.floating, np.integer)):
            item = Num(float(item))
        if isinstance(item, Num) and item.value < 0 and out and isinstance(out[-1], Op) \
                and out[-1].symbol in ("+", "−", "×", "⊙", "·"):
            item = Group((item,))
        out.append(item)

    add(items)
    return tuple(out)


def join(items, op):
    """``[a, b, c]`` → ``[a, op, b, op, c]``; each item may itself be a list of tokens."""
    out = []
    for i, item in enumerate(items):
        if i:
            out.append(op)
        out.append(item)
    return out


class FixedDecimals(int):
    """A precision that keeps trailing zeros: ``FixedDecimals(6)`` prints 0.593270 and 0.150000, so the numbers
    of a worked table line up (what ``--precision 6`` asks for).  A plain ``int`` precision prints the way the
    tutorial does, trailing zeros dropped (0.15, 0.3775, 0.593269992)."""

    fixed = True


def format_number(value, precision):
    """Round to ``precision`` decimals the way the tutorial prints, trailing zeros dropped
    (kept when ``precision`` is a :class:`FixedDecimals`).

    Very small or very large magnitudes use scientific notation with
    ``precision`` significant digits (``3.51018778e-05``).
    """
    if type(value) is int:              # a literal of the formula (the bias's "× 1"), not a computed value
        return str(value)
    value = float(value)
    fixed = getattr(precision, "fixed", False)
    if value == 0:
        return f"{0:.{precision}f}" if fixed else "0"
    if not math.isfinite(value):
        return str(value)
    if max(1e-4, 10.0 ** (2 - precision)) <= abs(value) < 1e7:
        text = f"{value:.{precision}f}"
        if "." in text and not fixed:
            text = text.rstrip("0").rstrip(".")
        return "0" if text in ("-0", "") else text
    mantissa, exponent = f"{value:.{max(precision - 1, 0)}e}".split("e")
    if "." in mantissa and not fixed:
        mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}e{int(exponent):+03d}"


SUPERSCRIPT = str.maketrans("0123456789-+", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺")


def display_number(value, precision):
    """:func:`format_number` for a reader: minus signs as the typographic ``−`` (U+2212), the same glyph as the
    operators around them (``0.5 × (−0.0226)``), and powers of ten as a teacher writes them (``9.95 × 10⁻⁶``,
    never ``9.95e-06``).  JSON keeps real numbers; learners may type either sign."""
    text = format_number(value, precision)
    if "e" in text and "inf" not in text and "nan" not in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa} × 10{str(int(exponent)).translate(SUPERSCRIPT)}"
    return text.replace("-", "−")


def paren(*items):
    """``(items)`` with the same flattening as :func:`equation`."""
    return Group(equation(*items))


def call(name, *items, prime=False):
    """``name(items)``."""
    return Call(name, equation(*items), prime)


def frac(num, den):
    """``num / den``; each a token or a list of items."""
    return Frac(equation(num), equation(den))
