"""Exercises: generated, checked backpropagation exercises for any small network.

``deltaprop.exercise(level=1, seed=0)`` (or ``spec="net.json"``) returns an :class:`~.sheet.Exercise` with
``to_html()`` (interactive, checked offline in the page), ``to_html(interactive=False)`` (a printable sheet, the
answer key on its own page), ``to_markdown()``, ``to_latex()``, ``to_json()`` and ``check(answers)``.
The command line is ``deltaprop exercise`` and ``deltaprop check``.
"""

from __future__ import annotations

import sys
import types

from .sheet import DEFAULT_ASK, Exercise, exercise
from .generate import LEVELS
from .grading import Grade, grade, parse_answers, read_answers
from .i18n import equation_text, messages, say
from .pdf import html_to_pdf
from . import classgrade, sheetfile

__all__ = ["DEFAULT_ASK", "Exercise", "Grade", "LEVELS", "classgrade", "equation_text", "exercise", "grade",
           "html_to_pdf", "messages", "parse_answers", "read_answers", "say", "sheetfile"]


class _CallableModule(types.ModuleType):
    """``deltaprop.exercise(...)`` calls :func:`exercise`, like ``deltaprop.explain(...)``."""

    def __call__(self, *args, **kwargs):
        return exercise(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
