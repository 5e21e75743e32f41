"""WCAG 2.2 AA in real Chromium: axe-core finds nothing, and the page works by keyboard alone.

axe-core is vendored (``tests/playground/axe.min.js``, axe-core 4.10.3, MPL-2.0, from the npm package) so a fresh
clone needs nothing else.  States checked, in English and Japanese: the main page, a started lesson, the inspector
(neuron and link), and every stage of the explained step.
"""

import os

import pytest

pytestmark = pytest.mark.browser

AXE = os.path.join(os.path.dirname(__file__), "axe.min.js")
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def violations(page):
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=AXE)
    found = page.evaluate("""async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']}))
        .violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                               nodes: v.nodes.slice(0, 4).map(n => n.target.join(' ') + ': ' + n.failureSummary)}))""",
                          TAGS)
    return found


def assert_clean(page, where):
    found = violations(page)
    assert not found, f"{where}: " + "\n".join(f"{v['id']} ({v['impact']}): {v['help']} {v['nodes']}" for v in found)


def open_page(browser, server, lang, width=1400):
    page = browser.new_page(viewport={"width": width, "height": 1000}, bypass_csp=True)
    page.goto(server.url + f"#lang={lang}")
    page.wait_for_function(f"window.playground && window.playground.state && document.documentElement.lang === '{lang}'"
                           " && document.querySelectorAll('#lesson option').length > 6")
    return page


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_axe_finds_no_violation_on_the_main_page_a_lesson_and_the_inspector(browser, server, lang):
    page = open_page(browser, server, lang)
    assert_clean(page, "main page")
    page.select_option("#lesson", "saturation")
    page.click("#lesson-start")
    page.wait_for_function("window.playground.state.config.activations[0] === 'sigmoid'")
    page.click("#lesson-next")
    assert_clean(page, "a lesson")
    page.click(".node[data-layer='1'][data-neuron='0']")
    page.wait_for_selector("#inspector[data-target='neuron-1-0'] .demon-slider")
    assert_clean(page, "the neuron inspector")
    page.focus(".hit[data-layer='1'][data-to='0'][data-from='1']")
    page.keyboard.press("Enter")
    page.wait_for_selector("#inspector[data-target='link-1-0-1'] .weight-input")
    assert_clean(page, "the link inspector")
    page.close()


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_axe_finds_no_violation_at_any_stage_of_the_explained_step(browser, server, lang):
    page = open_page(browser, server, lang)
    page.click("#step")
    page.wait_for_function("window.playground.state.steps === 1")
    page.click("#explain-step")
    page.wait_for_selector("#stepper h3")
    stages = 0
    while True:
        assert_clean(page, f"explained step, stage {page.get_attribute('#stepper h3', 'data-stage')}")
        stages += 1
        if page.locator("#stepper .next").is_disabled():
            break
        page.click("#stepper .next")
    assert stages == 2 + 3 + 2 + 2                      # forward ×3, cost, BP1, BP2 ×2, gradients, update
    page.close()


def active(page):
    return page.evaluate("""(() => { const e = document.activeElement;
        return {id: e.id, cls: e.getAttribute('class') || '', tag: e.tagName, layer: e.dataset.layer,
                neuron: e.dataset.neuron, to: e.dataset.to, from: e.dataset.from}; })()""")


def tab_to(page, test, limit=80):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const e = document.activeElement; return {test}; }})()"):
            return
    raise AssertionError(f"Tab never reached {test}")


def test_keyboard_only_walk(browser, server, output_dir):
    """Play → pause → Step → into the diagram → a link's weight → a neuron's demon → Escape, focus back each time."""
    page = open_page(browser, server, "en")
    tab_to(page, "e.id === 'play'")
    assert page.get_attribute("#play", "aria-label") == "Play"
    page.keyboard.press("Enter")
    page.wait_for_function("window.playground.state.playing")
    assert page.get_attribute("#play", "aria-label") == "Pause"
    page.keyboard.press("Enter")
    page.wait_for_function("!window.playground.state.playing")
    tab_to(page, "e.id === 'step'")
    steps = page.evaluate("window.playground.state.steps")
    page.keyboard.press("Enter")
    page.wait_for_function(f"window.playground.state.steps === {steps + 1}")
    # the diagram is one tab stop: the first hidden neuron
    tab_to(page, "e.classList.contains('node')")
    assert active(page)["layer"] == "1" and active(page)["neuron"] == "0"
    page.keyboard.press("ArrowDown")
    assert active(page)["neuron"] == "1"
    page.keyboard.press("ArrowLeft")                                    # the links into layer 1
    link = active(page)
    assert "hit" in link["cls"] and link["layer"] == "1"
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#inspector[data-target='link-1-{link['to']}-{link['from']}'] .weight-input")
    assert page.evaluate("document.activeElement.tagName") == "H3"       # the panel is read from its title
    tab_to(page, "e.classList.contains('weight-input')")
    page.keyboard.press("Control+A")
    page.keyboard.type("0.625")
    page.keyboard.press("Enter")
    page.wait_for_function(f"window.playground.state.network.weights[0][{link['to']}][{link['from']}] === 0.625")
    page.keyboard.press("Escape")                                       # closes; focus returns to the link
    page.wait_for_function("!window.playground.inspecting")
    back = active(page)
    assert (back["layer"], back["to"], back["from"]) == ("1", link["to"], link["from"])
    page.keyboard.press("ArrowRight")                                   # back to the neurons of layer 1
    neuron = active(page)
    assert "node" in neuron["cls"]
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#inspector[data-target='neuron-1-{neuron['neuron']}'] .demon-slider")
    tab_to(page, "e.classList.contains('demon-slider')")
    for _ in range(12):
        page.keyboard.press("ArrowRight")
    page.wait_for_function("document.querySelector('#inspector .demon-after').textContent !== '–'")
    assert page.inner_text("#inspector .demon-dz") != "Δz = 0"
    page.screenshot(path=os.path.join(output_dir, "playground-keyboard.png"), full_page=True)
    page.keyboard.press("Escape")
    page.wait_for_function("!window.playground.inspecting")
    assert active(page)["neuron"] == neuron["neuron"] and "node" in active(page)["cls"]
    # the focus is visible: an outline of at least 2 px
    assert page.evaluate("parseFloat(getComputedStyle(document.activeElement).outlineWidth)") >= 2
    page.close()


def test_focus_stays_on_next_through_the_explained_step(browser, server):
    page = open_page(browser, server, "en")
    tab_to(page, "e.id === 'explain-step'")
    page.keyboard.press("Enter")
    page.wait_for_selector("#stepper h3")
    assert page.evaluate("document.activeElement.id") == "stepper-title"
    tab_to(page, "e.classList.contains('next')", limit=10)
    seen = [page.get_attribute("#stepper h3", "data-stage")]
    while not page.locator("#stepper .next").is_disabled():
        page.keyboard.press("Enter")
        page.wait_for_function(f"document.querySelectorAll('#stepper h3').length && "
                               f"document.querySelector('.stepper-head b').textContent.startsWith('{len(seen) + 1} ')")
        seen.append(page.get_attribute("#stepper h3", "data-stage"))
        cls = active(page)["cls"]
        assert cls.startswith("next") or (cls.startswith("prev") and page.locator("#stepper .next").is_disabled()), cls
    assert seen[-1] == "update" and len(seen) == 9
    page.keyboard.press("Escape")
    page.wait_for_function("document.getElementById('stepper').hidden")
    assert page.evaluate("document.activeElement.id") == "explain-step"
    page.close()


def test_the_page_respects_reduced_motion(browser, server):
    """With prefers-reduced-motion the explained step's auto-play waits 5 s a stage and the CSS drops transitions."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, bypass_csp=True, reduced_motion="reduce")
    page.goto(server.url)
    page.wait_for_function("window.playground && window.playground.state")
    assert page.evaluate("matchMedia('(prefers-reduced-motion: reduce)').matches")
    page.click("#explain-step")
    page.wait_for_selector("#stepper h3")
    page.click("#stepper .auto")
    page.wait_for_timeout(2600)
    assert page.get_attribute("#stepper h3", "data-stage") == "forward" and page.inner_text(".stepper-head b").startswith("1 ")
    page.close()


def test_the_live_region_announces_a_step(browser, server):
    page = open_page(browser, server, "en")
    assert page.get_attribute("#status", "aria-live") == "polite"
    page.click("#step")
    page.wait_for_function("document.getElementById('status').textContent.includes('step 1')")
    assert "training cost" in page.inner_text("#status")
    page.close()
