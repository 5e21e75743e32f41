"""``deltaprop check SHEET ANSWERS``: grade a student's answers against an exercise sheet."""

from __future__ import annotations

import json

from ..explain.exercise import grade, read_answers, say
from ..explain import LANGUAGES
from ..io.safe_read import loads_json, read_text
from ._args import positive_int

HELP = "grade a student's answers (JSON or CSV of name → value) against an exercise sheet's JSON"


def add_arguments(parser):
    parser.add_argument("sheet", metavar="SHEET", help="the sheet's JSON (deltaprop exercise --format json), or "
                                                       "answer-key.json with --student")
    parser.add_argument("answers", metavar="ANSWERS", help="JSON object or CSV lines: name,value")
    parser.add_argument("--student", type=positive_int, metavar="N", help="the student's number in answer-key.json")
    parser.add_argument("--lang", choices=LANGUAGES, default="en")
    parser.add_argument("--json", action="store_true", help="the grade as JSON (for scripts)")


def run(args):
    sheet = _sheet(args.sheet, args.student)
    result = grade(sheet["questions"], read_answers(args.answers))
    if args.json:
        print(json.dumps(result.as_dict(), ensure_ascii=False, indent=1))
        return 0
    symbols = {q["id"]: q["symbol"] for q in sheet["questions"]}
    for r in result.results:
        status = say(args.lang, f"status_{r.status}")
        line = f"{'✓' if r.status == 'right' else '✗' if r.status == 'wrong' else '·'} " + \
            say(args.lang, "grade_line", id=symbols[r.id], status=status)
        if r.status == "wrong":
            equation = say(args.lang, f"eq_{r.equation}") if r.equation != "cost" else \
                say(args.lang, "eq_cost", formula=say(args.lang, "loss_" + sheet["network"]["loss"]))
            line += say(args.lang, "wrong_line", equation=equation, needs=", ".join(r.needs))
            if r.slip:
                line += " " + say(args.lang, "slip", slip=say(args.lang, f"slip_{r.slip}"))
        print(line)
    print(say(args.lang, "score", right=result.right, total=result.total))
    return 0


def _sheet(path, student):
    data = loads_json(read_text(path, 32 << 20, "exercise sheet (JSON)"), path)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: not an exercise sheet")
    if data.get("format") == "deltaprop-exercise-key":
        if student is None:
            raise ValueError(f"{path} is a class's answer key: give --student N (1..{len(data['students'])})")
        if not 1 <= student <= len(data["students"]):
            raise ValueError(f"--student must be 1..{len(data['students'])} for {path}")
        data = data["students"][student - 1]
    if data.get("format") != "deltaprop-exercise" or not isinstance(data.get("questions"), list):
        raise ValueError(f"{path}: not an exercise sheet (write one with deltaprop exercise --format json)")
    return data
