"""Every lesson followed in Chromium as a student would: real clicks and keys on the page's own controls, the
lesson's steps read from the lesson box, and each promise its text makes checked on the page afterwards.

The steps and their promises are data (``deltaprop.playground.lessons.LESSONS``); this file knows how a student
carries out each kind of action and how to check each kind of promise.  All eight lessons in English, two in each
other language.
"""

import json

import numpy as np
import pytest

from deltaprop.playground import lessons

pytestmark = pytest.mark.browser


def state(page):
    return page.evaluate("window.playground.state")


def number(text, lang):
    """A number as the page writes it (real minus sign; French decimal comma) → float."""
    return float(text.strip().replace("−", "-").replace(",", "." if lang == "fr" else ","))


def wait_state(page, condition, timeout=30_000):
    page.wait_for_function(f"(() => {{ const s = window.playground.state; return {condition}; }})()", timeout=timeout)


def do(page, action, record):
    kind, args = action[0], action[1:]
    s0 = state(page)
    if kind == "epochs":
        for i in range(args[0]):
            page.click("#epoch-btn")
            wait_state(page, f"s.epoch >= {s0['epoch'] + i + 1}")
    elif kind == "play_until":
        page.click("#play")
        wait_state(page, f"s.epoch >= {args[0]}", timeout=90_000)
        page.click("#play")
        wait_state(page, "!s.playing")
    elif kind == "steps":
        for i in range(args[0]):
            page.click("#step")
            wait_state(page, f"s.steps === {s0['steps'] + i + 1}")
            record["batch_losses"].append(state(page)["losses"]["batch"])
    elif kind == "select":
        field, value = args
        page.select_option(f"#{field}", value)
        wanted = json.dumps(value if field in ("loss", "optimizer") else float(value))
        wait_state(page, f"s.config.{field} === {wanted}")
        s1 = state(page)
        record["selects"].append((s0, s1))
    elif kind == "click":
        page.click(args[0])
        wait_state(page, f"s.version > {s0['version']}")
    elif kind == "add_neuron":
        page.click(f".layer-head .add-neuron[data-layer='{args[0]}']")
        wait_state(page, f"s.config.hidden[{args[0] - 1}] === {s0['config']['hidden'][args[0] - 1] + 1}")
    elif kind == "weight":
        layer, to, frm, value = args
        page.focus(f".hit[data-layer='{layer}'][data-to='{to}'][data-from='{frm}']")    # keyboard: the link
        page.keyboard.press("Enter")
        page.wait_for_selector(f"#inspector[data-target='link-{layer}-{to}-{frm}'] .weight-input")
        page.fill("#inspector .weight-input", str(value))
        page.click("#inspector .set-weight")
        wait_state(page, f"s.network.weights[{layer - 1}][{to}][{frm}] === {value}")
    elif kind == "bias":
        layer, j, value = args
        page.click(f".node[data-layer='{layer}'][data-neuron='{j}']")
        page.wait_for_selector(f"#inspector[data-target='neuron-{layer}-{j}'] .bias-input")
        page.fill("#inspector .bias-input", str(value))
        page.click("#inspector .set-bias")
        wait_state(page, f"s.network.biases[{layer - 1}][{j}] === {value}")
    elif kind == "open":
        page.click(f".node[data-layer='{args[0]}'][data-neuron='{args[1]}']")
        page.wait_for_selector(f"#inspector[data-target='neuron-{args[0]}-{args[1]}'] td.z")
        page.wait_for_selector("#inspector .demon-slider")
    elif kind == "demon":
        position = round(np.sign(args[0]) * 100 * np.cbrt(abs(args[0]) / 2))      # the slider is cubic in Δz
        slider = page.locator("#inspector .demon-slider")
        slider.focus()
        if position == 100:
            page.keyboard.press("End")
        else:
            for _ in range(position - int(slider.input_value())):
                page.keyboard.press("ArrowRight")
        page.wait_for_function(f"Math.abs(2 * (+document.querySelector('#inspector .demon-slider').value / 100) ** 3"
                               f" - {args[0]}) < 1e-9 && document.querySelector('#inspector .demon-slider').dataset.gap")
        page.wait_for_timeout(300)                     # the last nudge's answer
    else:
        raise AssertionError(f"unknown action {kind}")
    s1 = state(page)
    record["notices"].append(s1["notice"] and s1["notice"]["kind"])
    if s1["notice"]:
        assert page.inner_text("#notice").strip(), "a notice in the state is shown on the page"
    record["train"].append(s1["losses"]["train"])
    record["kinds"].append(kind)


def check(page, expect, record, records, lang):
    s = state(page)
    acc = s["losses"].get("test_accuracy")
    for key, want in expect.items():
        if key == "accuracy_min":
            assert acc >= want, (key, acc)
        elif key == "accuracy_max":
            assert acc <= want, (key, acc)
        elif key == "batch_loss":
            assert number(page.inner_text("#batch-loss"), lang) == pytest.approx(want, abs=6e-10)
        elif key == "train_loss":
            assert number(page.inner_text("#train-loss"), lang) == pytest.approx(want, abs=6e-10)
        elif key == "inspector_contains":
            shown = want.replace(".", ",") if lang == "fr" else want
            assert shown in page.inner_text("#inspector")
        elif key == "sigma_prime_max":
            assert abs(number(page.inner_text("#inspector .eq-sigma"), lang)) < want
        elif key == "badge":
            assert page.locator(f"#inspector .badge.{want}").count() == 1
        elif key == "demon_gap_max":
            assert float(page.get_attribute("#inspector .demon-slider", "data-gap")) < want
        elif key == "demon_gap_min":
            assert float(page.get_attribute("#inspector .demon-slider", "data-gap")) > want
        elif key == "dead_min":
            record["dead"] = int(page.get_attribute("#diag-counts", "data-dead"))
            assert record["dead"] >= want
        elif key == "dead_fewer_than_step":
            dead = int(page.get_attribute("#diag-counts", "data-dead"))
            assert dead < records[want]["dead"], (dead, records[want]["dead"])
        elif key == "spread_below_step":
            spread = lambda r: float(np.std(np.diff(r["batch_losses"])))   # noqa: E731
            assert spread(record) < 0.5 * spread(records[want]), (spread(record), spread(records[want]))
        elif key in ("near_zero_min", "near_zero_max"):
            w = np.concatenate([np.ravel(W) for W in s["network"]["weights"]])
            share = float(np.mean(np.abs(w) < 0.01))
            assert share >= want if key == "near_zero_min" else share <= want, (key, share)
        elif key == "warning":
            assert page.locator(f"#diag-warnings .warning[data-kind='{want}']").count() >= 1
        elif key == "notice":
            assert want in record["notices"], record["notices"]
        elif key == "same_weights":
            for before, after in record["selects"]:
                assert after["network"]["weights"] == before["network"]["weights"]
                assert after["steps"] == before["steps"] and after["epoch"] == before["epoch"]
        elif key == "loss_flat":
            first = record["kinds"].index("epochs")
            before = record["train"][first - 1]
            assert abs(record["train"][-1] - before) < 0.01 * before, record["train"]
        else:
            raise AssertionError(f"unknown promise {key}")


def follow(page, server, lesson_id, lang):
    """Open the page in ``lang``, choose the lesson, start it, and do and check each step in turn."""
    page.goto(server.url + f"#lang={lang}")
    page.wait_for_function("window.playground && window.playground.state")
    lesson = next(item for item in lessons.catalogue(lang) if item["id"] == lesson_id)
    page.wait_for_function(f"document.querySelectorAll('#lesson option').length === {len(lessons.LESSONS) + 1}")
    before = state(page)
    page.select_option("#lesson", lesson_id)                   # choosing shows the lesson; it changes nothing yet
    assert page.inner_text("#lesson-title") == lesson["title"]
    page.wait_for_timeout(100)
    assert state(page)["version"] == before["version"]
    page.click("#lesson-start")
    for key, value in lesson["config"].items():
        page.wait_for_function(f"JSON.stringify(window.playground.state.config[{json.dumps(key)}]) === "
                               f"{json.dumps(json.dumps(value, separators=(',', ':')))}"
                               if not isinstance(value, float) else
                               f"window.playground.state.config[{json.dumps(key)}] === {value}")
    records = []
    for k, step in enumerate(lesson["steps"]):
        assert page.inner_text("#lesson-try") == step["text"]
        record = {"batch_losses": [], "selects": [], "notices": [], "train": [], "kinds": []}
        for action in step["do"]:
            do(page, action, record)
        check(page, step["expect"], record, records, lang)
        records.append(record)
        if k < len(lesson["steps"]) - 1:
            page.click("#lesson-next")
    return records


@pytest.fixture
def page(browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, bypass_csp=True)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    page.close()
    assert not errors, errors


@pytest.mark.parametrize("lesson_id", [lesson["id"] for lesson in lessons.LESSONS])
def test_every_lesson_does_what_it_says_in_english(page, server, lesson_id):
    follow(page, server, lesson_id, "en")


@pytest.mark.parametrize("lang, lesson_id", [("zh", "saturation"), ("zh", "learning-rate"), ("ja", "demon"),
                                             ("ja", "dead-relu"), ("fr", "mazur"), ("fr", "batch-size")])
def test_lessons_in_the_other_languages(page, server, lang, lesson_id):
    follow(page, server, lesson_id, lang)
