"""Reading a sheet's JSON or a class's answer key for ``deltaprop check``: every field checked before it is used.

A sheet is ``{"format": "deltaprop-exercise", "network": …, "inputs": …, "targets": …, "given": […],
"questions": […]}`` as :meth:`Exercise.to_dict` writes it; a key is ``{"format": "deltaprop-exercise-key",
"students": [sheet, …]}``.  Anything else -- a missing ``id``, a value that is a string, ``slips`` as a list, a
network whose numbers do not give the sheet's answers -- is refused in one line naming the place
(``questions[3].value``), in the teacher's language; never a traceback.
"""

from __future__ import annotations

import math

import numpy as np

from ...core.activations import get_activation
from ...io.safe_read import loads_json, read_text
from ...core.losses import get_loss
from . import steps
from .i18n import say

KINDS = ("z", "a", "cost", "delta", "grad", "update")
EQUATIONS = ("forward", "cost", "BP1", "BP2", "BP3", "BP4", "update")


class SheetError(ValueError):
    """A sheet or key that cannot be graded: ``where`` (a JSON path) and ``what`` (a locale key)."""

    def __init__(self, where, what):
        super().__init__(f"{where}: {what}")
        self.where, self.what = where, what


def load(path, student=None, lang="en"):
    """The sheet (a dict) from ``path``; a key needs ``student`` (1-based).  ``ValueError`` in ``lang``."""
    data = loads_json(read_text(path, 32 << 20, say(lang, "what_sheet")), path)
    try:
        if isinstance(data, dict) and data.get("format") == "deltaprop-exercise-key":
            students = data.get("students")
            if not isinstance(students, list) or not students:
                raise SheetError("students", "sheet_not_list")
            if student is None:
                raise ValueError(say(lang, "err_key_needs_student", file=path, count=len(students)))
            if not 1 <= student <= len(students):
                raise ValueError(say(lang, "err_student_range", file=path, count=len(students)))
            return check(students[student - 1], f"students[{student - 1}]")
        if student is not None:
            raise ValueError(say(lang, "err_not_key", file=path))
        return check(data)
    except SheetError as exc:
        raise ValueError(say(lang, "err_sheet", file=path, where=exc.where, what=say(lang, exc.what))) from None


def load_key(path, lang="en"):
    """Every student's sheet of a class's answer key."""
    data = loads_json(read_text(path, 32 << 20, say(lang, "what_sheet")), path)
    try:
        if not isinstance(data, dict) or data.get("format") != "deltaprop-exercise-key":
            raise SheetError("format", "sheet_not_key")
        students = data.get("students")
        if not isinstance(students, list) or not students:
            raise SheetError("students", "sheet_not_list")
        return [check(sheet, f"students[{i}]") for i, sheet in enumerate(students)]
    except SheetError as exc:
        raise ValueError(say(lang, "err_sheet", file=path, where=exc.where, what=say(lang, exc.what))) from None


def check(sheet, where="sheet"):
    """``sheet`` if it is a well-formed exercise sheet whose answers follow from its network, else SheetError."""
    _need(isinstance(sheet, dict), where, "sheet_not_object")
    _need(sheet.get("format") == "deltaprop-exercise", f"{where}.format", "sheet_not_sheet")
    _need(sheet.get("numbering") in steps.NUMBERINGS.values(), f"{where}.numbering", "sheet_unknown_name")
    _check_network(sheet, where)
    seen = set()
    for part in ("given", "questions"):
        items = sheet.get(part)
        _need(isinstance(items, list), f"{where}.{part}", "sheet_not_list")
        for i, q in enumerate(items):
            _check_question(q, f"{where}.{part}[{i}]")
            _need(q["id"] not in seen, f"{where}.{part}[{i}].id", "sheet_duplicate")
            seen.add(q["id"])
    _need(bool(sheet["questions"]), f"{where}.questions", "sheet_not_list")
    _check_consistent(sheet, where)
    return sheet


def _need(ok, where, what):
    if not ok:
        raise SheetError(where, what)


def _is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _matrix(value, shape, where):
    """A list (of lists) of finite numbers of exactly ``shape``."""
    try:
        array = np.array(value, dtype=object)
    except ValueError:
        raise SheetError(where, "sheet_bad_shape") from None
    _need(array.shape == shape, where, "sheet_bad_shape")
    _need(all(_is_number(v) for v in array.ravel()), where, "sheet_not_number")
    return array.astype(np.float64)


def _check_network(sheet, where):
    net = sheet.get("network")
    _need(isinstance(net, dict), f"{where}.network", "sheet_not_object")
    sizes = net.get("sizes")
    _need(isinstance(sizes, list) and len(sizes) >= 2 and all(isinstance(s, int) and not isinstance(s, bool)
                                                                and 1 <= s <= 64 for s in sizes),
          f"{where}.network.sizes", "sheet_bad_shape")
    L = len(sizes) - 1
    acts = net.get("activations")
    _need(isinstance(acts, list) and len(acts) == L and all(isinstance(a, str) for a in acts),
          f"{where}.network.activations", "sheet_not_text")
    try:
        for a in acts:
            get_activation(a)
        get_loss(net.get("loss") if isinstance(net.get("loss"), str) else "?")
    except ValueError:
        raise SheetError(f"{where}.network", "sheet_unknown_name") from None
    _need(_is_number(net.get("learning_rate")) and net["learning_rate"] > 0, f"{where}.network.learning_rate",
          "sheet_not_number")
    flags = net.get("update_biases")
    _need(isinstance(flags, list) and len(flags) == L and all(isinstance(f, bool) for f in flags),
          f"{where}.network.update_biases", "sheet_bad_shape")
    for part, shape in (("weights", lambda l: (sizes[l + 1], sizes[l])), ("biases", lambda l: (sizes[l + 1],))):
        values = net.get(part)
        _need(isinstance(values, list) and len(values) == L, f"{where}.network.{part}", "sheet_bad_shape")
        for l in range(L):
            _matrix(values[l], shape(l), f"{where}.network.{part}[{l}]")
    inputs = sheet.get("inputs")
    n = len(inputs) if isinstance(inputs, list) else 0
    _need(1 <= n <= 64, f"{where}.inputs", "sheet_bad_shape")
    _matrix(inputs, (n, sizes[0]), f"{where}.inputs")
    _matrix(sheet.get("targets"), (n, sizes[-1]), f"{where}.targets")


def _check_question(q, where):
    _need(isinstance(q, dict), where, "sheet_not_object")
    for name in ("id", "symbol"):
        _need(isinstance(q.get(name), str) and q[name], f"{where}.{name}", "sheet_not_text")
    _need(q.get("kind") in KINDS, f"{where}.kind", "sheet_unknown_name")
    _need(q.get("equation") in EQUATIONS, f"{where}.equation", "sheet_unknown_name")
    _need(_is_number(q.get("value")), f"{where}.value", "sheet_not_number")
    _need("base" not in q or _is_number(q["base"]), f"{where}.base", "sheet_not_number")
    needs = q.get("needs", [])
    _need(isinstance(needs, list) and all(isinstance(x, str) for x in needs), f"{where}.needs", "sheet_not_list")
    slips = q.get("slips", {})
    _need(isinstance(slips, dict), f"{where}.slips", "sheet_not_object")
    for key, value in slips.items():
        _need(key in steps.SLIPS, f"{where}.slips.{key}"[:200], "sheet_unknown_name")
        _need(_is_number(value), f"{where}.slips.{key}", "sheet_not_number")


def _check_consistent(sheet, where):
    """The sheet's numbers must be the ones its network gives (an edited value is refused, not graded)."""
    given = {q["id"]: q["value"] for q in sheet["given"]}
    expected = steps.from_sheet(sheet).run(given=given)
    for part in ("given", "questions"):
        for i, q in enumerate(sheet[part]):
            e = expected.get(q["id"])
            _need(e is not None, f"{where}.{part}[{i}].id", "sheet_unknown_name")
            _need(bool(np.isclose(e.value, q["value"], rtol=1e-6, atol=1e-9)), f"{where}.{part}[{i}].value",
                  "sheet_inconsistent")
            if sheet.get("format_version") == 1 and e.base is not None and "base" not in q:
                q["base"] = e.base                      # a sheet written before updates carried their base
            _need((e.base is None) == ("base" not in q), f"{where}.{part}[{i}].base", "sheet_not_number")
            _need(e.base is None or e.base == q["base"], f"{where}.{part}[{i}].base", "sheet_inconsistent")
