"""Markdown rendering: headings, paragraphs, and each run of equations as a fenced text block.

Equations stay in Unicode (the same as the text format), which reads well
both raw and rendered and needs no math extension.
"""

from __future__ import annotations

from .document import Eq, Figure, Heading, Note, Para
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
