"""The explainer's demon check (--detail derive) shows deltaprop.teach.nudge's numbers, in every format and language."""

import json

import numpy as np
import pytest

import deltaprop as dp
from deltaprop.cli import main
from deltaprop.explain.expr import display_number as format_number
from deltaprop.explain.text import prose_number


def _expected(net, X, Y):
    return [dp.nudge(net, X, Y, l, j, 1e-3) for l in (1, 2) for j in (0, 1)]


@pytest.mark.parametrize("lang", ["en", "zh", "ja", "fr"])
@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_demon_lines_show_the_nudge_numbers(lang, fmt):
    net, (X, Y) = dp.mazur_network(), dp.mazur_data()
    explanation = dp.explain(net, X[0], Y[0], detail="derive")
    out = explanation.render(fmt, lang=lang)
    for check in _expected(net, X, Y):
        for value in (check.predicted, check.actual, check.delta):
            assert prose_number(format_number(value, 9), lang) in out, (lang, fmt, value)   # fr: 0,5
    assert "demon" in out.lower() or "调皮鬼" in out or "悪魔" in out or "démon" in out


def test_json_demon_checks_equal_nudge():
    net, (X, Y) = dp.mazur_network(), dp.mazur_data()
    data = dp.explain(net, X[0], Y[0], detail="derive").to_dict()
    assert [c["actual"] for c in data["demon_checks"]] == [c.actual for c in _expected(net, X, Y)]
    assert [c["layer"] for c in data["demon_checks"]] == [1, 1, 2, 2]
    assert "demon_checks" not in dp.explain(net, X[0], Y[0]).to_dict()        # concise by default


def test_cli_derive_detail(capsys):
    assert main(["explain", "--detail", "derive", "--format", "json"]) == 0
    checks = json.loads(capsys.readouterr().out)["demon_checks"]
    assert len(checks) == 4 and all(c["relative_gap"] < 1e-2 for c in checks)
    assert main(["explain", "--detail", "derive", "--lang", "fr"]) == 0
    assert "si z augmentait de" in capsys.readouterr().out


def test_demon_check_on_a_softmax_batch():
    net = dp.Network([3, 4, 3], ["tanh", "softmax"], loss="cross-entropy", seed=0)
    X = np.random.default_rng(0).normal(size=(2, 3))
    Y = np.eye(3)[[0, 2]]
    data = dp.explain(net, X, Y, detail="derive", form="matrix").to_dict()
    assert len(data["demon_checks"]) == 7
    for check in data["demon_checks"]:
        # second order: |ΔC − δΔz| ≤ ½ |C''| Δz², a few 1e-8 here
        assert check["actual"] == pytest.approx(check["predicted"], rel=1e-2, abs=1e-7)
