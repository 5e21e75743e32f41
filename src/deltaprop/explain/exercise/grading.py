"""Checking a learner's answers: right within a tolerance, or wrong with the equation to use and, when the
number is the one a typical slip gives, the slip named.

Answers are ``{question id: number}``, read from JSON (an object) or CSV (``id,value`` lines, a header line
allowed) by :func:`read_answers`, which reports every malformed line at once.
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass, field

from ...io.safe_read import loads_json, read_text

REL_TOL, ABS_TOL = 0.005, 0.0005        # hand arithmetic with four decimals passes


def close(x, value):
    return abs(x - value) <= ABS_TOL + REL_TOL * abs(value)


@dataclass
class Result:
    id: str
    status: str                 # "right" | "wrong" | "missing"
    given: float | None
    expected: float
    equation: str
    needs: list
    slip: str | None = None     # slip key when the wrong number is a typical slip's

    def as_dict(self):
        return dict(self.__dict__)


@dataclass
class Grade:
    results: list = field(default_factory=list)

    @property
    def right(self):
        return sum(r.status == "right" for r in self.results)

    @property
    def total(self):
        return len(self.results)

    def as_dict(self):
        return {"score": self.right, "total": self.total, "results": [r.as_dict() for r in self.results]}


def grade(questions, answers):
    """Grade ``answers`` (``{id: float}``) against ``questions`` (dicts of the sheet's JSON)."""
    known = {q["id"] for q in questions}
    unknown = sorted(set(answers) - known)
    if unknown:
        raise ValueError(f"unknown answer name {unknown[0]!r}; the sheet asks for: {', '.join(sorted(known))}")
    out = Grade()
    for q in questions:
        x = answers.get(q["id"])
        result = Result(q["id"], "missing", x, q["value"], q["equation"], q["needs"])
        if x is not None:
            result.status = "right" if close(x, q["value"]) else "wrong"
            if result.status == "wrong":
                result.slip = next((key for key, v in q["slips"].items() if close(x, v)), None)
        out.results.append(result)
    return out


def read_answers(path):
    """``{id: float}`` from an answers file (JSON object or CSV); see :func:`parse_answers`."""
    return parse_answers(read_text(path, 1 << 20, "answers file (JSON or CSV)"), str(path))


def parse_answers(text, name="answers"):
    """``{id: float}`` from a JSON object or CSV text; ``ValueError`` with one line per problem."""
    problems, answers = [], {}
    if text.lstrip().startswith("{"):
        data = loads_json(text, name)
        items = list(data.items()) if isinstance(data, dict) else None
        if items is None:
            raise ValueError(f"{name}: expected a JSON object of name → number")
        for key, value in items:
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                problems.append(f"{name}: {key!r}: {json.dumps(value)} is not a finite number")
            else:
                answers[str(key)] = float(value)
    else:
        for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
            if not row or not "".join(row).strip():
                continue
            if len(row) != 2:
                problems.append(f"{name}: line {number}: expected 'name,value', got {len(row)} fields")
                continue
            key, value = row[0].strip(), row[1].strip()
            if not key:
                problems.append(f"{name}: line {number}: the name is missing (expected 'name,value')")
                continue
            try:
                number_value = float(value)
            except ValueError:
                if number == 1:                 # a header line
                    continue
                problems.append(f"{name}: line {number}: {value!r} is not a number")
                continue
            if not math.isfinite(number_value):
                problems.append(f"{name}: line {number}: {value!r} is not a finite number")
            elif key in answers:
                problems.append(f"{name}: line {number}: {key!r} is answered twice")
            else:
                answers[key] = number_value
    if problems:
        raise ValueError("\n".join(problems))
    if not answers:
        raise ValueError(f"{name}: no answers found")
    return answers
