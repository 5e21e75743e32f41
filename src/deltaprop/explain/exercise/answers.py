"""Reading a learner's answers file: JSON (an object) or CSV (``name,value`` or ``name;value``), every problem
reported at once, in the teacher's language.

CSV as spreadsheets write it: a comma or a semicolon between the name and the value (Excel in French or German
locales writes ``z2_1;0,44``), a decimal comma after a semicolon or inside quotes, a header line allowed.  The
first line is taken as a header only if it does not look like an answer: a line that names a question (``z2_1``)
or holds a digit in its value is an answer, and a malformed one is reported, never skipped.  A name answered twice
is refused, in CSV and in JSON alike.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re

from ...io.safe_read import loads_json, read_text
from .i18n import say

MAX_BYTES = 1 << 20
ANSWER_NAME = re.compile(r"^(?:[za]\d+_\d+|delta\d+_\d+|dC/d[wb]\d+_\d+|[wb]\d+_\d+\+|C)(?:\[\d+\])?$")


def read_answers(path, lang="en"):
    """``{id: float}`` from an answers file (JSON object or CSV); see :func:`parse_answers`."""
    return parse_answers(read_text(path, MAX_BYTES, say(lang, "what_answers")), str(path), lang)


def parse_answers(text, name="answers", lang="en"):
    """``{id: float}`` from a JSON object or CSV text; ``ValueError`` with one line per problem (in ``lang``)."""
    if text.startswith("\ufeff"):                 # Excel's UTF-8 byte order mark
        text = text[1:]
    problems, answers = [], {}
    if text.lstrip().startswith(("{", "[")):
        _json_answers(text, name, lang, problems, answers)
    else:
        _csv_answers(text, name, lang, problems, answers)
    if problems:
        raise ValueError("\n".join(problems))
    if not answers:
        raise ValueError(say(lang, "err_no_answers", file=name))
    return answers


def _json_answers(text, name, lang, problems, answers):
    loads_json(text, name)                          # depth, NaN and huge integers refused first
    pairs = json.loads(text, object_pairs_hook=lambda items: items)
    if not isinstance(pairs, list) or (pairs and not all(isinstance(p, tuple) for p in pairs)):
        raise ValueError(say(lang, "err_json_object", file=name))
    seen = set()
    for key, value in pairs:
        if key in seen:
            problems.append(say(lang, "err_twice_json", file=name, name=key))
        elif isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            problems.append(say(lang, "err_json_value", file=name, name=key, value=json.dumps(value)[:40]))
        else:
            answers[key] = float(value)
        seen.add(key)


def _delimiter(text):
    """``;`` when the file uses it between name and value (spreadsheets with a decimal comma), else ``,``."""
    lines = [line for line in text.splitlines() if line.strip()]
    return ";" if lines and sum(";" in line for line in lines) * 2 >= len(lines) else ","


def _number(value, delimiter):
    """``value`` as a float, accepting a decimal comma where it cannot be a field separator; None if not one."""
    value = value.strip().replace("−", "-").replace("\u00a0", "").replace(" ", "")
    if "," in value and "." not in value:
        value = value.replace(",", ".")
    try:
        return float(value)
    except ValueError:
        return None


def _csv_answers(text, name, lang, problems, answers):
    delimiter = _delimiter(text)
    try:
        rows = list(csv.reader(io.StringIO(text.replace("\0", ""), newline=""), delimiter=delimiter))
    except csv.Error as exc:
        problems.append(say(lang, "err_not_csv", file=name, why=str(exc)[:80]))
        return
    for number, row in enumerate(rows, start=1):
        if not row or not "".join(row).strip():
            continue
        if len(row) != 2:
            hint = "err_fields_comma" if delimiter == "," and len(row) == 3 and row[1].strip().lstrip("-−").isdigit() \
                else "err_fields"
            problems.append(say(lang, hint, file=name, line=number, count=len(row), sep=delimiter))
            continue
        key, raw = row[0].strip(), row[1].strip()
        value = _number(raw, delimiter)
        if number == 1 and value is None and not ANSWER_NAME.match(key) and not re.search(r"\d", raw):
            continue                                # a header line: name,value / nom;valeur / 名称,数值
        if not key:
            problems.append(say(lang, "err_no_name", file=name, line=number, sep=delimiter))
        elif value is None:
            problems.append(say(lang, "err_not_number", file=name, line=number, value=raw[:40]))
        elif not math.isfinite(value):
            problems.append(say(lang, "err_not_finite", file=name, line=number, value=raw[:40]))
        elif key in answers:
            problems.append(say(lang, "err_twice", file=name, line=number, name=key))
        else:
            answers[key] = value
