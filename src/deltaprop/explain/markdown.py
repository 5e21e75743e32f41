"""Markdown rendering: headings, paragraphs, and each run of equations as a fenced text block.

Equations stay in Unicode (the same as the text format), which reads well
both raw and rendered and needs no math extension; the four equations of the
legend are also given as ``$$…$$`` display math (GitHub, Jupyter, Pandoc).
"""

from __future__ import annotations

from .document import BP_TAGS, Eq, Figure, Heading, Note, Para
from .latex import LEGEND
from .i18n import translate
from .text import equation_lines, phrase


def render(blocks, lang="en", precision=9):
    """The explanation as Markdown (a string ending in a newline)."""
    out, in_code = [], False
    for block in blocks:
        if isinstance(block, Eq):
            if not in_code:
                out.append("```text")
                in_code = True
            out += equation_lines(block, lang, precision)
            continue
        if in_code:
            out += ["```", ""]
            in_code = False
        if isinstance(block, Heading):
            out += ["#" * block.level + " " + _escape(phrase(block, lang, precision)), ""]
        elif isinstance(block, Para):
            out += [_escape(phrase(block, lang, precision)), ""]
            if block.key == "legend_text":      # the same four equations as display math, for renderers with it
                rows = " \\\\\n".join(f"{row} && \\text{{{tag}}}" for row, tag in zip(LEGEND, BP_TAGS))
                out += ["$$", "\\begin{aligned}", rows, "\\end{aligned}", "$$", ""]
        elif isinstance(block, Note):
            label = translate(lang, "note") + translate(lang, "label_sep").rstrip()
            out += [f"> **{label}** {_escape(phrase(block, lang, precision))}", ""]
        elif isinstance(block, Figure):
            continue
    if in_code:
        out.append("```")
    return "\n".join(out).strip("\n") + "\n"


def _escape(text):
    """Keep Markdown from reading ``*``/``_`` in prose as emphasis."""
    return text.replace("\\", "\\\\").replace("*", "\\*").replace("_", "\\_")
