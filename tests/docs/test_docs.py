"""Every command and code block in README.md and docs/*.md runs and prints what the doc shows (see runner.py).

``make test`` runs the blocks that take seconds; ``make docs-check-long`` (DELTAPROP_DOCS_LONG=1) also the ones
marked ``<!-- docs: long ... -->`` (full training runs, downloads, benchmarks).
"""

import os

import pytest

from . import runner

LONG = os.environ.get("DELTAPROP_DOCS_LONG") == "1"
FILES = {path.name: runner.blocks(path) for path in runner.DOCS}


def _params():
    for name, blocks in FILES.items():
        if any(b.lang in ("console", "sh", "python", "json") and b.mode != "skip" for b in blocks):
            yield pytest.param(name, id=name)


@pytest.mark.parametrize("name", list(_params()))
def test_doc_runs_as_shown(name, tmp_path):
    cwd = runner.workdir(tmp_path)
    namespace = {"__name__": "__docs__"}
    ran = 0
    for block in FILES[name]:
        if block.mode == "skip" or block.lang == "text" or (block.mode == "long" and not LONG):
            continue
        runner.check(block, cwd, namespace)
        ran += 1
    assert ran or not LONG, f"{name}: nothing ran"


def test_every_skipped_block_says_why():
    for blocks in FILES.values():
        for block in blocks:
            if block.mode in ("skip", "long"):
                assert block.reason, f"{block.id}: a skipped or long block must give its reason"


def test_the_rules_of_comparison():
    assert runner.matches(["a", "...", "d"], "a\nb\nc\nd")
    assert runner.matches(["took ... s"], "took 1.3 s")
    assert not runner.matches(["a", "b"], "a\nc")
    assert runner.matches(["a", "..."], "a")
