"""BP1 stated for the sheet's output/loss pair, and float noise never decides a ReLU kink: a spec whose z is
0.1 + 0.2 − 0.3 shows z = 0 and ReLU′(0) = 0 in the explainer, the exercise and the grader."""

import contextlib
import io
import json

import pytest

import deltaprop as dp
from deltaprop.cli import main
from deltaprop.explain.exercise import grading

from .student import Student

GENERAL_BP1 = "δ^L_j = ∂C/∂a^L_j · σ'(z^L_j)"
FUSED_BP1 = "δ^L_j = a^L_j − y_j"
KINK = {"layers": [{"weights": [[1.0, 1.0, -1.0], [0.5, 0.5, 0.5]], "biases": [0, 0], "activation": "relu"},
                   {"weights": [[1.0, -2.0]], "biases": [0], "activation": "sigmoid"}],
        "input": [0.1, 0.2, 0.3], "target": [1], "learning_rate": 0.5}


def _run(*argv):
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main([str(a) for a in argv])
    return code, out.getvalue()


@pytest.mark.parametrize("lang", ["en", "zh", "ja", "fr"])
def test_level_3_states_bp1_as_a_minus_y_on_the_sheet_and_in_feedback(tmp_path, lang):
    ex = dp.exercise(3, 5)
    sheet_text = ex.to_markdown(lang)
    assert FUSED_BP1 in sheet_text and GENERAL_BP1 not in sheet_text
    sheet = ex.to_dict()
    (tmp_path / "s.json").write_text(json.dumps(sheet))
    q = next(q for q in sheet["questions"] if q["id"] == "delta3_1[1]")
    answers = Student(sheet, q["id"], "softmax_elementwise").work()
    (tmp_path / "a.json").write_text(json.dumps(answers))
    code, out = _run("check", tmp_path / "s.json", tmp_path / "a.json", "--lang", lang)
    line = next(line for line in out.splitlines() if line.startswith("✗"))
    assert code == 0 and FUSED_BP1 in line and GENERAL_BP1 not in line
    from deltaprop.explain.exercise.i18n import say
    assert say(lang, "slip_softmax_elementwise") in line
    from deltaprop.explain.mathml import prose
    page = ex.to_html(lang)                                             # the page writes equations in MathML
    assert prose(FUSED_BP1) in page and prose(GENERAL_BP1) not in page


def test_sigmoid_with_binary_cross_entropy_states_a_minus_y_too(tmp_path):
    spec = {"layers": [{"weights": [[0.3, -0.2]], "biases": [0.1], "activation": "tanh"},
                       {"weights": [[0.5]], "biases": [0], "activation": "sigmoid"}],
            "loss": "binary-cross-entropy", "input": [0.5, -0.4], "target": [1], "learning_rate": 0.5}
    (tmp_path / "bce.json").write_text(json.dumps(spec))
    text = dp.exercise(spec=str(tmp_path / "bce.json")).to_markdown()
    assert FUSED_BP1 in text and "sigmoid + binary cross-entropy" in text and GENERAL_BP1 not in text


def test_float_noise_never_decides_a_relu_kink(tmp_path):
    assert 0.1 * 1 + 0.2 * 1 - 0.3 != 0                                  # the noise is real
    (tmp_path / "kink.json").write_text(json.dumps(KINK))
    # explain: z shown as 0, ReLU'(0) = 0, and the kink named
    code, out = _run("explain", "--spec", tmp_path / "kink.json", "--detail", "derive")
    assert code == 0 and "e−17" not in out and "e-17" not in out
    assert "= 0\n" in out and "ReLU'(0) = 0  (z = 0)" in out and "kink" in out
    # exercise: z²₁ = 0 and its δ = 0, and the sheet says which derivative to take
    ex = dp.exercise(spec=str(tmp_path / "kink.json"), ask="z,a,cost,delta,grad,update")
    values = {q.id: q.value for q in ex.questions}
    assert values["z2_1"] == 0 and values["delta2_1"] == 0 and values["dC/dw2_11"] == 0
    assert "ReLU′(0) = 0" in ex.to_markdown()
    # check: the hand answers (0) are right
    sheet = ex.to_dict()
    answers = Student(sheet).work()
    assert answers["z2_1"] == 0 and answers["delta2_1"] == 0
    grade = grading.grade(sheet, answers)
    assert grade.right == grade.total
