"""Plain-text rendering: headings underlined, equations indented, matrices drawn on several lines."""

from __future__ import annotations

import math
import re
import textwrap

from . import textmath
from .document import Count, Eq, Figure, Heading, Note, Para, Percent, Phrase, Printed, Terms
from .expr import Num, Sym, display_number
from .i18n import translate

WIDTH = 100


def prose_number(text, lang):
    """A number inside a sentence: French writes the decimal comma (0,5), the others the point."""
    return re.sub(r"(?<=\d)\.(?=\d)", ",", text) if lang == "fr" else text


def phrase(block, lang, precision):
    """The translated sentence of a Heading/Para/Note, its numbers at ``precision``, its terms translated."""
    def arg(value):
        if isinstance(value, Num):
            return prose_number(display_number(value.value, precision), lang)
        if isinstance(value, Printed):
            text = f"{value.value:.{value.digits}f}" if value.fixed else display_number(value.value, value.digits)
            return prose_number(text.replace("-", "−"), lang)
        if isinstance(value, Percent):
            digits = max(0, 1 - math.floor(math.log10(value.value * 100))) if value.value > 0 else 0
            return prose_number(translate(lang, "percent", value=f"{value.value * 100:.{digits}f}"), lang)
        if isinstance(value, Count):
            return f"{value.value:,}".replace(",", translate(lang, "thousands_sep"))
        if isinstance(value, Sym):
            return textmath.symbol_text(value)
        if isinstance(value, Terms):
            return translate(lang, "list_sep").join(translate(lang, key) for key in value.keys)
        if isinstance(value, Phrase):
            return translate(lang, value.key, **{k: arg(v) for k, v in value.args.items()})
        return str(value)
    return translate(lang, block.key, **{k: arg(v) for k, v in block.args.items()})


def equation_lines(block, lang, precision, tag_format="   ({tag})"):
    """An equation's lines with its BP tag at the end of the baseline row."""
    lines, base = textmath._row(block.tokens, precision)
    lines = [line.rstrip() for line in lines]
    if block.tag == "shapes":                  # the shapes of the equation above, set under it
        label = translate(lang, "shapes_label") + translate(lang, "label_sep")
        return ["    " + label + line.lstrip() for line in lines]
    if block.tag:
        lines[base] += tag_format.format(tag=block.tag)
    return lines


def render(blocks, lang="en", precision=9):
    """The explanation as text (a string ending in a newline)."""
    out = []
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
            out += wrap(phrase(block, lang, precision), WIDTH) + [""]
        elif isinstance(block, Note):
            text = f"{translate(lang, 'note')}{translate(lang, 'label_sep')}{phrase(block, lang, precision)}"
            out += ["", *("│ " + line for line in wrap(text, WIDTH - 2)), ""]
        elif isinstance(block, Eq):
            out += ["    " + line if line else "" for line in equation_lines(block, lang, precision)]
        elif isinstance(block, Figure):
            continue
    text = "\n".join(out)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip("\n") + "\n"


_KEEP = "\x00"                          # a space inside a formula: never a line break
# kinsoku (JIS X 4051, and the same rules for Chinese): closing punctuation, small kana, the prolonged sound mark
# and the iteration mark never begin a line; an opening bracket never ends one
_NO_LINE_START = set("，。、；：！？）」』〕】》〉”’…・ー々%,.;:!?)ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ")
_NO_LINE_END = set("（「『〔【《〈“‘(")


def wrap(text, width):
    """Lines of at most ``width`` columns.  Latin text breaks at spaces; CJK text (no spaces between words)
    between any two characters, never before closing punctuation; formulas (``a − y``, ``W ⊙ σ'``) are
    never broken around their operators."""
    text = _protect(text)
    if not any(ord(ch) > 0x2E80 for ch in text):
        return [line.replace(_KEEP, " ") for line in textwrap.wrap(text, width)]
    lines, line = [], ""
    for token in _cjk_tokens(text):
        if line and _width(line + token) > width and token[0] not in _NO_LINE_START:
            carry = ""
            while line and line[-1] in _NO_LINE_END:           # an opening bracket goes down with its text
                carry, line = line[-1] + carry, line[:-1]
            if line.strip():
                lines.append(line.rstrip())
                line = carry + token.lstrip()
            else:
                line = carry + token
        else:
            line += token
    lines.append(line)
    return [line.replace(_KEEP, " ") for line in lines if line]


def _protect(text):
    """Spaces around ``= + − × ⊙ / ·``, and inside a parenthesised formula (``((W^(l+1))ᵀ δ^(l+1))``, not
    ``(inputs first)``: a group holding a word of three letters is prose), become :data:`_KEEP`."""
    for op in ("=", "+", "−", "×", "⊙", "/", "·"):
        text = text.replace(f" {op} ", f"{_KEEP}{op}{_KEEP}")
    out, start, depth = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "(" and depth == 0:
            out.append(text[start:i])
            start = i
        depth += (ch == "(") - (ch == ")")
        if ch == ")" and depth == 0:
            group = text[start:i + 1]
            out.append(group if re.search(r"[^\W\d_]{3}", group) else group.replace(" ", _KEEP))
            start = i + 1
        depth = max(depth, 0)
    out.append(text[start:])
    return "".join(out)


def _cjk_tokens(text):
    """Units that must stay on one line: a CJK character, or a run of non-CJK characters up to a space."""
    out, run = [], ""
    for ch in text:
        if ord(ch) > 0x2E80:
            if run:
                out.append(run)
                run = ""
            out.append(ch)
        elif ch == " ":
            out.append(run + " ")
            run = ""
        else:
            run += ch
    if run:
        out.append(run)
    return out


def _width(text):
    """Display width: CJK characters take two columns."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
