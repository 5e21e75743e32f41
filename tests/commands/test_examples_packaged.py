"""The example specs are package data: the wheel holds them, and `explain --spec` finds them from any folder."""

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import deltaprop
from deltaprop.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("spec", ["softmax", "examples/explain-softmax.json"])
def test_explain_finds_a_packaged_example_from_any_folder(tmp_path, monkeypatch, capsys, spec):
    monkeypatch.chdir(tmp_path)                         # no examples/ folder here
    assert main(["explain", "--spec", spec]) == 0
    assert "softmax" in capsys.readouterr().out


def test_an_unknown_example_lists_the_names(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["explain", "--spec", "sofmax"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "batch, mazur, softmax, tanh" in err, err


def test_the_wheel_holds_the_examples(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(Path(deltaprop.__file__).parent, source / "src" / "deltaprop",
                    ignore=shutil.ignore_patterns("__pycache__"))
    run = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                          str(tmp_path / "wheel"), str(source)], capture_output=True, text=True, timeout=300,
                         env={**os.environ, "PIP_NO_INDEX": "1"})
    assert run.returncode == 0, run.stderr
    (wheel,) = (tmp_path / "wheel").glob("deltaprop-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for example in sorted((Path(deltaprop.__file__).parent / "examples").glob("*.json")):
        assert f"deltaprop/examples/{example.name}" in names
