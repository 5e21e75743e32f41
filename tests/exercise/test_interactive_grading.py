"""The interactive sheet grades exactly as ``deltaprop check`` does, follow-through included.

The page carries ``deltaprop check``'s grader in JavaScript (``explain/exercise/static/grade.js``).  In real headless
Chromium: (1) on random sheets, for every slip the sheet names and for random answers, the page's grader gives the
Python grader's status, slip, repeat and follow-from number for every answer; (2) a learner types a whole sheet with
one slip, pressing Enter after each answer, and the statuses the page shows are ``check --json``'s, the slip named
once."""

import json
import random

import numpy as np
import pytest

import deltaprop as dp
from deltaprop.cli import main
from deltaprop.explain.exercise import grading, steps
from deltaprop.explain.exercise.i18n import say
from deltaprop.explain.exercise.sheet import Exercise

from .student import Impossible, Student

ALL = "z,a,cost,delta,grad,update"
GRADE_IN_PAGE = """(sets) => {
  const sheet = JSON.parse(document.getElementById("sheet-data").textContent).sheet;
  return sets.map((answers) => DeltapropGrade.grade(sheet, answers));
}"""


def _spec_sheets():
    """Pairs the generated levels do not have: sigmoid + binary cross-entropy, leaky ReLU, softmax + quadratic."""
    rng = np.random.default_rng(5)
    out = []
    for acts, loss, y in ((["leaky-relu:0.1", "sigmoid"], "binary-cross-entropy", [[0.8, 0.1]]),
                          (["sigmoid", "softmax"], "quadratic", [[0.0, 1.0]]),
                          (["relu", "linear"], "quadratic", [[0.3, -0.5]])):
        weights = [np.round(rng.uniform(-0.9, 0.9, (2, 2)), 1) + 0.05, np.round(rng.uniform(-0.9, 0.9, (2, 2)), 1)]
        net = dp.Network.from_weights(weights, [np.array([0.3, 0.2]), np.array([0.1, -0.2])], acts, loss=loss)
        out.append(Exercise(net, np.array([[0.6, 0.4]]), np.array(y), 0.5, ALL.split(","), numbering="nielsen"))
    return out


def _sheets():
    rng = random.Random(25)
    sheets = [dp.exercise(level, rng.randrange(10**6), ask=ALL, numbering=numbering)
              for level in (1, 2, 3) for numbering in ("nielsen", "deltaprop") for _ in range(2)]
    return sheets + _spec_sheets()


def _answer_sets(sheet, rng):
    """Every one-slip sheet the simulated learner can write, every update off by a factor of its step, and random
    answers (several wrong, some missing)."""
    sets = []
    for q in sheet["questions"]:
        for slip in q["slips"]:
            try:
                sets.append(Student(sheet, q["id"], slip).work())
            except Impossible:
                pass
    right = Student(sheet).work()
    for q in sheet["questions"]:                                    # updates: steps of every size round the rules
        if "base" in q:
            step = q["value"] - q["base"]
            sets += [right | {q["id"]: q["base"] + f * step} for f in (0, -1, 0.45, 0.55, 0.9, 1.1, 1.6, 2.5)]
    for _ in range(25):
        answers = {}
        for qid, value in right.items():
            roll = rng.random()
            if roll < 0.15:
                continue                                            # missing
            answers[qid] = value if roll < 0.6 else round(value * rng.choice([-1, 0.5, 2, 1.002]) + rng.choice(
                [0, 0, 0.01, -0.3]), 6)
        sets.append(answers)
    return sets


def _same(py, js):
    assert (py["status"], py["slip"], py["repeat"]) == (js["status"], js["slip"], js["repeat"]), (py, js)
    if py["follows"] is None:
        assert js["follows"] is None, (py, js)
    else:
        assert js["follows"] == pytest.approx(py["follows"], rel=1e-9, abs=1e-12), (py, js)


@pytest.mark.browser
def test_the_pages_grader_is_checks_on_random_sheets_and_every_slip(browser):
    rng = random.Random(7)
    page = browser.new_page()
    compared, statuses = 0, set()
    try:
        for ex in _sheets():
            sheet = ex.to_dict()
            page.set_content(ex.to_html("en"), wait_until="load")
            sets = _answer_sets(sheet, rng)
            in_page = page.evaluate(GRADE_IN_PAGE, sets)
            for answers, js in zip(sets, in_page):
                py = grading.grade(sheet, answers).as_dict()
                assert (js["score"], js["score_with_follow_through"], js["total"]) == \
                    (py["score"], py["score_with_follow_through"], py["total"])
                for p, j in zip(py["results"], js["results"], strict=True):
                    _same(p, j)
                    statuses.add(p["status"])
                compared += len(answers)
    finally:
        page.close()
    assert statuses == set(grading.STATUSES)
    assert compared > 10000                                     # many sheets × every slip, not a token check


def _case(slip):
    """A sheet (levels 1–3, then the spec sheets) whose question names ``slip``, and the first such question."""
    for ex in [dp.exercise(level, seed, ask=ALL) for seed in range(6) for level in (1, 2, 3)] + _spec_sheets():
        sheet = ex.to_dict()
        for q in sheet["questions"]:
            if slip in q["slips"]:
                try:
                    return ex, sheet, q["id"], Student(sheet, q["id"], slip).work()
                except Impossible:
                    continue
    raise AssertionError(f"no sheet names {slip}")


@pytest.mark.browser
@pytest.mark.parametrize("slip, lang", [(slip, ("en", "fr", "zh", "ja")[i % 4]) for i, slip in enumerate(steps.SLIPS)])
def test_a_learner_typing_a_sheet_sees_checks_statuses(browser, tmp_path, capsys, lang, slip):
    ex, sheet, slip_id, answers = _case(slip)
    (tmp_path / "sheet.json").write_text(json.dumps(sheet), encoding="utf-8")
    (tmp_path / "answers.json").write_text(json.dumps(answers), encoding="utf-8")
    capsys.readouterr()
    assert main(["check", str(tmp_path / "sheet.json"), str(tmp_path / "answers.json"), "--json"]) == 0
    expected = json.loads(capsys.readouterr().out)
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    try:
        page.set_content(ex.to_html(lang), wait_until="load")
        for q in sheet["questions"]:                            # in the sheet's order, as a learner works
            field = page.locator(f'li[data-id="{q["id"]}"] input')
            text = repr(answers[q["id"]])
            field.fill(text.replace(".", ",") if lang == "fr" else text)
            field.press("Enter")
        shown = page.eval_on_selector_all("ol.questions > li", "items => items.map((li) => [li.dataset.id, "
                                          "li.dataset.status, li.querySelector('.feedback').innerText])")
        score = page.locator("#score").inner_text()
    finally:
        page.close()
    statuses = {r["id"]: r["status"] for r in expected["results"]}
    assert {qid: status for qid, status, _ in shown} == statuses
    assert [qid for qid, status in statuses.items() if status == "wrong"] == [slip_id]       # one slip, one wrong
    named = say(lang, "slip", slip=say(lang, f"slip_{slip}"))
    assert [qid for qid, _, text in shown if named in text] == [slip_id]          # the slip named once, where made
    assert score == say(lang, "score_both", right=expected["score"], credited=expected["score_with_follow_through"],
                        total=expected["total"])
