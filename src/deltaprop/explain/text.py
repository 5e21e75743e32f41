"""Plain-text rendering: headings underlined, equations indented, matrices drawn on several lines."""

from __future__ import annotations

import textwrap

from . import textmath
from .document import Count, Eq, Figure, Heading, Note, Para, Terms
from .expr import Num, format_number
from .i18n import translate

WIDTH = 100


def phrase(block, lang, precision):
    """The translated sentence of a Heading/Para/Note, its numbers at ``precision``, its terms translated."""
    def arg(value):
        if isinstance(value, Num):
            return format_number(value.value, precision)
        if isinstance(value, Count):
            return f"{value.value:,}".replace(",", translate(lang, "thousands_sep"))
        if isinstance(value, Terms):
            return translate(lang, "list_sep").join(translate(lang, key) for key in value.keys)
        return str(value)
    return translate(lang, block.key, **{k: arg(v) for k, v in block.args.items()})


def equation_lines(block, lang, precision, tag_format="   ({tag})"):
    """An equation's lines with its BP tag at the end of the baseline row."""
    lines, base = textmath._row(block.tokens, precision)
    lines = [line.rstrip() for line in lines]
    if block.tag:
        lines[base] += tag_format.format(tag=block.tag)
    return lines


def render(blocks, lang="en", precision=9):
    """The explanation as text (a string ending in a newline)."""
    out = []
    wrap = lang in ("en", "fr")
    for block in blocks:
        if out and out[-1] and not isinstance(block, Eq):
            out.append("")
        if isinstance(block, Heading):
            title = phrase(block, lang, precision)
            if block.level == 1:
                out += [title, "=" * _width(title), ""]
            elif block.level == 2:
                out += ["", title, "-" * _width(title), ""]
            elif block.level == 3:
                out += ["", f"▸ {title}", ""]
            else:
                out += [f"  · {title}"]
        elif isinstance(block, Para):
            text = phrase(block, lang, precision)
            out += (textwrap.wrap(text, WIDTH) if wrap else [text]) + [""]
        elif isinstance(block, Note):
            text = f"{translate(lang, 'note')}{translate(lang, 'label_sep')}{phrase(block, lang, precision)}"
            lines = textwrap.wrap(text, WIDTH - 2) if wrap else [text]
            out += ["", *("│ " + line for line in lines), ""]
        elif isinstance(block, Eq):
            out += ["    " + line if line else "" for line in equation_lines(block, lang, precision)]
        elif isinstance(block, Figure):
            continue
    text = "\n".join(out)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip("\n") + "\n"


def _width(text):
    """Display width: CJK characters take two columns."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
