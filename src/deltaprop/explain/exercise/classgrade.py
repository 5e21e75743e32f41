"""Grading a whole class: ``deltaprop check answer-key.json answers/ --class``.

Each answers file of the folder belongs to the student whose number is the last number in its name
(``answers-07.csv``, ``sheet-07.json``, ``7.csv``), as ``deltaprop exercise --students N`` numbers the sheets.
Writes ``grades.csv`` (one row per student, one column per question: right / follow-through / wrong (slip) /
missing, both scores) and ``grades.html`` (the same table and, per question, how many got it and the class's
most common slips), in the teacher's language.  A file that cannot be read is reported (one line each, exit
status 2) and its row says so; the others are still graded.
"""

from __future__ import annotations

import csv
import io
import os
import re
import sys
from collections import Counter
from html import escape

from ...io.atomic_writes import write_text
from . import sheetfile
from .answers import read_answers
from .grading import grade
from .i18n import say

SUFFIXES = (".csv", ".json", ".txt")
OUTPUTS = ("grades.csv", "grades.html")


def student_files(folder, count, lang):
    """``{student number: path}`` of the folder's answers files; every misnamed file is an error."""
    if not os.path.isdir(folder):
        raise ValueError(say(lang, "err_not_folder", folder=folder))
    files, problems = {}, []
    for name in sorted(os.listdir(folder)):
        if name in OUTPUTS or not name.lower().endswith(SUFFIXES):
            continue
        numbers = re.findall(r"\d+", os.path.splitext(name)[0])
        n = int(numbers[-1]) if numbers else None
        if n is None or not 1 <= n <= count:
            problems.append(say(lang, "err_file_number", file=name, count=count))
        elif n in files:
            problems.append(say(lang, "err_file_twice", file=name, other=os.path.basename(files[n]), n=n))
        else:
            files[n] = os.path.join(folder, name)
    if problems:
        raise ValueError("\n".join(problems))
    if not files:
        raise ValueError(say(lang, "err_no_files", folder=folder))
    return files


def grade_class(key_path, folder, lang="en"):
    """``(sheets, rows, problems)``: ``rows`` are ``(student, file, Grade | None)`` in student order."""
    sheets = sheetfile.load_key(key_path, lang)
    rows, problems = [], []
    for n, path in sorted(student_files(folder, len(sheets), lang).items()):
        try:
            rows.append((n, os.path.basename(path), grade(sheets[n - 1], read_answers(path, lang), lang)))
        except ValueError as exc:
            problems.append(str(exc))
            rows.append((n, os.path.basename(path), None))
    return sheets, rows, problems


def columns(sheets, rows):
    """The question ids of the graded students' sheets, in sheet order (sheets of a level may differ in size)."""
    seen = {}
    for n, _, _ in rows:
        for q in sheets[n - 1]["questions"]:
            seen.setdefault(q["id"], q["symbol"])
    return seen


def cell(result, lang):
    """One answer as the table shows it."""
    text = say(lang, f"status_{result.status}")
    if result.slip and result.status == "wrong":
        return say(lang, "cell_slip", status=text, slip=say(lang, f"slip_{result.slip}"))
    return text


def table_csv(sheets, rows, lang):
    ids = columns(sheets, rows)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if lang == "fr" else ",", lineterminator="\n")
    writer.writerow([say(lang, "col_student"), say(lang, "col_file"), say(lang, "col_score"),
                     say(lang, "col_score_ft"), say(lang, "col_total")] + list(ids))
    for n, name, result in rows:
        if result is None:
            writer.writerow([n, name, "", "", "", say(lang, "status_unreadable")])
            continue
        by_id = {r.id: cell(r, lang) for r in result.results}
        writer.writerow([n, name, result.right, result.with_follow_through, result.total] +
                        [by_id.get(i, "") for i in ids])
    return out.getvalue()


def slip_summary(sheets, rows):
    """``{id: (counts by status, Counter of slips)}`` over the class."""
    summary = {i: (Counter(), Counter()) for i in columns(sheets, rows)}
    for _, _, result in rows:
        for r in (result.results if result else []):
            statuses, slips = summary[r.id]
            statuses[r.status] += 1
            if r.slip and r.status == "wrong":
                slips[r.slip] += 1
    return summary


STYLE = """body { font: 15px/1.5 system-ui, "Noto Sans", "Noto Sans CJK SC", "Noto Sans CJK JP", sans-serif;
color: #1e293b; max-width: 70rem; margin: 1.5rem auto; padding: 0 1rem; }
table { border-collapse: collapse; margin: 1rem 0; } th, td { padding: .25rem .6rem; border-bottom: 1px solid #e2e8f0;
text-align: left; vertical-align: top; } th { background: #f1f5f9; } td.n { text-align: right; }
.wrong { color: #b91c1c; } .ft { color: #1d4ed8; }"""


def table_html(sheets, rows, lang):
    ids, summary = columns(sheets, rows), slip_summary(sheets, rows)
    students = "".join(
        f"<tr><td class=n>{n}</td><td>{escape(name)}</td>" + (
            f'<td class=n>{g.right}</td><td class=n>{g.with_follow_through}</td><td class=n>{g.total}</td></tr>'
            if g else f'<td colspan=3 class=wrong>{escape(say(lang, "status_unreadable"))}</td></tr>')
        for n, name, g in rows)
    questions = []
    for qid, symbol in ids.items():
        statuses, slips = summary[qid]
        common = say(lang, "list_sep").join(say(lang, "slip_count", slip=say(lang, f"slip_{k}"), count=c)
                                            for k, c in slips.most_common(3)) or "—"
        questions.append(f"<tr><td>{escape(symbol)}</td>" + "".join(
            f"<td class=n>{statuses[s]}</td>" for s in ("right", "follow-through", "wrong", "missing")) +
            f"<td>{escape(common)}</td></tr>")
    head = "".join(f"<th>{escape(say(lang, key))}</th>" for key in ("col_student", "col_file", "col_score",
                                                                      "col_score_ft", "col_total"))
    qhead = "".join(f"<th>{escape(say(lang, key))}</th>" for key in (
        "col_question", "status_right", "status_follow-through", "status_wrong", "status_missing", "col_slips"))
    title = escape(say(lang, "class_title"))
    return (f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" '
            f'content="width=device-width, initial-scale=1"><title>{title}</title><style>{STYLE}</style></head>'
            f'<body><h1>{title}</h1><p>{escape(say(lang, "class_intro"))}</p><h2>{escape(say(lang, "class_students"))}'
            f'</h2><table><tr>{head}</tr>{students}</table><h2>{escape(say(lang, "class_questions"))}</h2>'
            f"<table><tr>{qhead}</tr>{''.join(questions)}</table></body></html>\n")


def run(key_path, folder, output, lang):
    """The ``--class`` command: grade, write both files, report unreadable files; the exit status."""
    sheets, rows, problems = grade_class(key_path, folder, lang)
    output = output or folder
    os.makedirs(output, exist_ok=True)
    write_text(os.path.join(output, "grades.csv"), table_csv(sheets, rows, lang))
    write_text(os.path.join(output, "grades.html"), table_html(sheets, rows, lang))
    for problem in problems:
        print(f"deltaprop check: {problem}", file=sys.stderr)
    print(say(lang, "class_wrote", count=len(rows), folder=output), file=sys.stderr)
    return 2 if problems else 0
