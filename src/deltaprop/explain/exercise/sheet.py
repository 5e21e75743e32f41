"""An exercise sheet: the network, the data, what is given, what is asked; rendered in four languages.

:class:`Exercise` holds one training step computed by the engine (through the explainer's
:class:`~deltaprop.explain.model.Trace`) split into *given* values and *questions*; the renderers in
:mod:`.render` and :mod:`.interactive` only format them.
"""

from __future__ import annotations

import json

from ..i18n import check_language
from ..model import Trace
from . import generate as generate_module
from . import grading, questions, render, steps
from . import interactive as interactive_page
from . import worked as worked_module

DEFAULT_ASK = {1: questions.KINDS, 2: ("a", "cost", "delta", "grad", "update"), 3: ("cost", "delta", "grad")}
FORMAT_VERSION = 2         # 2: updates carry "base" (graded as the step), "numbering" may be the engine's
NUMBERINGS = steps.NUMBERINGS


def check_ask(ask):
    """``ask`` as a tuple of kinds (a comma string or an iterable); unknown kinds are refused."""
    kinds = tuple(k.strip() for k in ask.split(",")) if isinstance(ask, str) else tuple(ask)
    bad = [k for k in kinds if k not in questions.KINDS]
    if bad or not kinds:
        raise ValueError(f"unknown kind to ask {bad[0] if bad else ''!r}; valid: {', '.join(questions.KINDS)}")
    return kinds


class Exercise:
    """One exercise: ``questions`` (asked) and ``given`` (everything else the step computes).

    Build it with :func:`deltaprop.exercise` (:func:`deltaprop.explain.exercise.sheet.exercise`).
    """

    def __init__(self, network, X, Y, learning_rate, ask, *, level=None, seed=None, student=None,
                 numbering="nielsen"):
        generate_module.check_size(network)
        if numbering not in NUMBERINGS:
            raise ValueError(f"unknown numbering {numbering!r}; valid: {', '.join(NUMBERINGS)}")
        self.numbering = numbering
        self.trace = Trace(network, X, Y, learning_rate=learning_rate)
        self.level, self.seed, self.student = level, seed, student
        self.ask = check_ask(ask)
        every = questions.build(self.trace, offset=1 if numbering == "nielsen" else 0)
        self.questions = [q for q in every if q.kind in self.ask]
        self.given = [q for q in every if q.kind not in self.ask]

    # ----------------------------------------------------------------- data
    @property
    def network(self):
        return self.trace.network

    notebook_view = None    # set by the façade: {mime: data} of the sheet, answers checked in the kernel, or {}

    def _repr_mimebundle_(self, include=None, exclude=None):
        """In a notebook: the interactive sheet whose answers the kernel marks (needs anywidget)."""
        bundle = {"text/plain": f"<Exercise level {self.level}, seed {self.seed}: {len(self.questions)} questions>"}
        if Exercise.notebook_view is not None:
            bundle.update(Exercise.notebook_view(self))
        return bundle

    def to_dict(self, worked=None):
        """The JSON contract: the network, data, given values and questions with answers, equations, slips.

        ``worked`` (a language): also ``worked_steps``, the explainer's derivation of this step (:mod:`.worked`).
        """
        t, net = self.trace, self.trace.network
        out = {
            "format": "deltaprop-exercise", "format_version": FORMAT_VERSION, "level": self.level,
            "seed": self.seed, "student": self.student, "numbering": NUMBERINGS[self.numbering],
            "network": {"sizes": net.sizes, "activations": net.activations, "loss": net.loss.name,
                        "learning_rate": t.learning_rate, "update_biases": list(t.update_biases),
                        "weights": [w.tolist() for w in net.weights], "biases": [b.tolist() for b in net.biases]},
            "inputs": t.X.tolist(), "targets": t.Y.tolist(),
            "ask": list(self.ask),
            "given": [q.as_dict() for q in self.given],
            "questions": [q.as_dict() for q in self.questions],
            "tolerance": {"relative": grading.REL_TOL, "absolute": grading.ABS_TOL},
        }
        if worked:
            out["worked_steps"] = worked_module.as_dict(self, check_language(worked))
        return out

    def to_json(self, worked=None):
        return json.dumps(self.to_dict(worked), indent=1, ensure_ascii=False) + "\n"

    def check(self, answers):
        """Grade ``answers`` (``{id: number}``, or the text of a JSON/CSV answers file): a :class:`grading.Grade`."""
        if isinstance(answers, str):
            answers = grading.parse_answers(answers)
        return grading.grade(self.to_dict(), answers)

    # ----------------------------------------------------------- renderers
    # ``worked=True``: the answer key is followed by the worked steps, the explainer's derivation of this step.
    def to_markdown(self, lang="en", key=True, worked=False):
        return render.markdown(self, check_language(lang), key, worked)

    def to_latex(self, lang="en", key=True, worked=False):
        return render.latex(self, check_language(lang), key, worked)

    def to_html(self, lang="en", interactive=True, key=True, worked=False):
        """Interactive (answers checked in the page, offline; the worked steps folded, opened on request) or
        printable (answer key on its own page, then the worked steps)."""
        lang = check_language(lang)
        if interactive:
            return interactive_page.render(self, lang, worked)
        return render.printable(self, lang, key, worked)

    def render(self, format="html", lang="en", key=True, worked=False):
        if format == "json":
            return self.to_json(lang if worked and key else None)
        if format == "print":
            return self.to_html(lang, interactive=False, key=key, worked=worked)
        renderers = {"html": lambda: self.to_html(lang, worked=worked and key),
                     "markdown": lambda: self.to_markdown(lang, key, worked),
                     "latex": lambda: self.to_latex(lang, key, worked)}
        if format not in renderers:
            raise ValueError(f"unknown format {format!r}; valid: html, print, markdown, latex, json")
        return renderers[format]()


def exercise(level=1, seed=0, *, spec=None, ask=None, student=None, numbering="nielsen"):
    """A new :class:`Exercise`: generated from ``level`` and ``seed``, or from an explainer ``spec`` (a path).

    ``ask`` is a comma list or iterable of kinds (``z, a, cost, delta, grad, update``); default per level.
    """
    if spec is not None:
        from .. import spec as spec_module
        s = spec_module.load(spec)
        if s.update_biases is not None:
            for layer in s.network.layers:
                layer.train_biases = bool(s.update_biases)
        return Exercise(s.network, s.X, s.Y, s.learning_rate, ask or DEFAULT_ASK[1], level=None, seed=None,
                        student=student, numbering=numbering)
    if isinstance(level, bool) or level not in generate_module.LEVELS:
        raise ValueError(f"unknown level {level!r}; valid: {', '.join(map(str, generate_module.LEVELS))}")
    network, X, Y, eta = generate_module.generate(level, seed)
    return Exercise(network, X, Y, eta, ask or DEFAULT_ASK[level], level=level, seed=seed, student=student,
                    numbering=numbering)
