"""``dp.explain(...)`` and ``dp.exercise(...)`` in a notebook: interactive views, in real Chromium with real clicks."""

import pytest

pytest.importorskip("anywidget")

import deltaprop as dp  # noqa: E402
from deltaprop.explain import html as explain_html  # noqa: E402
from deltaprop.explain.naming import names_for  # noqa: E402
from deltaprop.playground.notebook.views import ExerciseView, ExplanationView, mimebundle  # noqa: E402

from .widget_harness import open_widget  # noqa: E402

pytestmark = pytest.mark.browser
HEADING = "() => { const s = getComputedStyle(document.getElementById('course')); return [s.fontSize, s.color]; }"


def generic_explanation():
    net = dp.Network([2, 3, 2], ["sigmoid", "sigmoid"], loss="quadratic", seed=1)
    return dp.explain(net, [0.5, -0.2], [1.0, 0.0], detail="derive"), net


def test_outside_a_kernel_the_explanation_stays_html():
    explanation, _ = generic_explanation()
    assert mimebundle(explanation) == {}
    bundle = explanation._repr_mimebundle_()
    assert set(bundle) == {"text/html", "text/plain"} and 'class="deltaprop-explanation"' in bundle["text/html"]


def test_the_explanation_switches_language_numbering_and_folds_its_stages(browser, output_dir):
    explanation, net = generic_explanation()
    view = ExplanationView(explanation)
    page, errors = open_widget(browser, view)
    try:
        heading = page.evaluate(HEADING)
        root = page.locator("#output .deltaprop-explanation")
        assert root.get_attribute("lang") == "en"
        stages = page.locator("#output details.stage")
        n_stages = stages.count()
        top_level = page.evaluate("h => { const d = document.createElement('div'); d.innerHTML = h; return d"
                                  ".querySelectorAll('.deltaprop-explanation > h2').length; }", view.html)
        assert n_stages == top_level >= 4          # each stage of the step (the legend's own heading stays inside)
        page.select_option("#output .bar select >> nth=0", "fr")
        page.wait_for_function("document.querySelector('#output .deltaprop-explanation').lang === 'fr'")
        page.select_option("#output .bar select >> nth=1", "nielsen")
        expected = explain_html.fragment(explanation.blocks(), explanation.trace, names_for(net, "auto", "nielsen"),
                                         "fr")
        assert expected != explain_html.fragment(explanation.blocks(), explanation.trace,
                                                 names_for(net, "auto", "deltaprop"), "fr")
        text = page.evaluate("h => { const d = document.createElement('div'); d.innerHTML = h; "
                             "return d.querySelector('.deltaprop-explanation').textContent; }", expected)
        page.wait_for_function("t => document.querySelector('#output .deltaprop-explanation').textContent === t",
                               arg=text)
        assert view.lang == "fr" and view.numbering == "nielsen" and view.html == expected
        assert page.locator("#output details.stage").count() == n_stages
        page.click("#output .bar button.collapse")
        assert page.evaluate("[...document.querySelectorAll('#output details.stage')].every(d => !d.open)")
        page.locator("#output details.stage summary").nth(1).click()          # open one stage again
        assert page.evaluate("[...document.querySelectorAll('#output details.stage')].filter(d => d.open).length") == 1
        page.click("#output .bar button.expand")
        assert page.evaluate("[...document.querySelectorAll('#output details.stage')].every(d => d.open)")
        page.screenshot(path=f"{output_dir}/notebook-explain-view.png", full_page=False)
        assert page.evaluate(HEADING) == heading and heading[0] == "29px"
        assert errors == []
    finally:
        page.close()


def test_the_sheet_is_marked_in_the_kernel_by_the_grader(browser, output_dir, monkeypatch):
    sheet = dp.exercise(level=1, seed=3)
    view = ExerciseView(sheet)
    calls = []
    check = sheet.check
    monkeypatch.setattr(sheet, "check", lambda answers: calls.append(answers) or check(answers))
    questions = sheet.to_dict()["questions"]
    first, slipped = questions[0], next((q for q in questions if q["slips"]), None)
    page, errors = open_widget(browser, view)
    try:
        frame = page.frame_locator("iframe.deltaprop-exercise-view")
        item = frame.locator(f'li[data-id="{first["id"]}"]')
        assert "marked in the notebook's kernel" in frame.locator("body").inner_text()
        item.locator("input").fill(repr(first["value"]))
        item.locator("button.check").click()
        item.locator(".feedback.right").wait_for()
        assert item.locator(".feedback").inner_text() == "Right."
        assert calls == [{first["id"]: first["value"]}] and view.marked == {first["id"]: True}
        assert frame.locator("#score").inner_text() == f"Score: 1 of {len(questions)}"
        if slipped is not None:                 # a typical slip is named, as `deltaprop check` names it
            slip, value = next(iter(slipped["slips"].items()))
            other = frame.locator(f'li[data-id="{slipped["id"]}"]')
            other.locator("input").fill(repr(value))
            other.locator("input").press("Enter")
            other.locator(".feedback.wrong").wait_for()
            grade = check({slipped["id"]: value}).results
            assert next(r for r in grade if r.id == slipped["id"]).slip == slip
            assert other.locator(".feedback .slip").count() == 1
            assert other.locator(".feedback .verdict").inner_text() == "Not yet."
        page.screenshot(path=f"{output_dir}/notebook-exercise-view.png", full_page=True)
        assert errors == []
    finally:
        page.close()


def test_a_wrong_answer_is_marked_wrong_with_its_equation_in_the_sheets_language():
    from deltaprop.explain.exercise.i18n import messages
    sheet = dp.exercise(level=1, seed=3)
    view = ExerciseView(sheet, lang="fr")
    q = sheet.to_dict()["questions"][0]
    reply = view.mark(q["id"], q["value"] + 1.0)
    assert reply["status"] == "wrong" and view.marked == {q["id"]: False}
    assert reply["lines"][0] == ["verdict", messages("fr")["wrong"]]
    assert [kind for kind, _ in reply["lines"]][:3] == ["verdict", "equation", "needs"]
    assert reply["score"] == messages("fr")["score"].format(right=0, total=len(sheet.questions))


def test_the_kernel_grades_as_check_does_with_follow_through():
    """A learner who forgets σ′ in BP1 and works every later step from that δ: the notebook marks the slip once and
    credits the later answers as follow-through, exactly as `deltaprop check` grades the same answers."""
    from deltaprop.explain.exercise import grading
    from deltaprop.explain.exercise.i18n import messages
    from tests.exercise.student import Student
    sheet = next(s for s in (dp.exercise(level=1, seed=seed) for seed in range(50))
                 if ("delta3_1", "no_sigma") in [(q["id"], k) for q in s.to_dict()["questions"] for k in q["slips"]])
    answers = Student(sheet.to_dict(), "delta3_1", "no_sigma").work()
    view = ExerciseView(sheet, lang="en")
    for qid, value in answers.items():                      # typed in the sheet's order, Check after each
        reply = view.mark(qid, value)
    expected = {r.id: r.status for r in grading.grade(sheet.to_dict(), answers).results}
    shown = {r["id"]: r["status"] for r in reply["all"]}
    assert shown == expected and list(shown.values()).count("wrong") == 1
    assert list(shown.values()).count("follow-through") >= 3
    ft = next(r for r in reply["all"] if r["status"] == "follow-through")
    assert ft["lines"] == [["verdict", messages("en")["follow_page"]]]
    assert "with follow-through credit" in reply["score"]
