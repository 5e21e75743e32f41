"""The worked steps of an answer key: the explainer's own derivation of the sheet's training step.

A teacher's answer key shows how each answer is reached.  Nothing is rewritten here: the sheet already holds the
explainer's :class:`~deltaprop.explain.model.Trace` (the engine's forward pass, backprop and SGD step), so the
worked steps are :class:`~deltaprop.explain.explanation.Explanation` of that very trace -- neuron by neuron, in
Nielsen's notation (``z²₁``, ``δ³₂``, never Mazur's ``net_h1``, so the symbols are the sheet's) and in the sheet's
numbering and language.  This module only places the explainer's output under the key, one heading level down.
"""

from __future__ import annotations

import re
from html import escape

from ..explanation import Explanation
from ..html import fragment
from ..latex import plain_tex
from ..naming import names_for
from .i18n import say


def explanation(ex):
    """The explainer's :class:`Explanation` of the sheet ``ex``'s step (the sheet's own trace and numbering)."""
    return Explanation(ex.trace, names_for(ex.network, "generic", ex.numbering), form="neuron")


def markdown(ex, lang):
    """``## Worked steps``, a one-line intro, then the explainer's Markdown with every heading one level down."""
    lines, fenced = [], False
    for line in explanation(ex).to_markdown(lang).splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and line.startswith("# "):
            continue                                        # the explainer's title: replaced by ours
        elif not fenced and line.startswith("#"):
            line = "#" + line
        lines.append(line)
    return "\n".join([f"## {say(lang, 'worked_steps')}", "", say(lang, "worked_intro"), ""] + lines) + "\n"


def latex(ex, lang):
    """The explainer's LaTeX body (same preamble as the sheet's), headings one level down, on a new page."""
    doc = explanation(ex).to_latex(lang)
    body = doc.split(r"\setlength{\parskip}{0.5em}", 1)[1].rsplit(r"\end{document}", 1)[0]
    body = re.sub(r"\\section\*\{[^\n]*\}\n", "", body, count=1)      # the explainer's title: replaced by ours
    body = body.replace(r"\subsubsection*", r"\paragraph*").replace(r"\subsection*", r"\subsubsection*")
    return [r"\newpage", rf"\subsection*{{{plain_tex(say(lang, 'worked_steps'))}}}",
            plain_tex(say(lang, "worked_intro")) + "\n", body.strip()]


def html(ex, lang):
    """A ``<section class="worked">``: our heading, then the explainer's HTML (MathML, diagrams) without its title."""
    e = explanation(ex)
    body = fragment(e.blocks(), ex.trace, e.names, lang)
    body = re.sub(r"<h1>.*?</h1>", "", body, count=1, flags=re.S)
    return (f'<section class="worked"><h2>{escape(say(lang, "worked_steps"))}</h2>'
            f'<p>{escape(say(lang, "worked_intro"))}</p>{body}</section>')


def as_dict(ex, lang):
    """The JSON key's ``worked_steps``: the language, the numbering, the text, and the explainer's numbers."""
    e = explanation(ex)
    return {"language": lang, "numbering": ex.numbering, "text": e.to_text(lang), "explainer": e.to_dict()}
