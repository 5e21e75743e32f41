"""Functions in the core read without scrolling: none longer than about 60 lines of code (docstrings aside)."""

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "src" / "deltaprop" / "core"
LIMIT = 60


def code_lines(node):
    """Lines of ``node`` that are not its docstring."""
    lines = node.end_lineno - node.lineno + 1
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant) \
            and isinstance(body[0].value.value, str):
        lines -= body[0].end_lineno - body[0].lineno + 1
    return lines


def test_no_core_function_is_longer_than_a_screen():
    long = []
    for path in sorted(CORE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and code_lines(node) > LIMIT:
                long.append(f"{path.name}:{node.lineno} {node.name} ({code_lines(node)} lines)")
    assert not long, "functions to split: " + ", ".join(long)


def test_fit_and_backward_pass_fit_on_one_screen():
    """The two functions a reader opens first: fit's code and BP1–BP4 each well inside the limit."""
    for module, name, limit in (("training.py", "fit", 40), ("backprop.py", "backward_pass", 40)):
        tree = ast.parse((CORE / module).read_text(encoding="utf-8"))
        node = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == name)
        assert code_lines(node) <= limit, f"{name}: {code_lines(node)} lines"
