"""``deltaprop explain``: one backpropagation step written out with every number.

By default Mazur's 2-2-2 tutorial network; ``--spec FILE.json`` for any small
network (format in :mod:`deltaprop.explain.spec`).
"""

from __future__ import annotations

from .. import examples
from ..teach import mazur
from ..io.atomic_writes import write_text
from ..explain import DETAILS, FORMATS, FORMS, LANGUAGES, MAX_STEPS, ExplainError, FixedDecimals, explain
from ..explain import spec as spec_module
from ._args import int_in_range
from .errors import CommandError

HELP = "write out one backprop step with every number (Mazur's example, or any small network)"


def add_arguments(parser):
    parser.add_argument("--spec", metavar="FILE.json",
                        help="the network, input(s), target(s) and settings (default: Mazur's tutorial network); "
                             f"or an example's name: {', '.join(examples.names())}")
    parser.add_argument("--form", choices=FORMS, default="neuron",
                        help="neuron by neuron (default), matrix (tensor form, shapes shown) or both")
    parser.add_argument("--lang", choices=LANGUAGES, default="en", help="language (default en)")
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format (default text)")
    parser.add_argument("--precision", type=int_in_range(1, 17, "a number of digits"), default=None, metavar="D",
                        help="exactly D decimals in text, Markdown and HTML, so columns line up (default: 9, trailing "
                             "zeros dropped, as the tutorial prints)")
    parser.add_argument("--steps", type=int_in_range(0, MAX_STEPS, "a number of steps"), default=0, metavar="N",
                        help="also show the error and outputs after N training steps")
    parser.add_argument("--numbering", choices=("deltaprop", "nielsen"), default="nielsen",
                        help="layer numbers as the engine counts them (1 = first hidden layer, the default) or as "
                             "Nielsen's book does (input = layer 1)")
    parser.add_argument("--detail", choices=DETAILS, default="concise",
                        help="concise (default) or derive: adds where each factor comes from (each function, its "
                             "derivative in general form, then the numbers) and Nielsen's demon check for every neuron")
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")


def run(args):
    try:
        return _run(args)
    except ExplainError as exc:                      # a mistake in the spec or settings, said in --lang
        raise CommandError(exc.say(args.lang)) from None


def _run(args):
    if args.spec:
        spec = spec_module.load(examples.resolve(args.spec))     # a file, or a packaged example's name
        explanation = explain(spec.network, spec.X, spec.Y, learning_rate=spec.learning_rate,
                              update_biases=spec.update_biases, steps=args.steps, form=args.form, detail=args.detail,
                              numbering=args.numbering)
    else:
        X, Y = mazur.mazur_data()
        explanation = explain(mazur.mazur_network(), X, Y, learning_rate=mazur.LEARNING_RATE,
                              update_biases=False, steps=args.steps, form=args.form, detail=args.detail,
                              numbering=args.numbering)
    # Default: the tutorial's 9 decimals, trailing zeros dropped (0.3775); --precision D: exactly D decimals.
    precision = 9 if args.precision is None else FixedDecimals(args.precision)
    output = explanation.render(args.format, lang=args.lang, precision=precision)
    if args.output:
        write_text(args.output, output)
    else:
        print(output, end="")
    return 0
