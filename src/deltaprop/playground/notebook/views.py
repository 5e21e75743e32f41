"""Interactive notebook views of an explanation and of an exercise sheet (anywidget).

``dp.explain(net, x, y)`` and ``dp.exercise(level, seed)`` shown as the last expression of a cell display as these
widgets inside a Jupyter kernel (their static HTML stays in the output too, for nbconvert and viewers without
widgets):

* :class:`ExplanationView` -- the explained step with a language switch (en/zh/ja/fr), a numbering switch
  (deltaprop's 1 = first hidden layer, or Nielsen's 1 = input) and stages that collapse and expand.  Every
  rendering is the explainer's own (``explain.html.fragment``) of the same engine run.
* :class:`ExerciseView` -- the interactive sheet, whose Check buttons send the answer to the kernel, where the
  grader of ``deltaprop check`` (``Exercise.check``) marks it.
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

import anywidget
import traitlets

from ...explain import LANGUAGES, Explanation, html_fragment, names_for
from ...explain.exercise import messages

NUMBERINGS = ("deltaprop", "nielsen")
# In the notebook the sheet's note on checking says where the marking happens (instead of "in this page").
IN_KERNEL = {
    "en": "Each answer is marked in the notebook's kernel by the grader of deltaprop check (tolerance 0.5 % or "
          "0.0005).",
    "fr": "Chaque réponse est notée dans le noyau du notebook par le correcteur de deltaprop check (tolérance 0,5 % "
          "ou 0,0005).",
    "ja": "答えはノートブックのカーネルで、deltaprop check と同じ採点器が確認します（許容誤差 0.5% または 0.0005）。",
    "zh": "每个答案都由笔记本内核中与 deltaprop check 相同的评分程序批改（容差 0.5% 或 0.0005）。",
}
HERE = Path(__file__).parent


def in_kernel():
    """True inside a Jupyter kernel (where a widget can be shown)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def mimebundle(obj):
    """The widget's display data for an :class:`Explanation` or an exercise, or ``{}`` outside a kernel."""
    if not in_kernel():
        return {}
    view = ExplanationView(obj) if isinstance(obj, Explanation) else ExerciseView(obj)
    bundle = view._repr_mimebundle_()
    return bundle[0] if isinstance(bundle, tuple) else bundle


class ExplanationView(anywidget.AnyWidget):
    """The explained step, with language and numbering switches and collapsible stages."""

    _esm = HERE / "explain_view.js"
    _css = HERE / "views.css"
    html = traitlets.Unicode().tag(sync=True)
    lang = traitlets.Unicode("en").tag(sync=True)
    numbering = traitlets.Unicode("deltaprop").tag(sync=True)
    languages = traitlets.List(list(LANGUAGES)).tag(sync=True)
    numberings = traitlets.List(list(NUMBERINGS)).tag(sync=True)

    def __init__(self, explanation, lang="en", numbering="deltaprop", **kwargs):
        self.explanation = explanation
        super().__init__(lang=lang, numbering=numbering, **kwargs)
        self.html = self.render()

    @traitlets.validate("lang")
    def _check_lang(self, proposal):
        if proposal["value"] not in LANGUAGES:
            raise traitlets.TraitError(f"unknown language {proposal['value']!r}; valid: {', '.join(LANGUAGES)}")
        return proposal["value"]

    @traitlets.validate("numbering")
    def _check_numbering(self, proposal):
        if proposal["value"] not in NUMBERINGS:
            raise traitlets.TraitError(f"unknown numbering {proposal['value']!r}; valid: {', '.join(NUMBERINGS)}")
        return proposal["value"]

    @traitlets.observe("lang", "numbering")
    def _rerender(self, _change):
        if hasattr(self, "explanation"):
            self.html = self.render()

    def render(self):
        """The explainer's HTML for the current language and numbering (the same engine run, renamed)."""
        e = self.explanation
        names = names_for(e.trace.network, "auto", self.numbering)
        return html_fragment(e.blocks(), e.trace, names, self.lang)


class ExerciseView(anywidget.AnyWidget):
    """The interactive exercise sheet; each answer is marked in the kernel by ``Exercise.check``."""

    _esm = HERE / "exercise_view.js"
    page = traitlets.Unicode().tag(sync=True)
    lang = traitlets.Unicode("en").tag(sync=True)

    def __init__(self, exercise, lang="en", **kwargs):
        page = exercise.to_html(lang=lang)
        offline = escape(messages(lang)["offline"])
        super().__init__(lang=lang, page=page.replace(offline, escape(IN_KERNEL.get(lang, IN_KERNEL["en"]))),
                         **kwargs)
        self.exercise = exercise
        self.marked, self.answers = {}, {}
        self.on_msg(self._on_message)

    def mark(self, question, value):
        """Grade the answers so far with the sheet's grader, as ``deltaprop check`` does (follow-through from the
        learner's own earlier answers included); returns what the page shows for ``question`` and, under
        ``"all"``, for every answer given (a later answer's status may change with an earlier one)."""
        self.answers[question] = float(value)
        grade = self.exercise.check(dict(self.answers))
        m = messages(self.lang)
        asked = {q["id"]: q for q in self.exercise.to_dict()["questions"]}
        if question not in asked:
            raise ValueError(f"no question {question!r} on this sheet")
        credited = sum(r.status in ("right", "follow-through") for r in grade.results)
        score = (m["score_both"].format(right=grade.right, credited=credited, total=grade.total)
                 if credited != grade.right else m["score"].format(right=grade.right, total=grade.total))
        replies = {r.id: self._reply(r, asked[r.id], m, score) for r in grade.results if r.id in self.answers}
        self.marked = {qid: reply["status"] == "right" for qid, reply in replies.items()}
        return {**replies[question], "all": list(replies.values())}

    def _reply(self, result, asked, m, score):
        """One answer's feedback lines, in the sheet's language."""
        if result.status == "right":
            lines = [["verdict", m["right"]]]
        elif result.status == "follow-through":
            lines = [["verdict", m["follow_page"]]]
        else:
            lines = [["verdict", m["wrong"]]]
            equation = asked["equation"]
            said = m["eq_cost"].format(formula=m[f"loss_{self.exercise.trace.network.loss.name}"]) \
                if equation == "cost" else m.get(f"eq_{equation}", equation)
            lines.append(["equation", m["equation"] + m["sep"] + said])
            lines.append(["needs", m["needs"] + m["sep"] + ", ".join(result.needs)])
            if result.slip:
                lines.append(["slip", m["same_slip"] if result.repeat else
                              m["slip"].format(slip=m.get(f"slip_{result.slip}", result.slip))])
        return {"id": result.id, "status": result.status, "lines": lines, "score": score}

    def _on_message(self, _widget, content, _buffers):
        if not isinstance(content, dict) or content.get("kind") != "check":
            return
        try:
            reply = self.mark(str(content.get("id")), content.get("value"))
        except (TypeError, ValueError, StopIteration) as exc:
            reply = {"id": content.get("id"), "status": "error", "lines": [["verdict", str(exc)]], "score": None}
        self.send({"kind": "marked", **json.loads(json.dumps(reply))})
