"""The import graph of ``src/deltaprop`` runs one way, in the layers docs/architecture.md draws, with no cycle.

Read from the source with :mod:`ast` (every ``import``, also those inside
functions), so a lazy import cannot hide a cycle.  ``deltaprop/__init__.py``
is the public façade that gathers everything: it may import faces, but nothing may import from it; the faces are
the explainer (with its exercises), the playground, the command line and the scikit-learn estimators.

The layers (:data:`MAY_IMPORT`): ``core`` imports nothing above it; ``fast``, ``teach`` and ``io`` import only
``core``; ``data`` also ``io``; ``interop`` also ``data``; a face imports any of those, and another face only
through that face's package (its public API, e.g. ``from ..explain import translate``), never its modules.
"""

from pathlib import Path
import ast

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "deltaprop"
FACES = ("deltaprop.explain", "deltaprop.playground", "deltaprop.commands", "deltaprop.cli",
         "deltaprop.__main__", "deltaprop.sklearn")


def _module_name(path):
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path, name):
    """Modules of the package that ``path`` imports (resolved to the longest existing module name)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant) \
                and str(node.values[0].value).startswith("deltaprop."):
            found.add(str(node.values[0].value))               # importlib.import_module(f"deltaprop.x.{name}")
            continue
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                stem = ".".join(base + ([node.module] if node.module else []))
            else:
                stem = node.module or ""
            targets = [f"{stem}.{alias.name}" for alias in node.names]
            targets.append(stem)        # kept only when some name is not a module (see _graph): then it is an edge
        else:
            continue
        for target in targets:
            if target.startswith("deltaprop"):
                found.add(target)
    return found


def _graph():
    modules = {_module_name(p): p for p in SRC.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        edges, found = set(), _imports(path, name)
        for target in found:
            if target.endswith("."):                           # a dynamic import: every module under it
                edges.update(m for m in modules if m.startswith(target) and m != name)
                continue
            if target in modules and any(t.startswith(target + ".") for t in found) and all(
                    t in modules for t in found if t.startswith(target + ".") and t.count(".") == target.count(".") + 1):
                continue                                       # "from . import sub": only the submodules are edges
            while target and target not in modules:           # "from .x import name" → module .x
                target = target.rpartition(".")[0]
            if target and target != name:
                edges.add(target)                              # also a name taken from a parent package's __init__
        graph[name] = edges
    return graph


def _is_face(name):
    return any(name == face or name.startswith(face + ".") for face in FACES)


# The package layers below the faces: what each may import (besides itself).
MAY_IMPORT = {
    "core": set(),
    "fast": {"core"},
    "teach": {"core"},
    "io": {"core"},
    "data": {"core", "io"},
    "interop": {"core", "io", "data"},
    "_version": set(),
    "examples": {"core", "fast", "teach", "io", "data", "interop"},   # package data: example specs, and scripts
                                                                     # that use the library as a user's would
}
# The faces, each a group of modules; "command line" is cli.py, __main__.py and commands/.
FACE_GROUPS = {"cli": "command line", "__main__": "command line", "commands": "command line",
               "explain": "explain", "playground": "playground", "sklearn": "sklearn"}
# A face's public API: the packages other faces may import from (``from ..explain import translate``).
PUBLIC = {"explain": {"deltaprop.explain", "deltaprop.explain.exercise"},
          "playground": {"deltaprop.playground"},
          "command line": {"deltaprop.commands", "deltaprop.cli"},
          "sklearn": {"deltaprop.sklearn"}}


def _group(name):
    """The top-level package (or flat module) of ``deltaprop.x.y``: "x"; the façade is "deltaprop"."""
    return name.split(".")[1] if "." in name else "deltaprop"


def test_every_package_has_a_layer():
    groups = {_group(name) for name in _graph()} - {"deltaprop"}
    assert groups <= set(MAY_IMPORT) | set(FACE_GROUPS), f"place {groups - set(MAY_IMPORT) - set(FACE_GROUPS)}"


def test_the_layers_run_one_way():
    """core imports nothing above it; fast, teach and io only core; data also io; interop also data."""
    bad = []
    for name, edges in _graph().items():
        group = _group(name)
        if group not in MAY_IMPORT:
            continue
        bad += [f"{name} → {target}" for target in edges
                if _group(target) != group and _group(target) not in MAY_IMPORT[group]]
    assert not bad, "imports against the layer order:\n" + "\n".join(sorted(bad))


def _written_imports(path, name):
    """``(module written in the import statement, names taken from it, line)`` for every import of ``path``
    (relative ones resolved; ``import a.b`` takes no names)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from ((alias.name, (), node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names = tuple(alias.name for alias in node.names)
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                yield ".".join(base + ([node.module] if node.module else [])), names, node.lineno
            else:
                yield node.module or "", names, node.lineno


def _public_names(package):
    """A face package's ``__all__`` (its public API), read from its ``__init__.py``."""
    init = SRC.parent.joinpath(*package.split("."), "__init__.py")
    for node in ast.parse(init.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__all__" for t in node.targets):
            return set(ast.literal_eval(node.value))
    return set()


def test_faces_use_each_other_only_through_the_public_api():
    bad = []
    for path in SRC.rglob("*.py"):
        name = _module_name(path)
        face = FACE_GROUPS.get(_group(name))
        if face is None:
            continue
        for module, names, line in _written_imports(path, name):
            other = FACE_GROUPS.get(_group(module)) if module.startswith("deltaprop.") else None
            if other is None or other == face:
                continue
            if module not in PUBLIC[other]:
                bad.append(f"{path.relative_to(SRC)}:{line} imports {module} (use {sorted(PUBLIC[other])})")
            elif set(names) - _public_names(module):
                bad.append(f"{path.relative_to(SRC)}:{line} takes {sorted(set(names) - _public_names(module))} "
                           f"from {module}, not in its __all__")
    assert not bad, "a face reaching into another face's modules:\n" + "\n".join(bad)


def test_the_core_does_not_know_the_fast_path():
    """The fast path plugs itself in (deltaprop.fast registers its engine and the fused SGD pass); the core runs
    and is complete without it."""
    graph = _graph()
    assert not [t for n, e in graph.items() if _group(n) == "core" for t in e if _group(t) == "fast"]
    assert "deltaprop.fast" in graph["deltaprop"]                            # the façade plugs it in


def test_the_graph_is_read():
    graph = _graph()
    assert "deltaprop.commands.train" in graph["deltaprop.cli"]          # importlib, by name
    assert "deltaprop.core.backprop" in graph["deltaprop.core.network"]
    assert "deltaprop.core.losses" in graph["deltaprop.core.backprop"]


def test_no_core_module_imports_a_face():
    bad = [(name, target) for name, edges in _graph().items() for target in edges
           if name != "deltaprop" and not _is_face(name) and _is_face(target)]
    assert not bad, f"core modules importing a face: {bad}"


def test_no_import_cycle():
    """The façade counts too: a module taking a name from ``deltaprop/__init__`` closes a cycle through it."""
    graph = _graph()
    colour, stack, cycles = {}, [], []

    def visit(node):
        colour[node] = "grey"
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if colour.get(nxt) == "grey":
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in colour:
                visit(nxt)
        stack.pop()
        colour[node] = "black"

    for node in sorted(graph):
        if node not in colour:
            visit(node)
    assert not cycles, "import cycles: " + "; ".join(" → ".join(c) for c in cycles)


@pytest.mark.parametrize("core", ["deltaprop.core.backprop", "deltaprop.core.losses", "deltaprop.core.activations",
                                  "deltaprop.core.training", "deltaprop.core.batch_step"])
def test_the_heart_does_not_import_the_network(core):
    """The loop and the equations work on any model with layers and a loss: no edge back up to network.py."""
    assert "deltaprop.core.network" not in _graph()[core]
