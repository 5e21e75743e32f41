"""Render equations (:mod:`.expr` tokens) as Unicode text, matrices drawn on several lines.

Each token becomes a *box*: a list of equally wide lines and the index of its
baseline row.  Boxes are placed side by side with their baselines aligned, so
``z¹ = W¹ a⁰ + b¹`` with real matrices reads like it would on paper::

    ⎡0.15  0.2⎤ ⎡0.05⎤   ⎡0.35⎤   ⎡0.3775⎤
    ⎣0.25  0.3⎦ ⎣0.1 ⎦ + ⎣0.35⎦ = ⎣0.3925⎦
"""

from __future__ import annotations

from .expr import Call, Frac, Group, Matrix, Num, Op, Partial, Power, Shape, Sym, Word, display_number

_SUB = str.maketrans("0123456789,+-()", "₀₁₂₃₄₅₆₇₈₉,₊₋₍₎")
_SUP = str.maketrans("0123456789+-()T", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁽⁾ᵀ")


def render(tokens, precision):
    """Render an equation to a string (several lines when it holds a matrix)."""
    lines, _ = _row(tokens, precision)
    return "\n".join(line.rstrip() for line in lines)


def symbol_text(sym):
    """``Sym`` → ``w5`` / ``net_h1`` (plain) or ``w²₁₂`` (indexed)."""
    if sym.plain:
        if not sym.sub:
            text = sym.base
        elif len(sym.base) == 1 and sym.sub.isdigit():
            text = sym.base + sym.sub
        else:
            text = f"{sym.base}_{sym.sub}"
        text += sym.sup
    else:
        text = sym.base + _script(sym.sup, _SUP, "^") + _script(sym.sub, _SUB, "_")
    if sym.sample is not None:
        text += f"[{sym.sample}]"
    return text


def _script(text, table, marker):
    if not text:
        return ""
    converted = text.translate(table)
    if all(ch in "₀₁₂₃₄₅₆₇₈₉,₊₋₍₎⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁽⁾ᵀ" for ch in converted):
        return converted
    return f"{marker}{text}" if len(text) == 1 else f"{marker}{{{text}}}"


def _flat(text):
    return [text], 0


def _token(token, precision):
    if isinstance(token, Num):
        return _flat(display_number(token.value, precision))
    if isinstance(token, Op):
        return _flat(f" {token.symbol} " if token.symbol != "·" else "·")
    if isinstance(token, Sym):
        return _flat(symbol_text(token))
    if isinstance(token, Word):
        return _flat(token.text)
    if isinstance(token, Shape):
        return _flat(f" ({token.rows}×{token.cols})")
    if isinstance(token, Partial):
        return _flat(f"∂{symbol_text(token.num)}/∂{symbol_text(token.den)}")
    if isinstance(token, Call):
        inner, base = _row(token.args, precision)
        name = token.name + ("'" if token.prime else "")
        return _hjoin([_flat(name), _paren(inner, base)])
    if isinstance(token, Group):
        inner, base = _row(token.items, precision)
        return _paren(inner, base)
    if isinstance(token, Power):
        lines, base = _token(token.base, precision)
        if isinstance(token.exp, str):
            return _hjoin([(lines, base), _flat(_script(token.exp, _SUP, "^"))])
        exp, _ = _token(token.exp, precision)
        negative = isinstance(token.exp, Num) and token.exp.value < 0
        return _hjoin([(lines, base), _flat(f"^({exp[0]})" if negative else "^" + exp[0])])
    if isinstance(token, Frac):
        num, _ = _row(token.num, precision)
        den, _ = _row(token.den, precision)
        if len(num) == len(den) == 1:           # a sum over a sum keeps its parentheses: e^z₁/(e^z₁ + e^z₂)
            top = f"({num[0]})" if any(isinstance(t, Op) for t in token.num) else num[0]
            # a product below the bar too: (a − y)/(a(1 − a)), never (a − y)/a(1 − a), read as ((a − y)/a)(1 − a)
            bottom = f"({den[0]})" if len(token.den) > 1 or any(isinstance(t, Op) for t in token.den) else den[0]
            return _flat(f"{top}/{bottom}")
        return _hjoin([_paren(num, 0), _flat("/"), _paren(den, 0)])
    if isinstance(token, Matrix):
        return _matrix(token.values, precision)
    raise TypeError(f"cannot render {token!r}")     # internal: builders only make known tokens


def _row(tokens, precision):
    boxes = []
    for i, token in enumerate(tokens):
        if i and not isinstance(token, (Op, Shape, Word)) and not isinstance(tokens[i - 1], (Op, Word)) \
                and (not isinstance(token, Group) or isinstance(tokens[i - 1], Frac)):
            boxes.append(_flat(" "))                # implicit product: W a
        boxes.append(_token(token, precision))
    return _hjoin(boxes) if boxes else ([""], 0)


def _hjoin(boxes):
    above = max(base for _, base in boxes)
    below = max(len(lines) - base for lines, base in boxes)
    out = [""] * (above + below)
    for lines, base in boxes:
        width = max(len(line) for line in lines)
        top = above - base
        for r in range(above + below):
            i = r - top
            out[r] += (lines[i] if 0 <= i < len(lines) else "").ljust(width)
    return out, above


def _paren(lines, base):
    if len(lines) == 1:
        return [f"({lines[0]})"], 0
    left = ["⎛"] + ["⎜"] * (len(lines) - 2) + ["⎝"]
    right = ["⎞"] + ["⎟"] * (len(lines) - 2) + ["⎠"]
    return [l + line + r for l, line, r in zip(left, lines, right)], base


def _matrix(values, precision):
    cells = [[display_number(v, precision) for v in row] for row in values]
    widths = [max(len(row[c]) for row in cells) for c in range(len(cells[0]))]
    body = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)) for row in cells]
    if len(body) == 1:
        return [f"[{body[0]}]"], 0
    left = ["⎡"] + ["⎢"] * (len(body) - 2) + ["⎣"]
    right = ["⎤"] + ["⎥"] * (len(body) - 2) + ["⎦"]
    return [l + line + r for l, line, r in zip(left, body, right)], (len(body) - 1) // 2
