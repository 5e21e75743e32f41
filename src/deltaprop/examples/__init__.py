"""The example files shipped with deltaprop (installed with the package, so they are found from any folder).

``explain-NAME.json`` are networks for ``deltaprop explain --spec``: ``--spec softmax`` (a name) or
``--spec examples/explain-softmax.json`` (the path shown in the docs, found here when it is not in the current
folder) both work after ``pip install deltaprop``.
"""

from __future__ import annotations

from pathlib import Path

FOLDER = Path(__file__).resolve().parent


def names():
    """The example names: ``mazur``, ``softmax``, ... (``explain-NAME.json``)."""
    return sorted(p.stem.removeprefix("explain-") for p in FOLDER.glob("explain-*.json"))


def resolve(spec):
    """``spec`` as a file path: any path that exists (the spec loader checks it), else a packaged example by its
    name (``softmax``) or by its path in the repository (``examples/explain-softmax.json``)."""
    path = Path(spec)
    if path.exists() or path.parent not in (Path("."), Path("examples")):
        return str(path)
    for candidate in (FOLDER / f"explain-{spec}.json", FOLDER / path.name):
        if candidate.is_file():
            return str(candidate)
    if path.suffix.lower() != ".json":
        raise ValueError(f"no spec file {spec!r} and no example of that name; examples: {', '.join(names())}")
    return str(path)           # the spec loader says the file is missing
