"""The interactive sheet: one offline HTML page where the learner types each answer and the page checks it.

The page grades as ``deltaprop check`` does (``static/grade.js`` is :mod:`.steps` and :mod:`.grading` in
JavaScript, tested equal to them in Chromium): every checked answer is graded again whenever one is checked, so an
answer that follows correctly from the learner's own earlier slip is marked follow-through and credited, and the
slip is named once, where it was made.  A wrong answer shows the equation to use (BP1–BP4, Nielsen's numbering)
and the quantities it needs.  The answer itself appears only when the learner asks for it.  No server, no
network: the sheet's JSON travels inside the page.
"""

from __future__ import annotations

import json
from functools import cache
from html import escape
from importlib import resources

from ..mathml import prose as math_prose

from . import worked as worked_steps
from .render import PRINT_STYLE, ROOT, label, num, outline, scoped_style
from .i18n import equation_text, messages

STATIC = resources.files(__package__).joinpath("static")
SCRIPTS = ("grade.js", "page.js")      # grade.js: deltaprop check's grader in JS; page.js: the page's controls


@cache
def script():
    """The page's JavaScript: the grader (tested equal to the Python one in Chromium), then the controls."""
    return "\n".join(STATIC.joinpath(name).read_text(encoding="utf-8") for name in SCRIPTS)


STYLE = PRINT_STYLE + """
li { margin: .7rem 0; } input { font: inherit; width: 9rem; padding: .15rem .3rem; }
button { font: inherit; font-size: .85rem; margin-left: .3rem; }
.feedback { margin-top: .25rem; font-size: .9rem; } .feedback.right { color: #15803d; } .feedback.wrong { color: #b91c1c; }
.feedback.follow-through { color: #1d4ed8; }
.feedback .equation, .feedback .needs { color: #334155; } .feedback .slip { color: #9a3412; font-weight: 600; }
.answer { margin-left: .6rem; color: #1d4ed8; } #score { font-weight: 600; }
"""


def render(ex, lang, worked=False):
    """The whole page (a string)."""
    m = messages(lang)
    sheet = {"network": {"activations": ex.network.activations, "loss": ex.network.loss.name}}
    equations = {key: math_prose(equation_text(lang, key, sheet))       # as the sheet shows them: MathML, escaped
                 for key in ("forward", "cost", "BP1", "BP2", "BP3", "BP4", "update")}
    payload = {
        "sheet": ex.to_dict(),                      # what deltaprop check grades: network, data, given, questions
        "answers": [num(q.value) for q in ex.questions],
        "text": {"right": m["right"], "follow": m["follow_page"], "wrong": m["wrong"], "empty": m["empty"],
                 "slip": m["slip"], "same_slip": m["same_slip"], "score": m["score_both"], "equation": m["equation"],
                 "needs": m["needs"], "equations": equations, "sep": m["sep"], "list_sep": m["list_sep"],
                 "slips": {key[5:]: value for key, value in m.items() if key.startswith("slip_")}},
    }
    parts = []
    for kind, content in outline(ex, lang):
        if kind == "title":
            parts.append(f"<h1>{escape(content)}</h1><p>{escape(m['offline'])}</p>")
        elif kind in ("h2", "h3"):
            parts.append(f"<{kind}>{escape(content)}</{kind}>")
        elif kind == "para":
            parts.append(f"<p>{math_prose(content)}</p>")
        elif kind == "list":
            parts.append("<ul>" + "".join(f"<li>{math_prose(item)}</li>" for item in content) + "</ul>")
        elif kind == "values":
            parts.append("".join('<p class="values">' + ", ".join(f"{s.html()} = {num(v)}" for s, v in row) + "</p>"
                                 for row in content))
        elif kind == "questions":
            items = "".join(
                f'<li data-id="{escape(q.id)}">{q.symbol.html()} = <input inputmode="decimal" '
                f'aria-label="{escape(q.symbol.text())}"><button class="check">{escape(m["check"])}</button>'
                f'<button class="show">{escape(m["show"])}</button><span class="answer" hidden></span> '
                f'<span class="kind">{escape(label(lang, q.kind, q.equation))}</span>'
                f'<div class="feedback" aria-live="polite"></div></li>' for q in content)
            parts.append(f'<ol class="questions">{items}</ol><p id="score"></p>')
    if worked:                                      # the explainer's derivation, folded until the learner opens it
        parts.append(f'<details class="worked-steps"><summary>{escape(m["worked_steps"])}</summary>'
                     f'{worked_steps.html(ex, lang)}</details>')
    data = json.dumps(payload, ensure_ascii=False).replace("</", "<\\/")
    return (f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(outline(ex, lang)[0][1])}</title><style>{scoped_style(STYLE)}</style></head>"
            f'<body class="deltaprop-page"><div class="{ROOT}">{"".join(parts)}</div>'
            f'<script type="application/json" id="sheet-data">{data}</script><script>{script()}</script>'
            f"</body></html>\n")
