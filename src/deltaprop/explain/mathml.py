"""Render equations (:mod:`.expr` tokens) as MathML Core, which browsers draw natively."""

from __future__ import annotations

import re
from html import escape

from . import textmath

from .expr import Call, Frac, Group, Matrix, Num, Op, Partial, Power, Shape, Sym, Word, display_number


def render(tokens, precision, display=True, max_chars=96):
    """``<math>`` element for one equation.

    MathML has no automatic line breaking, so an equation longer than about
    ``max_chars`` characters (matrices excepted) is set as aligned rows, one
    per ``=``: ``lhs = a`` / ``= b`` / ``= c``.
    """
    mode = ' display="block"' if display else ""
    parts = _split(tokens)
    if len(parts) > 2 and not any(isinstance(t, Matrix) for t in tokens) \
            and len(textmath.render(tokens, precision)) > max_chars:
        rows = [f"<mtr><mtd>{_row(parts[0], precision)}</mtd><mtd><mo>=</mo>{_row(parts[1], precision)}</mtd></mtr>"]
        rows += [f"<mtr><mtd></mtd><mtd><mo>=</mo>{_row(part, precision)}</mtd></mtr>" for part in parts[2:]]
        return f'<math{mode}><mtable class="aligned">{"".join(rows)}</mtable></math>'
    return f'<math{mode}><mrow>{_row(tokens, precision)}</mrow></math>'


def _split(tokens):
    """Top-level pieces between ``=`` signs."""
    parts = [[]]
    for token in tokens:
        if isinstance(token, Op) and token.symbol == "=":
            parts.append([])
        else:
            parts[-1].append(token)
    return parts


def _row(tokens, precision):
    return "".join(_token(token, precision) for token in tokens)


def symbol(sym):
    """``Sym`` → ``<msub>``/``<msup>``/``<msubsup>`` (plain symbols keep Mazur's look: w5, net_h1)."""
    base = _mi(sym.base)
    sub = f"<mn>{sym.sub}</mn>" if sym.sub.isdigit() else (f"<mi>{escape(sym.sub)}</mi>" if sym.sub else "")
    sup = ""
    if sym.sup:
        mark = sym.sup[-1] if sym.sup[-1] in "+T" else ""
        digits = sym.sup[:-1] if mark else sym.sup
        plus = {"+": "<mo>+</mo>", "T": '<mi mathvariant="normal">T</mi>', "": ""}[mark]
        sup = f"<mn>{escape(digits)}</mn>" if digits else ""
        sup = f"<mrow>{sup}{plus}</mrow>" if sup and plus else (sup or plus)
    if sym.sup.endswith("T") and sym.sup[:-1].isdigit():    # W²ᵀ: (W²)ᵀ as Nielsen writes it, not a "2T" exponent
        inner = f"<msup>{base}<mn>{sym.sup[:-1]}</mn></msup>"
        out = f'<msup><mrow><mo>(</mo>{inner}<mo>)</mo></mrow><mi mathvariant="normal">T</mi></msup>'
    elif sub and sup:
        out = f"<msubsup>{base}{sub}{sup}</msubsup>"
    elif sub:
        out = f"<msub>{base}{sub}</msub>"
    elif sup:
        out = f"<msup>{base}{sup}</msup>"
    else:
        out = base
    if sym.sample is not None:
        out = f"<mrow>{out}<mo>[</mo><mn>{sym.sample}</mn><mo>]</mo></mrow>"
    return out


def _token(token, precision):
    if isinstance(token, Num):
        text = display_number(token.value, precision)
        if text.startswith("−"):
            return f"<mrow><mo>−</mo><mn>{text[1:]}</mn></mrow>"
        return f"<mn>{text}</mn>"
    if isinstance(token, Op):
        return f"<mo>{escape(token.symbol)}</mo>"
    if isinstance(token, Sym):
        return symbol(token)
    if isinstance(token, Word):
        return f"<mtext>{escape(token.text).replace(' ', chr(0xA0))}</mtext>"
    if isinstance(token, Shape):
        return f'<mtext class="shape">\u2002({token.rows}×{token.cols})</mtext>'
    if isinstance(token, Partial):
        return (f"<mfrac><mrow><mo>∂</mo>{symbol(token.num)}</mrow>"
                f"<mrow><mo>∂</mo>{symbol(token.den)}</mrow></mfrac>")
    if isinstance(token, Call):
        name = _mi(token.name)
        if token.prime:
            name = f"<msup>{name}<mo>′</mo></msup>"
        return f"<mrow>{name}<mo>(</mo>{_row(token.args, precision)}<mo>)</mo></mrow>"
    if isinstance(token, Group):
        return f"<mrow><mo>(</mo>{_row(token.items, precision)}<mo>)</mo></mrow>"
    if isinstance(token, Power):
        exp = f"<mn>{escape(token.exp)}</mn>" if isinstance(token.exp, str) else _token(token.exp, precision)
        return f"<msup>{_token(token.base, precision)}{exp}</msup>"
    if isinstance(token, Frac):
        return f"<mfrac><mrow>{_row(token.num, precision)}</mrow><mrow>{_row(token.den, precision)}</mrow></mfrac>"
    if isinstance(token, Matrix):
        return _matrix(token, precision)
    raise TypeError(f"cannot render {token!r}")     # internal: builders only make known tokens


def _matrix(matrix, precision):
    rows = "".join(
        "<mtr>" + "".join(f"<mtd>{_token(Num(v), precision)}</mtd>" for v in row) + "</mtr>"
        for row in matrix.values)
    # The brackets are drawn by CSS (class "matrix"): stretchy <mo>[</mo> needs a math font with
    # an OpenType MATH table, which many systems lack.
    return f'<mtable class="matrix" title="{matrix.shape_text}">{rows}</mtable>'


# ---------------------------------------------------------------- symbols inside prose
_PROSE_SYMBOL = re.compile(r"(?<![\w\\])([A-Za-zδσ∇∂ΣW]{1,2}|E|net|out|target)"
                           r"((?:[_^](?:\([^()]*\)|[A-Za-z0-9+−]+))+)")
_PROSE_PART = re.compile(r"([_^])(\([^()]*\)|[A-Za-z0-9+−]+)")


def _mi(text):
    """A script body (``L``, ``l+1``, ``z_k``) as MathML: identifiers, numbers, operators."""
    if "_" in text:                                     # e^(z_k): a subscript inside the exponent
        base, sub = text.split("_", 1)
        return f"<msub>{_mi(base)}{_mi(sub)}</msub>"
    out = []
    for token in re.findall(r"[A-Za-zδσΣ]+|\d+|[+−]", text):
        tag = "mn" if token.isdigit() else "mo" if token in "+−" else "mi"
        out.append(f"<{tag}>{escape(token)}</{tag}>")
    return out[0] if len(out) == 1 else "<mrow>" + "".join(out) + "</mrow>"


def prose(text):
    """Escaped prose whose scripted symbols (``δ^L_j``, ``Σ_k``, ``a^(l−1)_k``) become inline MathML, so a page
    never shows raw ``^`` and ``_``."""
    out, last = [], 0
    for match in _PROSE_SYMBOL.finditer(text):
        out.append(escape(text[last:match.start()]))
        base = f"<mi>{escape(match.group(1))}</mi>" if match.group(1) != "Σ" else "<mo>Σ</mo>"
        sub = sup = None
        for mark, body in _PROSE_PART.findall(match.group(2)):
            body = body[1:-1] if body.startswith("(") else body
            if mark == "_":
                sub = _mi(body)
            else:
                sup = _mi(body)
        if sub and sup:
            node = f"<msubsup>{base}{sub}{sup}</msubsup>"
        else:
            node = f"<msub>{base}{sub}</msub>" if sub else f"<msup>{base}{sup}</msup>"
        out.append(f'<math display="inline">{node}</math>')
        last = match.end()
    out.append(escape(text[last:]))
    return "".join(out)
