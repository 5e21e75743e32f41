"""The ``deltaprop`` command line: one sub-command per module in :mod:`deltaprop.commands`.

Each command module provides ``HELP`` (one line), ``add_arguments(parser)`` and
``run(args) -> int``.  Errors a user can cause (bad flags, bad files, bad
numbers) become one line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys

# Sub-commands, in the order `deltaprop --help` lists them.
COMMANDS = (
    "demo",
    "gradcheck",
    "explain", "exercise", "check",
    "train", "evaluate", "predict", "download",
    "export", "import",
    "playground",
    "warmup",
)
MODULES = {"import": "import_model"}     # sub-command → module in deltaprop.commands, where the names differ

from .commands.errors import EXIT_FAILED, EXIT_USAGE, CommandError  # noqa: F401  (re-exported)


class _Parser(argparse.ArgumentParser):
    def error(self, message):           # one line, exit 2, no usage dump
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        sys.exit(EXIT_USAGE)


def build_parser():
    from ._version import __version__
    parser = _Parser(prog="deltaprop", description="Backpropagation in tensor form, showing its work.")
    parser.add_argument("--version", action="version", version=f"deltaprop {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS:
        module = importlib.import_module(f"deltaprop.commands.{MODULES.get(name, name.replace('-', '_'))}")
        command = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(command)
        command.set_defaults(run=module.run)
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return int(args.run(args) or 0)
    except KeyboardInterrupt:
        print(f"deltaprop {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:                 # the reader went away (e.g. `| head`): stop quietly
        sys.stderr.close()
        return 0
    except (CommandError, ValueError, TypeError, OSError, FloatingPointError, json.JSONDecodeError,
            ImportError) as exc:
        lines = str(exc).strip().splitlines() or [type(exc).__name__]
        if not isinstance(exc, (ValueError, CommandError)) or isinstance(exc, json.JSONDecodeError):
            lines = lines[:1]               # one line; several only when the message lists several problems
        if isinstance(exc, OSError) and exc.filename and str(exc.filename) not in lines[0]:
            lines[0] = f"{lines[0]}: {exc.filename}"
        for line in lines:
            print(f"deltaprop {args.command}: error: {line}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
