"""The sheet as Markdown, LaTeX (compiles with pdflatex, or xelatex + xeCJK for zh/ja) and printable HTML.

One language-neutral outline (:func:`outline`) is formatted three ways; symbols come out as Unicode text,
LaTeX or HTML (:class:`~.questions.Symbol`).  The answer key always starts on a page of its own.
"""

from __future__ import annotations

from html import escape

from ..mathml import prose as math_prose

from ..expr import display_number, format_number
from ..latex import plain_tex as tex
from ..latex import preamble
from ..text import prose_number
from . import worked as worked_steps
from .questions import Symbol
from .i18n import equation_text, say
from ..css import scope_css

EQUATIONS = ("forward", "BP1", "BP2", "BP3", "BP4", "update")


def num(value, digits=6):
    return display_number(value, digits)


def outline(ex, lang):
    """``[(kind, payload)]``: title, paragraphs, symbol/value lines, questions, the key."""
    t, net = ex.trace, ex.network
    title = say(lang, "title_level", level=ex.level) if ex.level else say(lang, "title")
    acts = say(lang, "list_sep").join(say(lang, f"act_{a.split(':')[0]}") for a in net.activations)
    out = [("title", title)]
    if ex.student is not None:
        out.append(("para", f"{say(lang, 'student', n=ex.student)} · {say(lang, 'name_line')}"))
    nielsen = ex.numbering == "nielsen"
    out += [("para", say(lang, "intro" if nielsen else "intro_deltaprop")), ("h2", say(lang, "network")),
            ("para", say(lang, "sizes", sizes=" – ".join(map(str, net.sizes)), activations=acts,
                         loss=say(lang, f"loss_{net.loss.name}"), eta=prose_number(num(t.learning_rate), lang))),
            ("para", say(lang, "biases_trained" if all(t.update_biases) else "biases_fixed"))]
    if t.n > 1:
        out.append(("para", say(lang, "batch", n=t.n)))
    for l, s, j in t.kinks():                         # z = 0 at a ReLU: say which one-sided derivative to take
        slope = net.layers[l - 1].activation.slope if net.layers[l - 1].activation.name == "leaky-relu" else 0.0
        z = Symbol("z", str(l + (1 if ex.numbering == "nielsen" else 0)), str(j + 1), s + 1 if t.n > 1 else None)
        out.append(("para", say(lang, "kink_note", z=z.text(), slope=prose_number(num(slope), lang))))
    data = []
    for s in range(t.n):
        sample = s + 1 if t.n > 1 else None
        data.append([(Symbol("x", "", str(k + 1), sample), t.X[s, k]) for k in range(net.sizes[0])] +
                    [(Symbol("y", "", str(j + 1), sample), t.Y[s, j]) for j in range(net.sizes[-1])])
    out += [("h3", say(lang, "data")), ("values", data), ("h3", say(lang, "weights"))]
    params = []
    for l, layer in enumerate(net.layers, start=1):
        N = str(l + (1 if nielsen else 0))
        for j in range(layer.n_out):
            params.append([(Symbol("w", N, f"{j + 1}{k + 1}"), layer.weights[j, k]) for k in range(layer.n_in)] +
                          [(Symbol("b", N, str(j + 1)), layer.biases[j])])
    sheet = {"network": {"activations": net.activations, "loss": net.loss.name}}
    out += [("values", params), ("h3", say(lang, "equations" if nielsen else "equations_deltaprop")),
            ("list", [equation_text(lang, key, sheet) for key in EQUATIONS]
             + [equation_text(lang, "cost", sheet)]
             + ([say(lang, "mean_note")] if t.n > 1 else []))]
    if ex.given:
        out += [("h2", say(lang, "given")), ("values", _rows([(q.symbol, q.value) for q in ex.given]))]
    out += [("h2", say(lang, "questions")), ("questions", ex.questions)]
    return out


def _rows(items, per_row=4):
    return [items[i:i + per_row] for i in range(0, len(items), per_row)]


def _kind(lang, q):
    return say(lang, f"kind_{q.kind}")


def _label(lang, q):
    """``(kind; equation)`` after a question, both in the sheet's language."""
    return label(lang, q.kind, q.equation)


def label(lang, kind, equation):
    """``(kind; equation)``, or ``(kind)`` for the cost (its kind and its equation are the same word)."""
    if equation == "cost":
        return say(lang, "label_one", kind=say(lang, f"kind_{kind}"))
    return say(lang, "label", kind=say(lang, f"kind_{kind}"), equation=say(lang, f"eqname_{equation}"))


def _eq(lang, q):
    return say(lang, f"eqname_{q.equation}")


# ------------------------------------------------------------------------ Markdown
def markdown(ex, lang, key=True, worked=False):
    lines = []
    for kind, payload in outline(ex, lang):
        if kind == "title":
            lines += [f"# {payload}", ""]
        elif kind in ("h2", "h3"):
            lines += [f"{'##' if kind == 'h2' else '###'} {payload}", ""]
        elif kind == "para":
            lines += [payload, ""]
        elif kind == "list":
            lines += [f"- {item}" for item in payload] + [""]
        elif kind == "values":
            lines += [", ".join(f"{s.text()} = {num(v)}" for s, v in row) + "  " for row in payload] + [""]
        elif kind == "questions":
            lines += [f"{i}. {q.symbol.text()} = ________  {_label(lang, q)}"
                      for i, q in enumerate(payload, start=1)] + [""]
    if key:
        lines += ["---", "", f"## {say(lang, 'answer_key')}", "",
                  "| # | | " + say(lang, "answer") + " | " + say(lang, "equation") + " |", "|---|---|---|---|"]
        lines += [f"| {i} | {q.symbol.text()} | {num(q.value)} | {_eq(lang, q)} |"
                  for i, q in enumerate(ex.questions, start=1)]
        lines.append("")
        if worked:                                  # the explainer's derivation of this very step, under the key
            lines.append(worked_steps.markdown(ex, lang))
    return "\n".join(lines)


# ------------------------------------------------------------------------ LaTeX
def latex(ex, lang, key=True, worked=False):
    head = preamble(lang) + [r"\usepackage{longtable}"]       # the explainer's: fonts, babel or xeCJK
    body = [r"\begin{document}", r"\setlength{\parindent}{0pt}", r"\setlength{\parskip}{0.5em}"]
    for kind, payload in outline(ex, lang):
        if kind == "title":
            body.append(rf"\section*{{{tex(payload)}}}")
        elif kind == "h2":
            body.append(rf"\subsection*{{{tex(payload)}}}")
        elif kind == "h3":
            body.append(rf"\subsubsection*{{{tex(payload)}}}")
        elif kind == "para":
            body.append(tex(payload) + "\n")
        elif kind == "list":
            body += [r"\begin{itemize}"] + [rf"\item {tex(item)}" for item in payload] + [r"\end{itemize}"]
        elif kind == "values":
            for row in payload:
                body.append("$" + r",\quad ".join(f"{s.latex()} = {format_number(v, 6)}" for s, v in row) + r"$\\")
        elif kind == "questions":
            body.append(r"\begin{enumerate}")
            body += [rf"\item ${q.symbol.latex()} = \underline{{\hspace{{4cm}}}}$ \quad "
                     rf"{{\small {tex(_label(lang, q))}}}" for q in payload]
            body.append(r"\end{enumerate}")
    if key:
        body += [r"\newpage", rf"\subsection*{{{tex(say(lang, 'answer_key'))}}}",
                 r"\begin{longtable}{rlll}", rf"\# & & {tex(say(lang, 'answer'))} & {tex(say(lang, 'equation'))}\\ \hline"]
        body += [rf"{i} & ${q.symbol.latex()}$ & ${format_number(q.value, 6)}$ & {tex(_eq(lang, q))}\\"
                 for i, q in enumerate(ex.questions, start=1)]
        body.append(r"\end{longtable}")
        if worked:
            body += worked_steps.latex(ex, lang)
    body.append(r"\end{document}")
    return "\n".join(head + body) + "\n"


# ------------------------------------------------------------------------ printable HTML
PRINT_STYLE = """
body { font: 15px/1.55 system-ui, "Noto Sans", "Noto Sans CJK SC", "Noto Sans CJK JP", sans-serif; color: #1e293b;
       max-width: 48rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; border-bottom: 1px solid #cbd5e1; }
.values { font-family: "STIX Two Math", "Cambria Math", serif; }
ol li { margin: .5rem 0; } .blank { display: inline-block; min-width: 9rem; border-bottom: 1px solid #64748b; }
.kind { color: #64748b; font-size: .85rem; }
.key, .worked { break-before: page; page-break-before: always; }
table { border-collapse: collapse; } td, th { padding: .2rem .6rem; border-bottom: 1px solid #e2e8f0; text-align: left; }
@media print { body { margin: 0 auto; } }
"""


def printable(ex, lang, key=True, worked=False):
    parts = []
    for kind, payload in outline(ex, lang):
        if kind == "title":
            parts.append(f"<h1>{escape(payload)}</h1>")
        elif kind in ("h2", "h3"):
            parts.append(f"<{kind}>{escape(payload)}</{kind}>")
        elif kind == "para":
            parts.append(f"<p>{math_prose(payload)}</p>")
        elif kind == "list":
            parts.append("<ul>" + "".join(f"<li>{math_prose(item)}</li>" for item in payload) + "</ul>")
        elif kind == "values":
            parts.append("".join('<p class="values">' + ", ".join(f"{s.html()} = {num(v)}" for s, v in row) + "</p>"
                                 for row in payload))
        elif kind == "questions":
            parts.append("<ol>" + "".join(f'<li>{q.symbol.html()} = <span class="blank"></span> '
                                          f'<span class="kind">{escape(_label(lang, q))}</span></li>'
                                          for q in payload) + "</ol>")
    if key:
        rows = "".join(f"<tr><td>{i}</td><td>{q.symbol.html()}</td><td>{num(q.value)}</td><td>{escape(_eq(lang, q))}</td></tr>"
                       for i, q in enumerate(ex.questions, start=1))
        parts.append(f'<section class="key"><h2>{escape(say(lang, "answer_key"))}</h2><table><tr><th>#</th><th></th>'
                     f'<th>{escape(say(lang, "answer"))}</th><th>{escape(say(lang, "equation"))}</th></tr>{rows}'
                     f"</table></section>")
        if worked:
            parts.append(worked_steps.html(ex, lang))
    return (f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(outline(ex, lang)[0][1])}</title><style>{scoped_style(PRINT_STYLE)}</style></head>"
            f'<body class="deltaprop-page"><div class="{ROOT}">{"".join(parts)}</div></body></html>\n')


ROOT = "deltaprop-exercise"      # every rule of the sheets' styles applies inside this class only (explain/css.py)


def scoped_style(style):
    """``style`` scoped under :data:`ROOT`, after the rule for the standalone page's ``<body>``."""
    return ".deltaprop-page { margin: 0; }\n" + scope_css(style, "." + ROOT)
