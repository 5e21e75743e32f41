"""The interactive sheet: one offline HTML page where the learner types each answer and the page checks it.

A wrong answer shows the equation to use (BP1–BP4, Nielsen's numbering) and the quantities it needs -- and,
when the number is the one a typical slip gives, names the slip.  The answer itself appears only when the
learner asks for it.  No server, no network: the questions travel inside the page as JSON.
"""

from __future__ import annotations

import json
from html import escape

from ..mathml import prose as math_prose

from . import worked as worked_steps
from .render import PRINT_STYLE, label, num, outline
from .i18n import equation_text, messages, say

SCRIPT = r"""
const data = JSON.parse(document.getElementById("sheet-data").textContent);
const t = data.text, tol = data.tolerance;
// the grader's rule (grading.py): max(absolute, relative); an update by its step, never looser than half the step
const close = (x, v, base) => {
  if (base === undefined || base === null || v === base) return Math.abs(x - v) <= Math.max(tol.absolute, tol.relative * Math.abs(v));
  const step = v - base;
  return Math.abs((x - base) - step) <= Math.min(Math.max(tol.absolute, tol.relative * Math.abs(step)), Math.abs(step) / 2) + 0.5e-6;
};
const matches = (x, q) => close(x, q.value, q.base) &&
  !Object.values(q.slips).some((s) => close(x, s, q.base) && Math.abs(x - s) < Math.abs(x - q.value));
const fmt = (s, args) => s.replace(/\{(\w+)\}/g, (_, k) => args[k]);
const answered = new Map();
function score() {
  const right = [...answered.values()].filter(Boolean).length;
  document.getElementById("score").textContent = fmt(t.score, { right, total: data.questions.length });
}
function check(q, li) {
  const input = li.querySelector("input"), out = li.querySelector(".feedback");
  const x = Number(input.value.replace(",", ".").replace("−", "-"));
  if (input.value.trim() === "" || !Number.isFinite(x)) { out.className = "feedback"; out.textContent = t.empty; return; }
  const ok = matches(x, q);
  answered.set(q.id, ok);
  out.className = "feedback " + (ok ? "right" : "wrong");
  if (ok) { out.textContent = t.right; score(); return; }
  const slip = Object.entries(q.slips).find(([, v]) => close(x, v, q.base));
  out.innerHTML = "";
  const add = (cls, text) => { const p = document.createElement("div"); p.className = cls; p.textContent = text; out.append(p); };
  add("verdict", t.wrong);
  add("equation", t.equation + t.sep + t.equations[q.equation]);
  add("needs", t.needs + t.sep + q.needs.join(t.list_sep));
  if (slip) add("slip", fmt(t.slip, { slip: t.slips[slip[0]] }));
  score();
}
data.questions.forEach((q, i) => {
  const li = document.querySelector(`li[data-id="${CSS.escape(q.id)}"]`);
  li.querySelector("button.check").addEventListener("click", () => check(q, li));
  li.querySelector("input").addEventListener("keydown", (e) => { if (e.key === "Enter") check(q, li); });
  li.querySelector("button.show").addEventListener("click", () => {
    li.querySelector(".answer").textContent = data.answers[i];
    li.querySelector(".answer").hidden = false;
  });
});
score();
"""

STYLE = PRINT_STYLE + """
li { margin: .7rem 0; } input { font: inherit; width: 9rem; padding: .15rem .3rem; }
button { font: inherit; font-size: .85rem; margin-left: .3rem; }
.feedback { margin-top: .25rem; font-size: .9rem; } .feedback.right { color: #15803d; } .feedback.wrong { color: #b91c1c; }
.feedback .equation, .feedback .needs { color: #334155; } .feedback .slip { color: #9a3412; font-weight: 600; }
.answer { margin-left: .6rem; color: #1d4ed8; } #score { font-weight: 600; }
"""


def render(ex, lang, worked=False):
    """The whole page (a string)."""
    m = messages(lang)
    sheet = {"network": {"activations": ex.network.activations, "loss": ex.network.loss.name}}
    equations = {key: equation_text(lang, key, sheet) for key in ("forward", "cost", "BP1", "BP2", "BP3", "BP4",
                                                                  "update")}
    payload = {
        "questions": [{"id": q.id, "value": q.value, "base": q.base, "equation": q.equation,
                       "needs": q.need_texts(), "slips": q.slips} for q in ex.questions],
        "answers": [num(q.value) for q in ex.questions],
        "tolerance": {"relative": 0.005, "absolute": 0.0005},
        "text": {"right": m["right"], "wrong": m["wrong"], "empty": m["empty"], "slip": m["slip"],
                 "score": m["score"], "equation": m["equation"], "needs": m["needs"], "equations": equations,
                 "sep": m["sep"], "list_sep": m["list_sep"],
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
            f"<title>{escape(outline(ex, lang)[0][1])}</title><style>{STYLE}</style></head><body>{''.join(parts)}"
            f'<script type="application/json" id="sheet-data">{data}</script><script>{SCRIPT}</script>'
            f"</body></html>\n")
