"""End to end in real headless Chromium: the page drives the real engine and shows its numbers."""

import os

import numpy as np
import pytest

from deltaprop import SGD, Network
from deltaprop.teach import mazur

pytestmark = pytest.mark.browser

from .conftest import state
from tests.page_numbers import read_number


def train_arrays(page):
    data = page.evaluate("window.playground.data")
    X = np.array([p[:2] for p in data["train"]])
    y = np.array([p[2] for p in data["train"]])
    return X, y


def engine_network(s, weights_key="batch"):
    source = s["batch"] if weights_key == "batch" else s["network"]
    return Network.from_weights(source["weights"], source["biases"], s["network"]["activations"],
                                loss=s["network"]["loss"], train_biases=all(s["network"]["train_biases"]))


def numbers(page, selector):
    return [read_number(text) for text in page.locator(selector).all_inner_texts()]


def test_spirals_play_lowers_the_test_loss_and_changes_the_heatmap(page, output_dir):
    page.click("#datasets button[data-dataset='spirals']")
    page.wait_for_function("window.playground.state.config.dataset === 'spirals'")
    page.click("#add-layer")
    page.wait_for_function("window.playground.state.config.hidden.length === 3")
    assert "dataset=spirals" in page.url and "hidden=4%2C2%2C2" in page.url       # the link holds the config
    before_loss = float(page.inner_text("#test-loss"))
    before_picture = page.evaluate("document.getElementById('heatmap').toDataURL()")
    page.click("#play")
    page.wait_for_function(f"window.playground.state.epoch >= 30 && window.playground.state.losses.test < {before_loss}",
                           timeout=30_000)
    page.click("#play")
    page.wait_for_function("!window.playground.state.playing")
    page.wait_for_timeout(200)
    s = state(page)
    assert float(page.inner_text("#test-loss")) == pytest.approx(s["losses"]["test"], abs=6e-5)
    assert float(page.inner_text("#test-loss")) < before_loss
    assert page.evaluate("document.getElementById('heatmap').toDataURL()") != before_picture
    assert int(page.inner_text("#epoch")) == s["epoch"] >= 30
    page.screenshot(path=os.path.join(output_dir, "playground-spirals.png"), full_page=True)


def test_step_trains_exactly_one_mini_batch_and_the_panel_shows_the_engines_numbers(page, output_dir):
    page.select_option("#batch_size", "5")
    page.wait_for_function("window.playground.state.config.batch_size === 5")
    s0 = state(page)
    page.click("#step")
    page.wait_for_function("window.playground.state.steps === 1")
    assert page.inner_text("#steps") == "1" and page.inner_text("#batch-pos").startswith("2 /")
    s1 = state(page)
    X, y = train_arrays(page)
    idx = s1["batch"]["indices"]
    assert len(idx) == 5 and s1["batch"]["weights"] == s0["network"]["weights"]
    replay = engine_network(s0, "network")
    loss = replay.train_step(X[idx], y[idx], SGD(s0["config"]["learning_rate"]))
    assert s1["losses"]["batch"] == pytest.approx(loss, rel=1e-12)
    for got, want in zip(s1["network"]["weights"], replay.weights):
        np.testing.assert_allclose(got, want, rtol=1e-12)

    page.click(".node[data-layer='1'][data-neuron='2']")
    page.wait_for_selector("#inspector td.z")
    net = engine_network(s1)
    zs, acts = net.forward(X[idx])
    grads = net.backward(y[idx], zs, acts)
    np.testing.assert_allclose(numbers(page, "#inspector td.z"), zs[0][:, 2], rtol=5e-9)
    np.testing.assert_allclose(numbers(page, "#inspector td.a"), acts[1][:, 2], rtol=5e-9)
    np.testing.assert_allclose(numbers(page, "#inspector td.delta"), grads.deltas[0][:, 2], rtol=5e-9)
    np.testing.assert_allclose(numbers(page, "#inspector td.grad"), grads.weights[0][2], rtol=5e-9)
    assert read_number(page.inner_text("#inspector .eq-bp3")) == pytest.approx(grads.biases[0][2], rel=5e-9)
    assert "BP2" in page.inner_text("#inspector")
    page.screenshot(path=os.path.join(output_dir, "playground-neuron-panel.png"), full_page=True)


def test_mazur_preset_shows_the_tutorials_numbers(page, output_dir):
    page.click("#mazur")
    page.wait_for_function("window.playground.state.task === 'mazur'")
    assert page.inner_text(".param[data-name='w5']") == "0.400000000"
    page.click("#step")
    page.wait_for_function("window.playground.state.steps === 1")
    assert page.inner_text("#batch-loss") == f"{mazur.PRINTED['E_total']:.9f}"            # 0.298371109
    for name in ("w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8"):
        shown = float(page.inner_text(f".param[data-name='{name}']"))
        assert shown == pytest.approx(mazur.PRINTED[name + "+"], abs=6e-9), name
    assert page.inner_text(".param[data-name='w5']").startswith("0.35891648")
    page.click(".node[data-layer='2'][data-neuron='0']")                                  # o1
    page.wait_for_selector("#inspector td.grad")
    assert read_number(page.inner_text("#inspector td.grad >> nth=0")) == pytest.approx(mazur.PRINTED["dE_dw5"], abs=6e-9)
    assert "BP1" in page.inner_text("#inspector") and "0.358916480" in page.inner_text("#inspector")
    page.screenshot(path=os.path.join(output_dir, "playground-mazur.png"), full_page=True)


def test_the_link_restores_the_configuration_and_a_weight_can_be_edited(open_page, output_dir):
    page = open_page("#dataset=moons&hidden=3&activations=relu&learning_rate=0.1&seed=7")
    s = state(page)
    assert s["config"]["dataset"] == "moons" and s["config"]["hidden"] == [3] and s["config"]["seed"] == 7
    assert s["network"]["activations"] == ["relu", "softmax"]
    page.dispatch_event(".hit[data-layer='1'][data-to='1'][data-from='0']", "click")   # crossing links overlap
    page.wait_for_selector("#inspector .weight-input")
    page.fill("#inspector .weight-input", "1.75")
    page.click("#inspector .set-weight")
    page.wait_for_function("window.playground.state.network.weights[0][1][0] === 1.75")
    page.close()


def test_a_weight_being_typed_survives_new_states(open_page, client):
    """States streamed while the user types a weight must not wipe the input (it used to be re-rendered)."""
    page = open_page("#dataset=moons&hidden=3&seed=7")
    page.dispatch_event(".hit[data-layer='1'][data-to='1'][data-from='0']", "click")
    page.wait_for_selector("#inspector .weight-input")
    page.fill("#inspector .weight-input", "1.75")
    session, version = page.evaluate("[window.playground.session, window.playground.state.version]")
    status, _ = client.post(f"/api/sessions/{session}/step")          # another state arrives over the stream
    assert status == 200
    page.wait_for_function(f"window.playground.state.version > {version}")
    page.wait_for_timeout(300)                                        # let any inspector refresh land
    assert page.input_value("#inspector .weight-input") == "1.75"
    page.click("#inspector .set-weight")
    page.wait_for_function("window.playground.state.network.weights[0][1][0] === 1.75")
    page.close()


def _move_demon(page, position):
    page.evaluate(f"""() => {{ const s = document.querySelector('#inspector .demon-slider');
                              s.value = '{position}'; s.dispatchEvent(new Event('input')); }}""")


def test_the_demon_slider_shows_the_engines_nudged_cost(page, output_dir):
    """Nielsen's demon: the cost the page shows after a nudge is deltaprop.teach.nudge's cost_after for that batch."""
    from deltaprop import nudge
    page.click(".node[data-layer='1'][data-neuron='1']")
    page.wait_for_selector("#inspector .demon-slider")
    before = page.evaluate("document.getElementById('heatmap').toDataURL()")
    _move_demon(page, 60)                                     # Δz = 2 · 0.6³ = 0.432
    page.wait_for_function("document.querySelector('#inspector .demon-after').textContent !== '–'")
    s = state(page)
    X, y = train_arrays(page)
    idx = s["batch"]["indices"]
    expected = nudge(engine_network(s), X[idx], y[idx], 1, 1, 2 * 0.6 ** 3)
    assert read_number(page.inner_text("#inspector .demon-after")) == pytest.approx(expected.cost_after, rel=5e-9)
    assert read_number(page.inner_text("#inspector .demon-predicted")) == pytest.approx(expected.predicted, rel=5e-9)
    assert "push z against the sign of δ" in page.inner_text("#inspector .demon-advice")
    assert page.evaluate("document.getElementById('heatmap').toDataURL()") != before     # the nudged output
    page.screenshot(path=os.path.join(output_dir, "playground-demon.png"), full_page=True)


def test_saturated_badge_on_a_saturated_neuron_only(open_page, client, output_dir):
    page = open_page("#dataset=circles&hidden=2&activations=sigmoid&seed=3")
    session = page.evaluate("window.playground.session")
    for frm in (0, 1):                                        # hidden neuron 1: huge weights → σ(z) ≈ 0 or 1
        status, _ = client.post(f"/api/sessions/{session}/weight", {"layer": 1, "to": 0, "from": frm, "value": 1000})
        assert status == 200
    page.wait_for_function("window.playground.state.network.weights[0][0][0] === 1000")
    page.click(".node[data-layer='1'][data-neuron='0']")
    page.wait_for_selector("#inspector .demon-slider")
    assert page.locator("#inspector .badge.saturated").count() == 1
    assert "learn slowly" in page.inner_text("#inspector .badge.saturated")
    page.screenshot(path=os.path.join(output_dir, "playground-saturated.png"), full_page=True)
    page.click("#inspector .close")
    page.click(".node[data-layer='1'][data-neuron='1']")      # untouched: σ′ in its linear regime
    page.wait_for_selector("#inspector .demon-slider")
    assert page.locator("#inspector .badge").count() == 0
    page.close()


MIDPOINTS = """() => [...document.querySelectorAll('#diagram path.link')].map((p) => {
  const hit = p.previousElementSibling, m = p.getPointAtLength(p.getTotalLength() / 2);
  const pt = p.ownerSVGElement.createSVGPoint(); pt.x = m.x; pt.y = m.y;
  const s = pt.matrixTransform(p.getScreenCTM());
  return {x: s.x, y: s.y, l: +hit.dataset.layer, to: +hit.dataset.to, from: +hit.dataset.from};
})"""


def test_real_clicks_on_every_visible_link_and_neuron(open_page):
    """A real mouse click on what the learner sees (not an event dispatched on the hidden hit path)."""
    page = open_page("#dataset=moons&hidden=3&seed=7")
    links = page.evaluate(MIDPOINTS)
    sizes = state(page)["network"]["sizes"]
    assert len(links) == sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    for link in links:
        page.mouse.click(link["x"], link["y"])
        page.wait_for_function("window.playground.inspecting && window.playground.inspecting.kind === 'link'")
        got = page.evaluate("window.playground.inspecting")
        same = (got["l"], got["to"], got["from"]) == (link["l"], link["to"], link["from"])
        crossing = [o for o in links if abs(o["x"] - link["x"]) < 3 and abs(o["y"] - link["y"]) < 3
                    and (got["l"], got["to"], got["from"]) == (o["l"], o["to"], o["from"])]
        assert same or crossing, (link, got)        # two links crossing exactly at their midpoints share the spot
        page.click("#inspector .close")
    for node in page.locator(".node:not(.input-node)").all():
        layer, neuron = int(node.get_attribute("data-layer")), int(node.get_attribute("data-neuron"))
        box = node.bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_function(f"window.playground.inspecting && window.playground.inspecting.kind === 'neuron' "
                               f"&& window.playground.inspecting.l === {layer} "
                               f"&& window.playground.inspecting.j === {neuron}")
        page.wait_for_selector("#inspector td.z")
        page.click("#inspector .close")
    page.close()


def test_changing_the_learning_rate_mid_run_keeps_the_weights(page, output_dir):
    for _ in range(12):
        page.click("#step")
    page.wait_for_function("window.playground.state.steps === 12")
    before = state(page)
    page.select_option("#learning_rate", "0.1")
    page.wait_for_function("window.playground.state.config.learning_rate === 0.1")
    after = state(page)
    assert after["steps"] == 12 and after["epoch"] == before["epoch"]
    assert after["network"]["weights"] == before["network"]["weights"]
    assert len(after["history"]) >= len(before["history"]) and after["markers"][-1][1] == "η 0.1"
    assert "training goes on from the same weights" in page.inner_text("#notice")
    page.click("#step")
    page.wait_for_function("window.playground.state.steps === 13")
    page.click("#datasets button[data-dataset='xor']")                 # the data changed: a restart, said so
    page.wait_for_function("window.playground.state.config.dataset === 'xor'")
    assert state(page)["steps"] == 0 and "Restarted" in page.inner_text("#notice")
    page.screenshot(path=os.path.join(output_dir, "playground-live-change.png"), full_page=True)


@pytest.mark.parametrize("width", [1440, 800, 390])
def test_the_page_fits_the_screen(open_page, output_dir, width):
    page = open_page(width=width, height=900)
    page.wait_for_timeout(200)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    page.screenshot(path=os.path.join(output_dir, f"playground-{width}px.png"), full_page=True)
    page.close()
    assert overflow <= 0, f"the page scrolls sideways by {overflow} px at {width} px"


def test_the_speed_control_slows_training_to_a_watchable_rate(page):
    """At 5 steps per second the step counter advances by about 5 a second (a learner can follow it)."""
    page.select_option("#speed", "5")
    page.wait_for_function("window.playground.state.config.speed === 5")
    page.click("#play")
    page.wait_for_function("window.playground.state.steps >= 2")
    start_steps, start = state(page)["steps"], page.evaluate("performance.now()")
    page.wait_for_timeout(2000)
    steps, now = state(page)["steps"], page.evaluate("performance.now()")
    page.click("#play")
    rate = (steps - start_steps) / ((now - start) / 1000)
    assert 3 <= rate <= 7, f"{rate:.1f} steps per second at a speed of 5"
    assert int(page.inner_text("#steps")) >= steps - 1
    page.select_option("#speed", "0")                      # as fast as it goes: far more than 5 a second
    page.wait_for_function("window.playground.state.config.speed === 0")
    page.click("#play")
    page.wait_for_timeout(1000)
    page.click("#play")
    assert state(page)["steps"] - steps > 50


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_lesson_loads_its_configuration_and_text(page, output_dir, lang):
    page.select_option("#lang", lang)
    page.wait_for_function(f"document.documentElement.lang === '{lang}' && "
                           "document.querySelectorAll('#lesson option').length > 6")
    assert f"lang={lang}" in page.url                              # the language is kept in the shareable link
    version = state(page)["version"]
    page.focus("#lesson")
    for _ in range(4):                                             # arrowing through the menu applies nothing
        page.keyboard.press("ArrowDown")
    page.wait_for_timeout(300)
    assert state(page)["version"] == version and page.input_value("#lesson") != ""
    page.select_option("#lesson", "xor")
    assert page.inner_text("#lesson-title").startswith("2.") and state(page)["version"] == version
    page.click("#lesson-start")
    page.wait_for_function("window.playground.state.config.dataset === 'xor' && "
                           "window.playground.state.config.hidden.length === 0")
    assert ("XOR" in page.inner_text("#lesson-text")) and page.inner_text("#lesson-try")
    page.select_option("#lesson", "saturation")
    page.click("#lesson-start")
    page.wait_for_function("window.playground.state.config.activations[0] === 'sigmoid'")
    page.screenshot(path=os.path.join(output_dir, f"playground-lesson-{lang}.png"), full_page=True)


def _stage_values(page):
    return {cell.get_attribute("data-key"): float(cell.get_attribute("data-value"))
            for cell in page.locator("#stepper td[data-value]").all()}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_explained_step_walks_every_stage_with_the_engines_numbers(page, output_dir, lang):
    page.select_option("#lang", lang)
    page.wait_for_function(f"document.documentElement.lang === '{lang}'")
    page.click("#step")
    page.wait_for_function("window.playground.state.steps === 1")
    s = state(page)
    net = engine_network(s)                               # the weights the batch was trained with
    X, y = train_arrays(page)
    idx = s["batch"]["indices"]
    from deltaprop.playground.datasets import targets
    Y = targets(y[idx].astype(int), s["n_classes"], s["network"]["loss"])
    zs, acts = net.forward(X[idx])
    grads = net.backward(Y, zs, acts)
    page.click("#explain-step")
    page.wait_for_selector("#stepper h3")
    kinds = []
    for n in range(20):
        kind = page.get_attribute("#stepper h3", "data-stage")
        kinds.append(kind)
        values = _stage_values(page)
        L = len(s["network"]["sizes"]) - 1
        widths = page.evaluate("[...document.querySelectorAll('#diagram path.link')].map(p => p.getAttribute('stroke-width'))")
        shown = s["network"]["weights"] if kind == "update" else s["batch"]["weights"]   # after / before the step
        expected_widths = [f"{min(8, 0.6 + 2.2 * abs(w)):.2f}" for l, W in enumerate(shown) for row in W for w in row]
        assert widths == expected_widths, kind
        if kind == "forward":
            layer = kinds.count("forward")
            for j in range(len(zs[layer - 1][0])):
                assert values[f"z{j}"] == pytest.approx(zs[layer - 1][0][j], rel=1e-12)
                assert values[f"a{j}"] == pytest.approx(acts[layer][0][j], rel=1e-12)
            labels = page.locator("#diagram .annot").all_inner_texts()
            assert len(labels) == len(zs[layer - 1][0]) and all(t.startswith("z ") for t in labels)
        elif kind in ("bp1", "bp2"):
            layer = L if kind == "bp1" else L - kinds.count("bp2")
            for j in range(len(grads.deltas[layer - 1][0])):
                assert values[f"delta{j}"] == pytest.approx(grads.deltas[layer - 1][0][j], rel=1e-12, abs=1e-300)
        elif kind == "gradients":
            for l, g in enumerate(grads.weights, start=1):
                for (j, k), v in np.ndenumerate(g):
                    assert values[f"w{l}_{j}_{k}"] == pytest.approx(v, rel=1e-12, abs=1e-300)
        elif kind == "update":
            for l, w in enumerate(s["network"]["weights"], start=1):       # the step the session made
                for (j, k), v in np.ndenumerate(np.array(w)):
                    assert values[f"w{l}_{j}_{k}"] == pytest.approx(v, rel=1e-12)
            page.screenshot(path=os.path.join(output_dir, f"playground-explained-step-{lang}.png"), full_page=True)
        if page.locator("#stepper .next").is_disabled():
            break
        page.click("#stepper .next")
    assert kinds == ["forward"] * (L) + ["cost", "bp1"] + ["bp2"] * (L - 1) + ["gradients", "update"]
    if lang == "zh":
        assert "更新" in page.inner_text("#stepper h3") and "下一步" in page.inner_text("#stepper")
    page.click("#stepper .prev")
    assert page.get_attribute("#stepper h3", "data-stage") == "gradients"
    page.click("#stepper .auto")                          # auto-play moves on by itself, then stops at the end
    page.wait_for_function("document.querySelector('#stepper h3').dataset.stage === 'update'", timeout=8000)
    page.click("#stepper .close")
    assert page.locator("#diagram .annot").count() == 0


def test_feature_inputs_change_the_networks_input_size(page, output_dir):
    page.click("#features button[data-feature='x1^2']")
    page.wait_for_function("window.playground.state.network.sizes[0] === 3")
    page.click("#features button[data-feature='x2^2']")
    page.wait_for_function("window.playground.state.network.sizes[0] === 4")
    assert page.locator("#diagram .input-node").count() == 4
    assert page.locator("#diagram .input-node .name").all_inner_texts() == ["x₁", "x₂", "x₁²", "x₂²"]
    page.click("#features button[data-feature='x1']")
    page.click("#features button[data-feature='x2']")
    page.wait_for_function("window.playground.state.network.sizes[0] === 2 && "
                           "window.playground.state.config.features.join() === 'x1^2,x2^2'")
    page.screenshot(path=os.path.join(output_dir, "playground-features.png"), full_page=True)


def test_three_class_blobs_reach_90_percent_in_the_page(page, output_dir):
    page.click("#datasets button[data-dataset='blobs']")
    page.wait_for_function("window.playground.state.config.dataset === 'blobs'")
    page.select_option("#classes", "3")
    page.wait_for_function("window.playground.state.network.sizes.slice(-1)[0] === 3")
    for _ in range(40):
        page.click("#epoch-btn")
        page.wait_for_function(f"window.playground.state.epoch >= {_ + 1}")
    assert state(page)["losses"]["test_accuracy"] >= 0.9
    page.check("#discretize")
    page.wait_for_function("window.playground.state.config.discretize === true")
    assert state(page)["epoch"] == 40                     # a view setting: training kept
    page.check("#log-scale")
    assert page.get_attribute("#curve", "data-scale") == "log"
    page.click("#regenerate")
    page.wait_for_function("window.playground.state.config.data_seed !== 0 && window.playground.state.steps === 0")
    page.screenshot(path=os.path.join(output_dir, "playground-blobs-3.png"), full_page=True)


def test_diagnostics_warn_of_dead_units_and_link_the_lesson(page, output_dir):
    page.select_option("#lesson", "dead-relu")
    page.click("#lesson-start")
    page.wait_for_function("window.playground.state.config.learning_rate === 1")
    for n in range(1, 6):
        page.click("#epoch-btn")
        page.wait_for_function(f"window.playground.state.epoch >= {n}")
    dead = int(page.get_attribute("#diag-counts", "data-dead"))
    s = state(page)
    from deltaprop.playground.page_diagnosis import SAMPLE, measure_units
    from deltaprop.playground.datasets import targets
    net = engine_network(s, "network")
    X, y = train_arrays(page)
    Y = targets(y[:SAMPLE].astype(int), s["n_classes"], s["network"]["loss"])
    expected = sum(d for d in measure_units(net, X[:SAMPLE], Y)[2] if d)
    assert dead == expected and dead > 0
    assert page.locator("#diag-warnings .warning[data-kind='dead']").count() >= 1
    assert page.locator("#grad-norms").bounding_box()["height"] > 40
    page.screenshot(path=os.path.join(output_dir, "playground-diagnostics.png"), full_page=True)
    page.select_option("#lesson", "")                     # no lesson chosen; the warning's link opens the one it names
    assert page.locator("#lesson-box").is_hidden()
    version = state(page)["version"]
    page.locator("#diag-warnings .warning[data-kind='dead'] button").first.click()
    page.wait_for_function("!document.getElementById('lesson-box').hidden")
    assert page.input_value("#lesson") == "dead-relu" and "ReLU" in page.inner_text("#lesson-title")
    page.wait_for_timeout(200)
    assert state(page)["version"] == version and state(page)["epoch"] == 5     # opening the lesson keeps the run


@pytest.mark.parametrize("width", [1440, 800, 390])
def test_the_explained_step_fits_every_screen(open_page, output_dir, width):
    page = open_page(width=width, height=900)
    page.click("#step")
    page.wait_for_function("window.playground.state.steps === 1")
    page.click("#explain-step")
    page.wait_for_selector("#stepper h3")
    page.click("#stepper .next")
    page.wait_for_timeout(200)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    page.screenshot(path=os.path.join(output_dir, f"playground-step-{width}px.png"), full_page=True)
    page.close()
    assert overflow <= 0, f"the page scrolls sideways by {overflow} px at {width} px"
