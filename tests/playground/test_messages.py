"""Honest messages, in Chromium: the explained step shows the optimiser's real rule with the engine's numbers, a
restart names its cause and the notice ends at the next action, errors name the real limit, and the hover preview
and the classroom link do what they say."""

import re

import numpy as np
import pytest

from deltaprop.playground.schema import validate_config
from deltaprop.playground.session import Session
from deltaprop.playground.walkthrough import explained_step
from tests.page_numbers import read_number

pytestmark = pytest.mark.browser


@pytest.fixture
def page(open_page):
    return open_page("#optimizer=adam&l2=0.1&learning_rate=0.01&hidden=3&activations=tanh")


def test_the_explained_step_under_adam_and_l2_shows_adams_rule_with_the_engines_numbers(page):
    for n in range(1, 4):                                  # a few steps: Adam's m and v are not at their start
        page.click("#step")
        page.wait_for_function(f"window.playground.state.steps === {n}")
    s = page.evaluate("window.playground.state")
    page.click("#explain-step")
    page.wait_for_selector("#stepper h3")
    while not page.locator("#stepper .next").is_disabled():
        page.click("#stepper .next")
    assert page.get_attribute("#stepper h3", "data-stage") == "update"
    equation = page.inner_text("#stepper .equation >> nth=0")
    assert "m̂" in equation and "√v̂" in equation and "β" in equation and "(λ" in equation
    assert "w ← w − η g" not in equation                  # not plain gradient descent
    assert "Adam" in page.inner_text("#stepper") and "L2" in page.inner_text("#stepper")
    detail = page.locator("#stepper .update-detail")
    after, engine = float(detail.get_attribute("data-after")), float(detail.get_attribute("data-engine"))
    assert after == pytest.approx(engine, rel=1e-12)      # the rule, with its numbers, gives the engine's weight
    assert engine == s["network"]["weights"][0][0][0]       # the weight the session's step made
    assert engine != pytest.approx(s["batch"]["weights"][0][0][0] - 0.01 * s["batch"]["grad_weights"][0][0][0],
                                   rel=1e-6)                # (which plain SGD would not have made)
    assert read_number(page.inner_text("#stepper .detail-after")) == pytest.approx(engine, rel=1e-5)
    assert not re.search(r"\de[−+-]?\d", page.inner_text("#stepper"))    # powers of ten as × 10⁻ⁿ, never e-notation
    # every table number of the update stage is the engine's weight after the step
    for cell in page.locator("#stepper td[data-value]").all():
        l, j, k = map(int, cell.get_attribute("data-key")[1:].split("_"))
        assert float(cell.get_attribute("data-value")) == s["network"]["weights"][l - 1][j][k]


def test_adams_detail_matches_an_independent_replay():
    """The numbers m, v, m̂, v̂ are Adam's after the step; replayed here from the engine's gradients."""
    session = Session(validate_config({"optimizer": "adam", "l2": 0.1, "l1": 0.01, "learning_rate": 0.01}))
    ms, vs = 0.0, 0.0
    for t in range(1, 4):
        session.step()
        network, X, Y, _ = session.current_batch()          # the batch just trained, with the weights before it
        w = float(network.weights[0][0, 0])
        g = float(network.gradients(X, Y).weights[0][0, 0]) + session.optimizer.weight_decay * w \
            + session.optimizer.l1_decay * np.sign(w)
        ms, vs = 0.9 * ms + 0.1 * g, 0.999 * vs + 0.001 * g * g
        detail = explained_step(session)["stages"][-1]["detail"]
        assert detail["m"] == pytest.approx(ms, rel=1e-10) and detail["v"] == pytest.approx(vs, rel=1e-10)
        assert detail["t"] == t and detail["after"] == pytest.approx(detail["engine"], rel=1e-12)


def test_a_restart_names_its_cause_and_the_notice_ends_at_the_next_action(page):
    page.fill("#seed", "5")
    page.press("#seed", "Enter")
    page.wait_for_function("window.playground.state.config.seed === 5")
    assert "seed 0 → 5" in page.inner_text("#notice") and "Restarted" in page.inner_text("#notice")
    page.click("#step")
    page.wait_for_function("window.playground.state.steps === 1")
    assert page.locator("#notice").is_hidden()
    page.select_option("#loss", "quadratic")           # a cost that needs another output layer: restart, said so
    page.wait_for_function("window.playground.state.config.loss === 'quadratic'")
    assert "cost cross-entropy → quadratic" in page.inner_text("#notice")


def test_a_nine_class_csv_names_the_limit_of_eight(page, tmp_path):
    path = tmp_path / "nine.csv"
    path.write_text("x1,x2,label\n" + "\n".join(f"{i % 7}.5,{i % 5}.25,{i % 9}" for i in range(60)) + "\n")
    page.set_input_files("#csv", str(path))
    page.wait_for_function("!document.getElementById('error').hidden")
    text = page.inner_text("#error")
    assert "9 classes" in text and "at most 8" in text and "real-valued" not in text.split(";")[0]


def test_a_stall_from_vanishing_gradients_is_not_blamed_on_eta(open_page):
    """A 6 × 8 sigmoid network that stalls: the hint names vanishing gradients (or saturation), never η."""
    page = open_page("#hidden=8,8,8,8,8,8&activations=sigmoid,sigmoid,sigmoid,sigmoid,sigmoid,sigmoid"
                     "&loss=quadratic&learning_rate=0.03&samples=100")
    page.click("#play")
    page.wait_for_function("window.playground.state.hint && window.playground.state.epoch > 150 || "
                           "window.playground.state.epoch > 400", timeout=120_000)    # late in the plateau too
    page.click("#play")
    hint = page.evaluate("window.playground.state.hint")
    assert hint and hint["kind"] in ("stall_vanishing", "stall_saturated", "stall_deep_sigmoid"), hint
    text = page.inner_text("#hint")
    assert "too large" not in text and "too small" not in text and "η will not fix it" in text
    page.close()


def test_hovering_a_neuron_shows_its_output_in_the_big_heatmap(page):
    before = page.evaluate("document.getElementById('heatmap').toDataURL()")
    page.hover(".node[data-layer='1'][data-neuron='0']")
    page.wait_for_function("document.getElementById('heatmap').dataset.preview === '1'")
    assert page.evaluate("document.getElementById('heatmap').toDataURL()") != before
    dark = page.evaluate("""(() => { const c = document.getElementById('heatmap'), d = c.getContext('2d')
        .getImageData(0, 0, c.width, c.height).data; let n = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i] + d[i + 1] + d[i + 2] < 60) n++; return n / (d.length / 4); })()""")
    assert dark < 0.05, f"{dark:.0%} of the preview is black"          # the neuron's colours, not NaN
    assert "hidden neuron 1 (layer 2)" in page.inner_text("#preview-note")
    page.mouse.move(5, 5)
    page.wait_for_function("document.getElementById('heatmap').dataset.preview === ''")


def test_a_classroom_link_hides_the_chosen_controls(page, open_page, server):
    page.click("#classroom")
    page.check("#classroom-box input[value='optimizer']")
    page.check("#classroom-box input[value='lessons']")
    url = page.input_value("#classroom-url")
    assert "hide=optimizer%2Clessons" in url or "hide=optimizer,lessons" in url
    student = open_page(url.removeprefix(server.url))
    assert student.locator("#optimizer").is_hidden() and student.locator("#lesson").is_hidden()
    assert student.locator("#learning_rate").is_visible() and student.locator("#play").is_visible()
    assert student.evaluate("window.playground.state.config.optimizer") == "adam"      # the teacher's settings
    student.close()


def test_layers_are_numbered_as_nielsen_does_unless_the_page_is_set_to_the_engines(page, client):
    """Input = layer 1 by default (issue 25): the first hidden neuron is in layer 2, its weights w²ⱼₖ."""
    page.click(".node[data-layer='1'][data-neuron='0']")
    page.wait_for_selector("#inspector[data-target='neuron-1-0'] td.z")
    assert "layer 2 (hidden)" in page.inner_text("#inspector h3")
    assert page.inner_text(".layer-head >> nth=0").startswith("Input (layer 1)")
    page.click("#explain-step")
    page.wait_for_selector("#stepper h3")
    assert page.inner_text("#stepper h3") == "Forward pass: layer 2"
    page.select_option("#numbering", "engine")
    page.wait_for_function("document.querySelector('#stepper h3').textContent === 'Forward pass: layer 1'")
    page.wait_for_function("document.querySelector('#inspector h3').textContent.includes('layer 1 (hidden)')")
    assert "numbering=engine" in page.url
    sid = page.evaluate("window.playground.session")
    status, body = client.get(f"/api/sessions/{sid}/explained-step?numbering=engine")
    assert status == 200 and body["stages"][0]["shown_layer"] == 1
    status, body = client.get(f"/api/sessions/{sid}/explained-step?numbering=book")
    assert status == 400 and "numbering must be nielsen or engine" in body["error"]


def test_a_csv_refusal_is_worded_in_the_pages_language(open_page, tmp_path):
    page = open_page("#lang=ja", lang="ja")
    path = tmp_path / "two.csv"
    path.write_text("1,2\n3,4\n5,6\n7,8\n")
    page.set_input_files("#csv", str(path))
    page.wait_for_function("!document.getElementById('error').hidden")
    assert page.inner_text("#error") == "CSV ファイルを受け付けられません：CSV ファイルには 3 列（x1、x2、ラベル）が必要ですが、2 列あります。"
    page.close()
