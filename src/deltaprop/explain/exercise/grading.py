"""Grading a learner's answers as an exam board marks them: right, wrong, or right from their own earlier numbers.

* **Tolerance.** An answer is right when ``|x − v| ≤ max(0.0005, 0.5 % · |v|)`` -- and not nearer to the number a
  typical slip gives (so a sign error on a small δ is not passed as rounding).
* **Updates are graded as the step.** ``w⁺`` is right when its step ``w⁺ − w`` is within that tolerance of
  ``−η ∂C/∂w`` *and* within half the step (plus the rounding of 6 decimals): forgetting to update (step 0) or stepping the wrong way is always wrong,
  and named (``no_update``, ``plus_update``).
* **Follow-through** ("error carried forward").  Every answer is also compared with the number that follows from
  the learner's *own* earlier answers (:mod:`.steps` redoes the step with them).  An answer that is right from
  those numbers is ``follow-through`` and credited; the slip that caused it is named once, where it was made.

Two scores come out: ``score`` (answers right outright) and ``score_with_follow_through``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .i18n import say

from . import steps
from .answers import parse_answers, read_answers

REL_TOL, ABS_TOL = 0.005, 0.0005        # hand arithmetic with four decimals passes
STATUSES = ("right", "follow-through", "wrong", "missing")
STEP_ROUNDING = 0.5e-6                  # w⁺ written to 6 decimals, as the sheet asks; sheets' steps are ≥ 1e-4

__all__ = ["ABS_TOL", "REL_TOL", "Grade", "Result", "close", "grade", "parse_answers", "read_answers"]


def tolerance(value):
    """How far an answer may be from ``value``: the larger of 0.0005 and 0.5 % of ``|value|``."""
    return max(ABS_TOL, REL_TOL * abs(value))


def close(x, value, base=None):
    """``x`` within tolerance of ``value``; with ``base`` (an update's old parameter) the steps are compared,
    and never more loosely than half the step."""
    if base is None or value == base:            # no step to compare (a slip that forgot the update)
        return abs(x - value) <= tolerance(value)
    step = value - base
    return abs((x - base) - step) <= min(tolerance(step), 0.5 * abs(step)) + STEP_ROUNDING


def matches(x, value, slips, base=None):
    """Within tolerance of ``value`` and not nearer to a slip's number that is also within tolerance."""
    if not close(x, value, base):
        return False
    return not any(close(x, s, base) and abs(x - s) < abs(x - value) for s in slips.values())


@dataclass
class Result:
    id: str
    status: str                 # one of STATUSES
    given: float | None
    expected: float
    equation: str
    needs: list
    slip: str | None = None     # slip key when the wrong number is a typical slip's
    repeat: bool = False        # the same slip was already named on an earlier answer
    follows: float | None = None    # the number that follows from the learner's earlier answers, when different

    def as_dict(self):
        return dict(self.__dict__)


@dataclass
class Grade:
    results: list = field(default_factory=list)

    @property
    def right(self):
        return sum(r.status == "right" for r in self.results)

    @property
    def with_follow_through(self):
        return sum(r.status in ("right", "follow-through") for r in self.results)

    @property
    def total(self):
        return len(self.results)

    def as_dict(self):
        return {"score": self.right, "score_with_follow_through": self.with_follow_through, "total": self.total,
                "results": [r.as_dict() for r in self.results]}


def grade(sheet, answers, lang="en"):
    """Grade ``answers`` (``{id: float}``) against ``sheet`` (the sheet's JSON as a dict, checked)."""
    questions = sheet["questions"]
    known = {q["id"] for q in questions}
    unknown = sorted(set(answers) - known)
    if unknown:
        raise ValueError(say(lang, "err_unknown_name", name=unknown[0][:40], valid=", ".join(q["id"] for q in questions)))
    given = {q["id"]: q["value"] for q in sheet["given"]}
    follows = steps.from_sheet(sheet).run(answers=answers, given=given)
    out, named = Grade(), set()
    for q in questions:
        result = _one(q, answers.get(q["id"]), follows[q["id"]])
        if result.slip:
            result.repeat = result.slip in named
            named.add(result.slip)
        out.results.append(result)
    return out


def distinct(slips, value, base=None):
    """The slips whose numbers can be told from ``value`` (a sign error on 0, or a = z for a tiny tanh z, cannot);
    for an update (``base``: the parameter before it), a slip's step must differ by a tenth of the step."""
    margin = max(0.1 * abs(value - base), 2 * STEP_ROUNDING) if base is not None else 1e-4 + 1e-3 * abs(value)
    return {k: v for k, v in slips.items() if math.isfinite(v) and abs(v - value) > margin}


def _nearest(x, slips, base):
    """The slip whose number ``x`` is (within tolerance, the nearest), or None."""
    near = [(abs(x - v), k) for k, v in slips.items() if close(x, v, base)]
    return min(near)[1] if near else None


def _one(q, x, expect):
    """The result of one answer ``x`` to question ``q``; ``expect`` is what follows from the earlier answers."""
    base = q.get("base")
    result = Result(q["id"], "missing", x, q["value"], q["equation"], q["needs"])
    if x is None:
        return result
    differs = abs(expect.value - q["value"]) > 1e-9 * max(1.0, abs(q["value"]))   # an earlier answer was off
    if differs:
        result.follows = expect.value
    own_slips = distinct(expect.slips, expect.value, expect.base)    # the slips' numbers from the learner's own earlier answers
    if matches(x, q["value"], q["slips"], base):
        result.status = "right"
    elif differs and any(matches(x, c, own_slips, base) for c in expect.candidates):
        result.status = "follow-through"
    else:
        result.status = "wrong"
        result.slip = _nearest(x, own_slips, base) or _nearest(x, q["slips"], base)
    return result
