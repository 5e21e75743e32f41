"""Docs are tests: run every fenced block of README.md and docs/*.md as a reader would.

Blocks, by their fence language:

``console``  lines starting with ``$ `` are shell commands (run with bash, the project's ``.venv/bin`` first on
             ``PATH``); the lines after a command, up to the next ``$ ``, are its expected output (stdout and
             stderr together).  Comparison rules for volatile parts: trailing spaces are ignored; a line that is
             just ``...`` matches any number of lines (also none); ``...`` inside a line matches any text on that
             line (timings, paths, sizes).  A command shown without output must merely exit 0.
``sh``       every non-empty, non-comment line is a command that must exit 0 (no output compared).
``python``   executed top to bottom; all python blocks of one file share one namespace, like a notebook.
``json``     must parse; with ``<!-- docs: file NAME -->`` before it, it is also written to NAME for later blocks.
``text``     not run (an excerpt, a diagram).

An HTML comment right before a block changes that:

``<!-- docs: skip REASON -->``  not run here; the reason says why (e.g. it installs packages, or is ``make test``).
``<!-- docs: long REASON -->``  minutes of work or a download: run by ``make docs-check-long`` only.

Everything runs in a fresh temporary folder with the repository's ``examples/`` and ``docs/`` linked in.
"""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_FENCE = re.compile(r"^```(\w*)\s*$")
_DIRECTIVE = re.compile(r"<!--\s*docs:\s*(skip|long|file)\s*(.*?)\s*-->")


@dataclasses.dataclass
class Block:
    path: Path
    line: int
    lang: str
    text: str
    mode: str = "run"           # run | skip | long
    reason: str = ""
    file: str = ""

    @property
    def id(self):
        return f"{self.path.name}:{self.line}"


def blocks(path):
    """The fenced blocks of one Markdown file, with their directives."""
    lines = path.read_text(encoding="utf-8").splitlines()
    out, i, pending = [], 0, None
    while i < len(lines):
        directive = _DIRECTIVE.search(lines[i])
        if directive:
            pending = directive.groups()
        match = _FENCE.match(lines[i])
        if match and match.group(1):
            start, i = i + 1, i + 1
            while i < len(lines) and not lines[i].startswith("```"):
                i += 1
            block = Block(path, start, match.group(1), "\n".join(lines[start:i]))
            if pending:
                kind, arg = pending
                if kind == "file":
                    block.file = arg
                else:
                    block.mode, block.reason = kind, arg
                pending = None
            out.append(block)
        elif lines[i].strip() and not directive:
            pending = None
        i += 1
    return out


def environment():
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.setdefault("COLUMNS", "120")
    env["PYTHONHASHSEED"] = "0"
    return env


def workdir(tmp):
    for name in ("examples", "docs", "benchmarks"):
        (tmp / name).symlink_to(ROOT / name)
    return tmp


def run_shell(command, cwd, timeout=600):
    done = subprocess.run(["bash", "-c", command], cwd=cwd, env=environment(), capture_output=True, text=True,
                          timeout=timeout)
    return done.returncode, done.stdout + done.stderr


def console_steps(text):
    """``[(command, expected lines)]`` of a console block."""
    steps = []
    for line in text.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        elif steps:
            steps[-1][1].append(line)
    return steps


def matches(expected, actual):
    """The comparison rules of the module docstring."""
    want = [line.rstrip() for line in expected]
    while want and not want[-1]:
        want.pop()
    got = [line.rstrip() for line in actual.splitlines()]
    return _match(want, got)


def _match(want, got):
    if not want:
        return not got
    if want[0] == "...":
        return any(_match(want[1:], got[k:]) for k in range(len(got) + 1))
    if not got or not _line(want[0], got[0]):
        return False
    return _match(want[1:], got[1:])


def _line(want, got):
    if "..." not in want:
        return want == got
    pattern = ".*".join(re.escape(part) for part in want.split("..."))
    return re.fullmatch(pattern, got) is not None


def check(block, cwd, namespace):
    """Run one block; raise AssertionError with the difference when it does not do what the doc shows."""
    if block.lang == "console":
        for command, expected in console_steps(block.text):
            code, output = run_shell(command, cwd)
            assert code == 0, f"{block.id}: `{command}` exited {code}:\n{output[-3000:]}"
            if any(line.strip() for line in expected):
                assert matches(expected, output), (f"{block.id}: `{command}` printed\n{output}\n"
                                                    f"but the doc shows\n" + "\n".join(expected))
    elif block.lang == "sh":
        for line in block.text.splitlines():
            command = line.split(" #")[0].strip() if not line.lstrip().startswith("#") else ""
            if command:
                code, output = run_shell(command, cwd)
                assert code == 0, f"{block.id}: `{command}` exited {code}:\n{output[-3000:]}"
    elif block.lang == "python":
        previous = os.getcwd()
        os.chdir(cwd)
        try:
            exec(compile(block.text, f"{block.id}", "exec"), namespace)
        finally:
            os.chdir(previous)
    elif block.lang == "json":
        import json
        json.loads(block.text)
        if block.file:
            (cwd / block.file).write_text(block.text, encoding="utf-8")
