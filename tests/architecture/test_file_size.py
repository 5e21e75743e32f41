"""Every module reads without hunting: no file (Python, or a page's JavaScript and CSS) over 300 lines and no
function over about a screen (60 lines of code, its docstring aside) anywhere in the package -- the core's stricter
checks are in test_function_size.py."""

import ast
from pathlib import Path

from tests.architecture.test_function_size import code_lines

SRC = Path(__file__).resolve().parents[2] / "src" / "deltaprop"
FILE_LIMIT, FUNCTION_LIMIT = 300, 60


def test_no_module_is_longer_than_300_lines():
    long = [f"{path.relative_to(SRC)} ({n} lines)" for path in sorted(SRC.rglob("*.py"))
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > FILE_LIMIT]
    assert not long, "modules to split by concept: " + ", ".join(long)


def test_no_page_script_or_style_is_longer_than_300_lines():
    """The pages' JavaScript and CSS are read as the Python is: one concept per file."""
    long = [f"{path.relative_to(SRC)} ({n} lines)" for path in sorted(SRC.rglob("*"))
            if path.suffix in (".js", ".css") and path.name != "axe.min.js"
            and (n := len(path.read_text(encoding="utf-8").splitlines())) > FILE_LIMIT]
    assert not long, "page files to split by concept: " + ", ".join(long)


def test_no_function_is_longer_than_a_screen():
    long = []
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and code_lines(node) > FUNCTION_LIMIT:
                long.append(f"{path.relative_to(SRC)}:{node.lineno} {node.name} ({code_lines(node)} lines)")
    assert not long, "functions to split into named steps: " + ", ".join(long)
