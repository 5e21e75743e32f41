"""``deltaprop exercise``: a backpropagation exercise sheet (or one per student) with its answer key."""

from __future__ import annotations

import json
import os
import sys

from ..io.atomic_writes import write_text
from ..explain.exercise import DEFAULT_ASK, LEVELS, exercise
from ..explain import LANGUAGES
from ._args import int_in_range, seed

HELP = "make a backprop exercise sheet to do by hand (interactive HTML, printable HTML/PDF, Markdown, LaTeX, JSON)"
FORMATS = ("html", "print", "pdf", "markdown", "latex", "json")
SUFFIX = {"html": ".html", "print": ".html", "pdf": ".pdf", "markdown": ".md", "latex": ".tex", "json": ".json"}


def add_arguments(parser):
    parser.add_argument("--spec", metavar="FILE.json", help="the network (the explainer's spec format); "
                                                             "default: generated from --level and --seed")
    parser.add_argument("--level", type=int, choices=LEVELS, default=1,
                        help="1: 2-2-2 sigmoid + quadratic (Mazur-like); 2: other sizes, tanh/relu; "
                             "3: softmax + cross-entropy, a mini-batch, biases updated (default 1)")
    parser.add_argument("--seed", type=seed, default=0, help="same seed, same sheet (default 0)")
    parser.add_argument("--ask", metavar="KINDS", help="what the student computes: z,a,cost,delta,grad,update "
                                                       "(default per level: " +
                        "; ".join(f"{k}: {','.join(v)}" for k, v in DEFAULT_ASK.items()) + ")")
    parser.add_argument("--lang", choices=LANGUAGES, default="en")
    parser.add_argument("--numbering", choices=("nielsen", "deltaprop"), default="nielsen",
                        help="layer numbers: nielsen (the input is layer 1, as in Nielsen's book; default) or "
                             "deltaprop (the engine's: the first hidden layer is layer 1)")
    parser.add_argument("--format", choices=FORMATS, default="html",
                        help="html: interactive, checked in the page; print: printable HTML, key on its own page; "
                             "pdf (through Chromium); markdown; latex; json (questions and answers)")
    parser.add_argument("--worked-steps", action="store_true",
                        help="the answer key also shows the worked steps: the explainer's derivation of the sheet's "
                             "step, in its language and numbering (print, pdf, markdown, latex, json; folded in html)")
    parser.add_argument("--students", type=int_in_range(1, 500, "a number of students"), metavar="N",
                        help="N different sheets (seeds SEED, SEED+1, …) into the folder -o, plus one answer key")
    parser.add_argument("-o", "--output", metavar="PATH", help="file to write (a folder with --students); "
                                                               "default: standard output")


def run(args):
    if args.students:
        return _class(args)
    sheet = exercise(args.level, args.seed, spec=args.spec, ask=args.ask, numbering=args.numbering)
    if args.format == "pdf":
        if not args.output:
            raise ValueError("--format pdf needs -o FILE.pdf")
        from ..explain.exercise import html_to_pdf
        html_to_pdf(sheet.to_html(args.lang, interactive=False, worked=args.worked_steps), args.output)
    elif args.output:
        write_text(args.output, sheet.render(args.format, args.lang, worked=args.worked_steps))
    else:
        sys.stdout.write(sheet.render(args.format, args.lang, worked=args.worked_steps))
    if args.output:
        print(f"deltaprop exercise: wrote {args.output} ({len(sheet.questions)} questions)", file=sys.stderr)
    return 0


def _class(args):
    """One sheet per student (no key on the students' copies) and one answer key for the teacher."""
    if args.spec:
        raise ValueError("--students makes a different network per student: use --level and --seed, not --spec")
    if not args.output:
        raise ValueError("--students N needs -o FOLDER")
    os.makedirs(args.output, exist_ok=True)
    sheets, key_lines = [], []
    for n in range(1, args.students + 1):
        sheet = exercise(args.level, args.seed + n - 1, ask=args.ask, student=n, numbering=args.numbering)
        name = os.path.join(args.output, f"sheet-{n:02d}{SUFFIX[args.format]}")
        if args.format == "pdf":
            from ..explain.exercise import html_to_pdf
            html_to_pdf(sheet.to_html(args.lang, interactive=False, key=False), name)
        elif args.format == "json":
            write_text(name, sheet.to_json())
        else:
            write_text(name, sheet.render(args.format, args.lang, key=False))
        sheets.append(sheet.to_dict(worked=args.lang if args.worked_steps else None))
        key_lines.append(sheet.to_markdown(args.lang, key=True, worked=args.worked_steps).split("\n---\n", 1)[1].replace(
            "## ", f"## {os.path.basename(name)} — ", 1))
    write_text(os.path.join(args.output, "answer-key.json"),
               json.dumps({"format": "deltaprop-exercise-key", "students": sheets}, indent=1, ensure_ascii=False))
    write_text(os.path.join(args.output, "answer-key.md"), "\n".join(key_lines))
    print(f"deltaprop exercise: wrote {args.students} sheets and answer-key.md / answer-key.json to {args.output}",
          file=sys.stderr)
    return 0
