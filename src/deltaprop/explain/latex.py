"""LaTeX rendering: one standalone ``.tex`` file (amsmath ``align*``, ``bmatrix``, shapes as ``\\underbrace``).

Compiles with ``pdflatex`` (en, fr) or ``xelatex`` + ``xeCJK`` (zh, ja; Noto CJK fonts).  Prose goes through
:func:`tex` (escapes, Greek and operators as math); equations are the same :mod:`.expr` tokens every other
format renders, so the numbers are the same ones.
"""

from __future__ import annotations

import re

from .document import BP_TAGS, Eq, Figure, Heading, Note, Para
from .expr import Call, Frac, Group, Matrix, Num, Op, Partial, Power, Shape, Sym, Word, format_number
from .i18n import translate
from .text import phrase

_ESCAPES = {"&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{", "}": r"\}",
            "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "\\": r"\textbackslash{}"}
_GREEK = {"α": r"\alpha", "δ": r"\delta", "Δ": r"\Delta", "η": r"\eta", "σ": r"\sigma", "Σ": r"\Sigma",
          "∂": r"\partial", "∇": r"\nabla", "ε": r"\varepsilon"}
_TEXT_MATH = {**{ch: f"${cmd}$" for ch, cmd in _GREEK.items()},
              "−": "$-$", "×": r"$\times$", "⊙": r"$\odot$", "·": r"$\cdot$", "←": r"$\leftarrow$",
              "→": r"$\to$", "≤": r"$\le$", "≥": r"$\ge$", "≈": r"$\approx$", "½": r"$\tfrac12$", "′": "$'$",
              "ᵀ": r"$^{\mathsf T}$", "⁺": "$^+$", "ⱼ": "$_j$", "ₖ": "$_k$", "ᵢ": "$_i$", "ₐ": "$_a$", "ₓ": "$_x$",
              "|": "$|$", "<": "$<$", ">": "$>$", "–": "--", "—": "---", "’": "'", "…": r"\ldots{}",
              "\u00a0": "~", "\u202f": r"\,", "│": "$|$",
              **{ch: f"$^{d}$" for d, ch in enumerate("⁰¹²³⁴⁵⁶⁷⁸⁹")},
              **{ch: f"$_{d}$" for d, ch in enumerate("₀₁₂₃₄₅₆₇₈₉")}}
_OPS = {"=": "=", "+": "+", "−": "-", "×": r"\times", "⊙": r"\odot", "≈": r"\approx", "·": r"\cdot",
        "←": r"\leftarrow"}
_FUNCTIONS = {"σ": r"\sigma", "tanh": r"\tanh", "ln": r"\ln", "ReLU": r"\operatorname{ReLU}",
              "LReLU": r"\operatorname{LReLU}", "id": r"\operatorname{id}", "softmax": r"\operatorname{softmax}"}
_WORDS = {"Σⱼ ": r"\sum_j ", "Σᵢ ": r"\sum_i ", " Σᵢ ": r"\sum_i ", "Σₖ ": r"\sum_k ", "Σₓ ": r"\sum_x ",
          "−": "-", "ln ": r"\ln ", "ln": r"\ln", "e": "e"}


_SCRIPTED = re.compile(r"(?<![\w\\])([A-Za-zδσ∇∂]{1,2}|E|net|out|target)((?:[_^](?:\([^()]*\)|[A-Za-z0-9+−]+))+)")
_PART = re.compile(r"([_^])(\([^()]*\)|[A-Za-z0-9+−]+)")


_POWER = re.compile(r"(−?\d[\d.,]*) × 10([⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)")
_UNSUPER = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
# glue between two math pieces that belongs to the expression: spaces, operators, one- or two-letter symbols
_GLUE = re.compile(r"(?:[ ]|[=+/(),:]|(?<![A-Za-z0-9.])[A-Za-z0-9]{1,2}(?![A-Za-z0-9]|[.,]\d))*")
_LEAD = re.compile(r"^([A-Za-z0-9]{1,2})(?![A-Za-z0-9]|[.,]\d)")
_LEAD_AFTER_OP = re.compile(r"^[ ]?([A-Za-z0-9]{1,2})(?![A-Za-z0-9]|[.,]\d)")
_BEFORE = re.compile(r"(?:^|(?<=[ (]))([A-Za-z])[ ]?$")
_OPERATOR = re.compile(r"^\s*(?:[-+=<>]|\\times|\\cdot|\\odot|\\le|\\ge)")
_OPERATOR_END = re.compile(r"(?:[-+=<>]|\\times|\\cdot|\\odot|\\le|\\ge)\s*$")


def tex(text):
    """Prose (a translated sentence with σ, Σ, ∂C/∂a, δ^L, a^(l−1)_k, …) as LaTeX text: symbols with scripts
    become math, the rest is escaped, and each whole expression is one math run (``$\\delta = \\partial C/
    \\partial z$``, not a ``$…$`` per symbol); powers of ten as ``$3.51\\times 10^{-5}$``."""
    powers = []

    def power(match):
        mantissa = match.group(1).replace("−", "-").replace(",", "{,}")
        powers.append(f"{mantissa}\\times 10^{{{match.group(2).translate(_UNSUPER)}}}")
        return f"\x01{len(powers) - 1}\x01"
    out = _tex_symbols(_POWER.sub(power, text).replace("δ̄", "\x03"))       # δ̄: the batch mean of δ
    out = re.sub("\x01(\\d+)\x01", lambda m: f"${powers[int(m.group(1))]}$", out).replace("\x03", r"$\bar\delta$")
    return _math_runs(out)


def _math_runs(text):
    """Join ``$a$ = $b$C/$d$z`` into ``$a = b C/d z$``: one math run per expression."""
    parts = re.split(r"(?<!\\)\$", text)
    if len(parts) % 2 == 0:                              # unbalanced: leave as it is
        return text
    out = [parts[0]]
    for i in range(1, len(parts), 2):
        math, after = parts[i], parts[i + 1]
        if len(out) >= 3 and _GLUE.fullmatch(out[-1]) and out[-1].strip() != "," and len(out[-1]) <= 12:
            glue = out.pop()
            out[-1] = f"{out[-1]} {glue}{math}"
        else:
            before = _BEFORE.search(out[-1]) if _OPERATOR.match(math) else None
            if before:                                   # "a $-$ y" → "$a - y$"
                out[-1] = out[-1][:before.start(1)]
                math = f"{before.group(1)} {math}"
            out.append(math)
        lead = (_LEAD_AFTER_OP if _OPERATOR_END.search(out[-1]) else _LEAD).match(after)
        if lead and (i + 2 >= len(parts) or not _GLUE.fullmatch(after)):
            out[-1] += " " + lead.group(1)
            after = after[lead.end():]
        out.append(after)
    return "".join(f"${p}$" if k % 2 else p for k, p in enumerate(out))


    return out


def _tex_symbols(text):
    out, last = [], 0
    for match in _SCRIPTED.finditer(text):
        out.append(plain_tex(text[last:match.start()]))
        base = _math_text(match.group(1))
        scripts = "".join(f"{mark}{{{_math_text(body.strip('()'))}}}" for mark, body in _PART.findall(match.group(2)))
        out.append(f"${base}{scripts}$")
        last = match.end()
    out.append(plain_tex(text[last:]))
    return "".join(out)


def _math_text(text):
    return "".join(_GREEK.get(ch, ch) + (" " if ch in _GREEK else "") for ch in text.replace("−", "-"))


def plain_tex(text):
    """Plain text for LaTeX: escaped, Greek letters and operators as inline math (no scripts read)."""
    out = "".join(_ESCAPES.get(ch, ch) for ch in text).replace("--", "-{}-")
    return "".join(_TEXT_MATH.get(ch, ch) for ch in out)


def preamble(lang):
    """``\\documentclass`` to ``\\begin{document}`` for ``lang`` (xeCJK and Noto CJK for zh/ja, babel else)."""
    head = [r"\documentclass[11pt,a4paper]{article}", r"\usepackage{amsmath,amssymb}",
            r"\usepackage[margin=2cm]{geometry}", r"\allowdisplaybreaks"]
    if lang in ("zh", "ja"):
        font = "Noto Serif CJK SC" if lang == "zh" else "Noto Serif CJK JP"
        head += [r"\usepackage{xeCJK}", rf"\setCJKmainfont{{{font}}}",
                 rf"\setCJKsansfont{{{font.replace('Serif', 'Sans')}}}"]
    else:
        head += [r"\usepackage[T1]{fontenc}", r"\usepackage[utf8]{inputenc}", r"\usepackage{lmodern}",
                 r"\usepackage[french]{babel}" if lang == "fr" else r"\usepackage[english]{babel}"]
    return head


def render(blocks, lang="en", precision=9):
    """The explanation as a standalone LaTeX document (a string)."""
    body, run = [], []

    def flush():
        if run:
            body.append("{\\small\n\\begin{align*}\n" + " \\\\\n".join(run) + "\n\\end{align*}}")
            run.clear()

    blocks = list(blocks)
    for i, block in enumerate(blocks):
        if isinstance(block, Eq):
            if block.tag == "shapes":
                continue                          # drawn as \underbrace in the equation above
            following = blocks[i + 1] if i + 1 < len(blocks) else None
            shapes = _shapes(following) if isinstance(following, Eq) and following.tag == "shapes" else {}
            run.append(equation(block, precision, shapes))
            continue
        flush()
        if isinstance(block, Heading):
            title = tex(phrase(block, lang, precision))
            command = {1: "section*", 2: "subsection*", 3: "subsubsection*"}.get(block.level, "paragraph*")
            body.append(f"\\{command}{{{title}}}")
        elif isinstance(block, Para) and block.key == "legend_text":       # the four equations, typeset
            lead = phrase(block, lang, precision).split("BP1")[0].rstrip(" :：\u00a0")
            body.append(tex(lead + translate(lang, "label_sep").rstrip()) + "\n")
            body.append("\\begin{align*}\n" + " \\\\\n".join(f"{row} \\tag*{{{tag}}}" for row, tag in
                                                           zip(LEGEND, BP_TAGS)) + "\n\\end{align*}")
        elif isinstance(block, Para):
            body.append(tex(phrase(block, lang, precision)) + "\n")
        elif isinstance(block, Note):
            label = tex(translate(lang, "note") + translate(lang, "label_sep").rstrip())
            body.append(f"\\begin{{quote}}\\textbf{{{label}}} {tex(phrase(block, lang, precision))}\\end{{quote}}")
        elif isinstance(block, Figure):
            continue
    flush()
    title = next((tex(phrase(b, lang, precision)) for b in blocks if isinstance(b, Heading) and b.level == 1), "")
    return "\n".join(preamble(lang) + [f"\\title{{{title}}}", r"\date{}", r"\begin{document}",
                                       r"\setlength{\parindent}{0pt}", r"\setlength{\parskip}{0.5em}"]
                     + body + [r"\end{document}"]) + "\n"


LEGEND = (r"\delta^L &= \nabla_a C \odot \sigma'(z^L)",
          r"\delta^l &= \left(\left(W^{l+1}\right)^{\mathsf T} \delta^{l+1}\right) \odot \sigma'(z^l)",
          r"\frac{\partial C}{\partial b^l_j} &= \delta^l_j",
          r"\frac{\partial C}{\partial w^l_{jk}} &= a^{l-1}_k \delta^l_j")
"""BP1–BP4 in Nielsen's form (ch. 2), one ``align`` row each (also the Markdown legend, as ``$$…$$``)."""


def equation(block, precision, shapes=None):
    """One ``align*`` row: aligned at its first ``=``, tagged BP1–BP4."""
    tokens, shapes = block.tokens, shapes or {}
    parts, seen_eq = [], False
    for i, token in enumerate(tokens):
        text = _token(token, precision)
        if token in shapes and isinstance(token, (Sym, Partial)):
            rows, cols = shapes[token]
            text = f"\\underbrace{{{text}}}_{{{rows}\\times {cols}}}"
        if isinstance(token, Op) and token.symbol == "=" and not seen_eq:
            text, seen_eq = "&=", True
        elif i and _implicit_product(tokens[i - 1], token):
            text = "\\," + text
        parts.append(text)
    row = " ".join(parts) if seen_eq else "&" + " ".join(parts)
    if block.tag in BP_TAGS:
        row += f" \\tag*{{{block.tag}}}"
    return row


def _shapes(block):
    """``{symbol: (rows, cols)}`` from a shapes line (symbol, Shape, Word(", "), …)."""
    out = {}
    for before, token in zip(block.tokens, block.tokens[1:]):
        if isinstance(token, Shape):
            out[before] = (token.rows, token.cols)
    return out


def _implicit_product(before, token):
    return not isinstance(before, (Op, Word)) and not isinstance(token, (Op, Word, Group, Shape))


def symbol(sym):
    """``Sym`` as LaTeX: ``w^{2}_{12}``, Mazur's ``\\mathit{net}_{h1}``, ``w_{5}^{+}``."""
    base = _GREEK.get(sym.base, sym.base)
    if len(sym.base) > 1 and sym.base not in _GREEK:
        base = rf"\mathit{{{sym.base}}}"
    sub, sup = sym.sub, sym.sup
    if sym.plain and sub and sub.isalpha() and len(sub) > 1 and not sub[-1].isdigit():
        sub = rf"\mathrm{{{sub}}}"                               # E_total
    if sup.endswith("T") and sup[:-1].isdigit():
        out = rf"\left({base}^{{{sup[:-1]}}}\right)^{{\mathsf T}}"
        sup = ""
    else:
        out = base
        sup = sup[:-1] + r"\mathsf T" if sup.endswith("T") else sup
    sup = sup.replace("−", "-")
    out += (f"_{{{sub}}}" if sub else "") + (f"^{{{sup}}}" if sup else "")
    if sym.sample is not None:
        out += f"[{sym.sample}]"
    return out


def number(value, precision):
    text = format_number(value, precision)
    if "e" in text:
        mantissa, exponent = text.split("e")
        return rf"{mantissa}\times 10^{{{int(exponent)}}}"
    return text


def _token(token, precision):
    if isinstance(token, Num):
        return number(token.value, precision)
    if isinstance(token, Op):
        return _OPS.get(token.symbol, token.symbol)
    if isinstance(token, Sym):
        return symbol(token)
    if isinstance(token, Word):
        return _WORDS.get(token.text, rf"\text{{{tex(token.text)}}}")
    if isinstance(token, Shape):
        return rf"\;({token.rows}\times {token.cols})"
    if isinstance(token, Partial):
        return rf"\frac{{\partial {symbol(token.num)}}}{{\partial {symbol(token.den)}}}"
    if isinstance(token, Call):
        name = _FUNCTIONS.get(token.name, rf"\operatorname{{{token.name}}}") + ("'" if token.prime else "")
        return rf"{name}\left({_row(token.args, precision)}\right)"
    if isinstance(token, Group):
        return rf"\left({_row(token.items, precision)}\right)"
    if isinstance(token, Power):
        exp = token.exp if isinstance(token.exp, str) else _token(token.exp, precision)
        return f"{{{_token(token.base, precision)}}}^{{{exp}}}"
    if isinstance(token, Frac):
        return rf"\frac{{{_row(token.num, precision)}}}{{{_row(token.den, precision)}}}"
    if isinstance(token, Matrix):
        rows = [" & ".join(number(v, precision) for v in row) for row in token.values]
        return r"\begin{bmatrix}" + r" \\ ".join(rows) + r"\end{bmatrix}"
    raise TypeError(f"cannot render {token!r}")     # internal: builders only make known tokens


def _row(tokens, precision):
    out = []
    for i, token in enumerate(tokens):
        text = _token(token, precision)
        out.append("\\," + text if i and _implicit_product(tokens[i - 1], token) else text)
    return " ".join(out)
