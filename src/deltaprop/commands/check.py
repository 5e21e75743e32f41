"""``deltaprop check SHEET ANSWERS``: grade a student's answers against an exercise sheet (or a class's folder)."""

from __future__ import annotations

import json

from ..explain import LANGUAGES
from ..explain.exercise import classgrade, equation_text, grade, read_answers, say, sheetfile
from ._args import positive_int

HELP = "grade a student's answers (JSON or CSV of name → value) against an exercise sheet's JSON, or a whole class"
MARK = {"right": "✓", "follow-through": "↪", "wrong": "✗", "missing": "·"}


def add_arguments(parser):
    parser.add_argument("sheet", metavar="SHEET", help="the sheet's JSON (deltaprop exercise --format json), or "
                                                       "answer-key.json with --student or --class")
    parser.add_argument("answers", metavar="ANSWERS", help="JSON object or CSV lines name,value (or name;value with "
                                                           "a decimal comma); with --class, a folder of them")
    parser.add_argument("--student", type=positive_int, metavar="N", help="the student's number in answer-key.json")
    parser.add_argument("--class", dest="whole_class", action="store_true",
                        help="grade every answers file of the folder ANSWERS (the student's number is the last "
                             "number in its name, e.g. answers-07.csv) and write grades.csv and grades.html")
    parser.add_argument("-o", "--output", metavar="FOLDER", help="with --class: where grades.csv and grades.html go "
                                                                 "(default: the answers folder)")
    parser.add_argument("--lang", choices=LANGUAGES, default="en")
    parser.add_argument("--json", action="store_true", help="the grade as JSON (for scripts), a status per answer")


def run(args):
    if args.whole_class:
        if args.student is not None:
            raise ValueError(say(args.lang, "err_class_student"))
        return classgrade.run(args.sheet, args.answers, args.output, args.lang)
    sheet = sheetfile.load(args.sheet, args.student, args.lang)
    result = grade(sheet, read_answers(args.answers, args.lang), args.lang)
    if args.json:
        print(json.dumps(result.as_dict(), ensure_ascii=False, indent=1))
        return 0
    for line in report(sheet, result, args.lang):
        print(line)
    return 0


def report(sheet, result, lang):
    """The grade as lines of text: one per answer, the slip named where it was made, then both scores."""
    symbols = {q["id"]: q["symbol"] for q in sheet["questions"]}
    space = "" if lang in ("zh", "ja") else " "
    lines = []
    for r in result.results:
        line = f"{MARK[r.status]} " + say(lang, "grade_line", id=symbols[r.id], status=say(lang, f"status_{r.status}"))
        if r.status == "wrong":
            line += say(lang, "wrong_line", equation=equation_text(lang, r.equation, sheet), needs=say(lang, "list_sep")
                        .join(r.needs))
            if r.slip:
                line += space + (say(lang, "same_slip") if r.repeat else say(lang, "slip", slip=say(lang, f"slip_{r.slip}")))
        elif r.status == "follow-through":
            line += say(lang, "follow_line")
        lines.append(line)
    lines.append(say(lang, "score_both", right=result.right, credited=result.with_follow_through, total=result.total))
    return lines
