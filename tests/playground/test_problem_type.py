"""The problem-type switch (TF Playground's): classification ↔ regression chooses the family of data sets and the
output and cost that go with it — regression takes the quadratic cost and a linear output, by the loss module's one
rule (``core.losses.check_regression_loss``), which the server sends the page instead of the page restating it."""

import pytest

from deltaprop.core.losses import LOSSES, check_regression_loss, default_loss
from deltaprop.playground.options import options

from .conftest import state
from .test_languages import ALLOWED, latin_words

pytestmark = pytest.mark.browser

VISIBLE_DATASETS = "[...document.querySelectorAll('#datasets button')].filter(b => !b.hidden).map(b => b.dataset.dataset)"
ENABLED_LOSSES = "[...document.querySelectorAll('#loss option')].filter(o => !o.disabled).map(o => o.value)"


def accepts_real_targets(loss):
    try:
        check_regression_loss(loss)
        return True
    except ValueError:
        return False


@pytest.mark.parametrize("problem", ["classification", "regression"])
def test_the_options_say_each_problems_data_sets_and_costs_by_the_loss_modules_rule(problem):
    family = options()["problems"][problem]
    regression = problem == "regression"
    assert family["loss"] == default_loss(1 if regression else 2, classification=not regression)
    assert family["losses"] == [name for name in LOSSES if accepts_real_targets(name) or not regression]
    assert ("plane" in family["datasets"]) == regression and ("circles" in family["datasets"]) != regression


def test_switching_to_regression_and_back_by_clicks_and_keys(open_page):
    page = open_page()
    assert page.get_attribute("#problem button[data-problem='classification']", "aria-pressed") == "true"
    assert set(page.evaluate(VISIBLE_DATASETS)) == {"xor", "circles", "moons", "spirals", "blobs", "upload"}

    page.click("#problem button[data-problem='regression']")                       # by mouse
    page.wait_for_function("window.playground.state.task === 'regression'")
    s = state(page)
    regression = options()["problems"]["regression"]
    assert s["config"]["dataset"] == regression["datasets"][0] and s["config"]["loss"] == "quadratic"
    assert s["network"]["sizes"][-1] == 1 and s["network"]["activations"][-1] == "linear"
    assert page.get_attribute("#problem button[data-problem='regression']", "aria-pressed") == "true"
    assert set(page.evaluate(VISIBLE_DATASETS)) == set(regression["datasets"]) | {"upload"}
    assert page.evaluate(ENABLED_LOSSES) == ["quadratic"]              # the cross-entropies cannot be chosen
    page.click("#datasets button[data-dataset='gaussians']")                      # within the family: same cost
    page.wait_for_function("window.playground.state.config.dataset === 'gaussians'")
    page.click("#step")
    page.wait_for_function("window.playground.state.steps === 1")
    assert state(page)["losses"]["batch"] > 0 and "test_accuracy" not in state(page)["losses"]

    page.focus("#problem button[data-problem='classification']")                  # by keyboard
    page.keyboard.press("Space")
    page.wait_for_function("window.playground.state.task === 'classification'")
    s = state(page)
    assert s["config"]["dataset"] == options()["problems"]["classification"]["datasets"][0]
    assert s["config"]["loss"] == "cross-entropy" and s["network"]["activations"][-1] == "softmax"
    assert page.evaluate("document.activeElement.dataset.problem") == "classification"   # focus stays put
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.dataset.problem") is None
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.problem") == "regression"
    page.keyboard.press("Enter")
    page.wait_for_function("window.playground.state.task === 'regression'")
    assert "dataset=plane" in page.url or "dataset=regression" in page.url        # the link holds it


def test_the_switch_is_translated_and_off_in_mazurs_preset(open_page):
    page = open_page("#lang=ja", lang="ja")
    assert page.inner_text("#problem-title") == "問題の種類"
    assert page.inner_text("#problem button[data-problem='regression']") == "回帰"
    page.click("#problem button[data-problem='regression']")
    page.wait_for_function("window.playground.state.notice && window.playground.state.notice.kind === 'restarted'")
    notice = page.inner_text("#notice")                 # the restart names the data set and cost in Japanese
    assert "回帰" in notice and "二乗誤差" in notice
    assert [w for w in latin_words(notice) if w not in ALLOWED] == [], notice
    page.click("#mazur")
    page.wait_for_function("window.playground.state.task === 'mazur'")
    assert page.is_disabled("#problem button[data-problem='regression']")
