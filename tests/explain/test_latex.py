"""``--format latex``: a standalone .tex that compiles (pdflatex en/fr, xelatex + xeCJK zh/ja) for Mazur's example
and two other specs, in every language, with every number the engine computed."""

import os
import re
import shutil
import subprocess

import pytest

import deltaprop
from deltaprop.cli import main
from deltaprop.explain import latex, spec

ENGINES = [("en", "pdflatex"), ("fr", "pdflatex"), ("zh", "xelatex"), ("ja", "xelatex")]
CASES = {"mazur": ([], "neuron"), "softmax": (["--spec", "examples/explain-softmax.json"], "both"),
         "batch": (["--spec", "examples/explain-batch.json"], "matrix")}
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _engine(name):
    if shutil.which(name) is None:
        if os.environ.get("DELTAPROP_REQUIRE_BROWSER") == "1":            # make test: the set-up installs TeX
            pytest.fail(f"{name} is missing: run scripts/ensure-test-system.sh")
        pytest.skip(f"{name} not installed")
    return name


@pytest.mark.parametrize("lang, engine", ENGINES)
@pytest.mark.parametrize("case", list(CASES))
def test_latex_compiles_in_every_language(tmp_path, output_dir, lang, engine, case, monkeypatch):
    engine = _engine(engine)
    args, form = CASES[case]
    monkeypatch.chdir(ROOT)
    tex = tmp_path / f"{case}-{lang}.tex"
    assert main(["explain", *args, "--form", form, "--detail", "derive", "--lang", lang, "--format", "latex",
                 "-o", str(tex)]) == 0
    source = tex.read_text(encoding="utf-8")
    assert source.startswith(r"\documentclass") and r"\begin{align*}" in source
    assert (r"\usepackage{xeCJK}" in source) == (lang in ("zh", "ja"))
    if form != "neuron":
        assert r"\begin{bmatrix}" in source and r"\underbrace" in source
    done = subprocess.run([engine, "-interaction=nonstopmode", "-halt-on-error", tex.name], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:]
    log = (tmp_path / f"{case}-{lang}.log").read_text(encoding="utf-8", errors="replace")
    assert "Missing character" not in log                          # every glyph exists in the fonts used
    pdf = tmp_path / f"{case}-{lang}.pdf"
    assert pdf.stat().st_size > 10_000
    if case == "mazur":
        shutil.copy(pdf, os.path.join(output_dir, f"explain-{lang}.pdf"))


def test_latex_shows_the_engines_numbers():
    e = deltaprop.explain(deltaprop.mazur_network(), [0.05, 0.1], [0.01, 0.99], form="both")
    source = e.to_latex()
    for value in ("0.593269992", "0.138498562", "0.35891648", "-0.038098237", "0.291027774"):
        assert value in source, value
    assert r"\tag*{BP2}" in source and r"\left(W^{3}\right)^{\mathsf T}" in source


def test_prose_symbols_become_math_and_specials_are_escaped():
    assert latex.tex("δ^L = a − y").replace("  ", " ") == r"$\delta ^{L} = a - y$"      # one math run
    assert latex.tex("because δ = ∂C/∂z (Nielsen)").replace("  ", " ") == \
        r"because $\delta = \partial C/\partial z$ (Nielsen)"
    assert latex.tex("3.5102 × 10⁻⁵ after") == r"$3.5102\times 10^{-5}$ after"
    assert latex.tex("a^(l−1)_k and 50% & $5 --numbering") == r"$a^{l-1}_{k}$ and 50\% \& \$5 -{}-numbering"
    assert latex.tex("update_biases") == r"update\_biases"          # prose words are not subscripted


def test_shapes_become_underbraces_under_their_symbols():
    s = spec.parse({"layers": [{"weights": [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]], "biases": [0, 0, 0],
                                "activation": "tanh"}],
                    "input": [1.0, 2.0], "target": [0.1, 0.2, 0.3]})
    source = deltaprop.explain(s.network, s.X, s.Y, form="matrix").to_latex()
    assert re.search(r"\\underbrace\{W\^\{2\}\}_\{3\\times 2\}", source)
