"""Exercises: every answer is the engine's number (and finite differences agree), sheets are reproducible and
different per student, the checker accepts the key and names each typical slip, bad input is refused."""

import json

import numpy as np
import pytest

import deltaprop as dp
from deltaprop.cli import main
from deltaprop.teach.gradcheck import numerical_gradients


def _by_id(ex):
    return {q.id: q for q in ex.questions + ex.given}


@pytest.mark.parametrize("level", [1, 2, 3])
@pytest.mark.parametrize("seed", [0, 1, 7])
def test_answers_are_the_engines_numbers_and_match_finite_differences(level, seed):
    ex = dp.exercise(level, seed, ask="z,a,cost,delta,grad,update")
    net, t = ex.network, ex.trace
    q = _by_id(ex)
    zs, acts = net.forward(t.X)
    grads = net.backward(t.Y, zs, acts)
    numeric_w, numeric_b = numerical_gradients(net.astype(np.float64), t.X, t.Y)
    batch = t.n > 1
    for l, layer in enumerate(net.layers, start=1):
        N = l + 1                                            # Nielsen's numbering: the input is layer 1
        for s in range(t.n):
            tag = f"[{s + 1}]" if batch else ""
            for j in range(layer.n_out):
                assert q[f"z{N}_{j + 1}{tag}"].value == zs[l - 1][s, j]
                assert q[f"a{N}_{j + 1}{tag}"].value == acts[l][s, j]
                assert q[f"delta{N}_{j + 1}{tag}"].value == grads.deltas[l - 1][s, j]
        for j in range(layer.n_out):
            for k in range(layer.n_in):
                g = q[f"dC/dw{N}_{j + 1}{k + 1}"].value
                assert g == grads.weights[l - 1][j, k]
                assert g == pytest.approx(numeric_w[l - 1][j, k], rel=1e-6, abs=1e-9)
                assert q[f"w{N}_{j + 1}{k + 1}+"].value == pytest.approx(layer.weights[j, k] - t.learning_rate * g,
                                                                         rel=1e-12, abs=1e-15)
            assert q[f"dC/db{N}_{j + 1}"].value == pytest.approx(numeric_b[l - 1][j], rel=1e-6, abs=1e-9)
    assert q["C"].value == pytest.approx(net.compute_loss(t.X, t.Y), rel=1e-12)


def test_numbers_can_be_done_by_hand():
    for level in (1, 2, 3):
        ex = dp.exercise(level, 11)
        for w in ex.network.weights + ex.network.biases + [ex.trace.X]:
            assert np.allclose(np.round(w * 10), w * 10)     # tenths only
        assert sum(w.size for w in ex.network.weights) <= 32


def test_same_seed_same_sheet_and_students_differ():
    assert dp.exercise(2, 5).to_json() == dp.exercise(2, 5).to_json()
    sheets = {json.dumps(dp.exercise(2, s).to_dict()["network"]) for s in range(30)}
    assert len(sheets) == 30


def test_the_key_is_accepted():
    ex = dp.exercise(3, 2)
    answers = {q.id: round(q.value, 4) for q in ex.questions}            # four decimals, as by hand
    grade = ex.check(answers)
    assert grade.right == grade.total == len(ex.questions)


@pytest.mark.parametrize("level, qid, slip", [
    (1, "delta3_1", "no_sigma"), (1, "delta3_1", "sign"), (1, "delta2_1", "no_sigma"),
    (1, "delta2_2", "updated_weights"), (1, "w3_11+", "plus_update"), (1, "C", "no_half"),
    (3, "dC/dw3_11", "sum_batch"), (3, "C", "sum_batch"), (2, "a2_1", "no_activation"),
])
def test_each_typical_slip_is_rejected_and_named(level, qid, slip):
    seed = next(s for s in range(50) if slip in _by_id(dp.exercise(level, s, ask="z,a,cost,delta,grad,update"))
                [qid].slips)
    ex = dp.exercise(level, seed, ask="z,a,cost,delta,grad,update")
    question = _by_id(ex)[qid]
    answers = {q.id: q.value for q in ex.questions}
    answers[qid] = round(question.slips[slip], 4)
    result = next(r for r in ex.check(answers).results if r.id == qid)
    assert result.status == "wrong" and result.slip == slip
    assert result.equation in ("BP1", "BP2", "BP3", "BP4", "update", "cost", "forward")


def test_cli_sheet_check_and_slip_message(tmp_path, capsys):
    assert main(["exercise", "--level", "1", "--seed", "3", "--format", "json", "-o", str(tmp_path / "s.json")]) == 0
    sheet = json.loads((tmp_path / "s.json").read_text())
    delta = next(q for q in sheet["questions"] if q["id"] == "delta3_1")
    lines = ["name,value"] + [f"{q['id']},{q['value']:.5f}" for q in sheet["questions"] if q["id"] != "delta3_1"]
    lines.append(f"delta3_1,{delta['slips']['no_sigma']:.5f}")
    (tmp_path / "answers.csv").write_text("\n".join(lines) + "\n")
    capsys.readouterr()
    assert main(["check", str(tmp_path / "s.json"), str(tmp_path / "answers.csv")]) == 0
    out = capsys.readouterr().out
    assert "✗ δ³₁: wrong — BP1: δ^L_j = ∂C/∂a^L_j · σ'(z^L_j); you need" in out
    assert "This is the number you get if you forgot σ'(z)." in out
    assert f"Score: {len(sheet['questions']) - 1} of {len(sheet['questions'])}" in out
    assert main(["check", str(tmp_path / "s.json"), str(tmp_path / "answers.csv"), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["score"] == report["total"] - 1


def test_a_class_of_thirty(tmp_path, capsys):
    assert main(["exercise", "--level", "2", "--seed", "100", "--students", "30", "--format", "markdown",
                 "--lang", "fr", "-o", str(tmp_path / "class")]) == 0
    files = sorted(p.name for p in (tmp_path / "class").iterdir())
    assert files[:2] == ["answer-key.json", "answer-key.md"] and len(files) == 32
    sheet_3 = (tmp_path / "class" / "sheet-03.md").read_text()
    assert "Élève 3" in sheet_3 and "Corrigé" not in sheet_3           # the students' copies carry no key
    key = json.loads((tmp_path / "class" / "answer-key.json").read_text())
    assert len({json.dumps(s["network"]["weights"]) for s in key["students"]}) == 30
    answers = {q["id"]: q["value"] for q in key["students"][2]["questions"]}
    (tmp_path / "a.json").write_text(json.dumps(answers))
    capsys.readouterr()
    assert main(["check", str(tmp_path / "class" / "answer-key.json"), str(tmp_path / "a.json"), "--student", "3",
                 "--lang", "fr"]) == 0
    total = len(key["students"][2]["questions"])
    assert f"Score\u00a0: {total} sur {total}" in capsys.readouterr().out


def _fails(capsys, *argv):
    code = main([str(a) for a in argv])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err, err
    return err


@pytest.mark.parametrize("content, messages", [
    ('{"z2_1": "abc"}', ['"abc" is not a finite number']),
    ('{"nope": 1.0}', ["unknown answer name 'nope'"]),
    ("z2_1,0.1\n,0.5\nz2_2,nan\nz2_2\na2_1,x\n",
     ["line 2: the name is missing", "line 3: 'nan' is not a finite number", "line 4: expected 'name,value'",
      "line 5: 'x' is not a number"]),
])
def test_malformed_answers_give_one_line_per_problem(tmp_path, capsys, content, messages):
    main(["exercise", "--format", "json", "-o", str(tmp_path / "s.json")])
    capsys.readouterr()
    (tmp_path / "a.txt").write_text(content)
    err = _fails(capsys, "check", tmp_path / "s.json", tmp_path / "a.txt")
    for message in messages:
        assert message in err
    assert err.count("\n") == len(messages)


def test_too_large_a_network_is_refused(tmp_path, capsys):
    spec = {"layers": [{"weights": [[0.1] * 6] * 6, "biases": [0] * 6, "activation": "tanh"},
                       {"weights": [[0.1] * 6] * 2, "biases": [0, 0], "activation": "sigmoid"}],
            "input": [0.1] * 6, "target": [0, 1]}
    (tmp_path / "big.json").write_text(json.dumps(spec))
    assert "48 weights; an exercise by hand has at most 32" in _fails(capsys, "exercise", "--spec", tmp_path / "big.json")


def test_a_spec_makes_an_exercise(capsys):
    spec = str(__import__("pathlib").Path(__file__).resolve().parents[2] / "examples" / "explain-softmax.json")
    assert main(["exercise", "--spec", spec, "--ask", "delta,grad", "--format", "markdown"]) == 0
    assert "δ" in capsys.readouterr().out
    ex = dp.exercise(spec=spec, ask="delta")
    assert ex.questions and all(q.kind == "delta" for q in ex.questions)
