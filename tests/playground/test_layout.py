"""Any network at any width: a 6 × 8 network at 1440, 800 and 390 px.

No two neuron boxes overlap (measured in the page), the page never scrolls sideways (a wide diagram scrolls inside
its own box), Play and Step stay reachable beside the heatmap (a bar at the bottom on a phone), and every control
a finger can touch is at least 24 × 24 px (WCAG 2.2, 2.5.8).
"""

import os

import pytest

pytestmark = pytest.mark.browser

DEEP = "#hidden=8,8,8,8,8,8&activations=tanh,tanh,tanh,tanh,tanh,tanh"

BOXES = """[...document.querySelectorAll('#diagram .node')].map((n) => {
  const r = n.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })"""

SMALL_TARGETS = """(() => [...document.querySelectorAll('button, select, input, a[href], [role=button]')]
  .filter((e) => e.offsetParent !== null && !e.disabled && !(e instanceof SVGElement))
  .filter((e) => { const s = getComputedStyle(e); return s.visibility !== 'hidden' && e.type !== 'file'; })
  .map((e) => { const r = e.getBoundingClientRect();
                return {what: e.id || e.className || e.tagName, w: r.width, h: r.height}; })
  .filter((t) => t.w < 24 || t.h < 24))()"""


def overlaps(boxes):
    bad = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if a[0] < b[2] - 0.5 and b[0] < a[2] - 0.5 and a[1] < b[3] - 0.5 and b[1] < a[3] - 0.5:
                bad.append((a, b))
    return bad


@pytest.mark.parametrize("width", [1440, 800, 390])
def test_a_deep_wide_network_fits_every_screen(browser, server, output_dir, width):
    page = browser.new_page(viewport={"width": width, "height": 900}, bypass_csp=True)
    page.goto(server.url + DEEP)
    page.wait_for_function("window.playground && window.playground.state && "
                           "document.querySelectorAll('#diagram .node').length === 2 + 6 * 8 + 2")
    page.wait_for_timeout(200)
    boxes = page.evaluate(BOXES)
    assert len(boxes) == 52 and not overlaps(boxes), overlaps(boxes)[:3]
    heads = page.evaluate("""[...document.querySelectorAll('#diagram .layer-head')].map((h) => {
        const r = h.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })""")
    assert not overlaps(heads), "layer headings (menus) on top of each other"
    page_overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert page_overflow <= 0, f"the page scrolls sideways by {page_overflow} px"
    # the diagram scrolls inside its box when it is wider than the box, and the last layer can be reached
    box = page.evaluate("(() => { const b = document.getElementById('diagram-box'); "
                        "return [b.scrollWidth, b.clientWidth]; })()")
    if box[0] > box[1]:
        page.evaluate("document.getElementById('diagram-box').scrollLeft = 1e6")
        last = page.locator(".node.output-node").first.bounding_box()
        assert 0 <= last["x"] and last["x"] + last["width"] <= width
    small = page.evaluate(SMALL_TARGETS)
    assert not small, f"targets under 24 px: {small[:8]}"
    # beside the heatmap: Play and Step on screen while the heatmap is (wide screens: the first screen holds both;
    # stacked columns: a bar at the bottom)
    if width < 1100:
        page.evaluate("document.getElementById('heatmap').scrollIntoView({block: 'center'})")
        page.wait_for_timeout(100)
    for control in ("#play", "#step", "#heatmap"):
        r = page.locator(control).bounding_box()
        assert r["y"] >= 0 and r["y"] + min(r["height"], 40) <= 900, (control, r)
    page.click("#step")                                             # and it works from there
    page.wait_for_function("window.playground.state.steps === 1")
    page.screenshot(path=os.path.join(output_dir, f"playground-deep-{width}px.png"), full_page=False)
    page.close()


def test_every_link_has_a_24_px_equivalent_in_its_neurons_panel(browser, server):
    """Links are thin lines; each incoming weight is also a ≥ 24 px button in the neuron's BP4 table (WCAG 2.5.8's
    equivalent-control exception) that opens the same panel as tapping the link."""
    page = browser.new_page(viewport={"width": 390, "height": 900}, bypass_csp=True)
    page.goto(server.url + "#hidden=3&activations=tanh")
    page.wait_for_function("window.playground && window.playground.state")
    page.click(".node[data-layer='1'][data-neuron='2']")
    page.wait_for_selector("#inspector[data-target='neuron-1-2'] .open-link")
    buttons = page.locator("#inspector .open-link")
    assert buttons.count() == 2
    for i in range(2):
        box = buttons.nth(i).bounding_box()
        assert box["width"] >= 24 and box["height"] >= 24
    buttons.nth(1).click()
    page.wait_for_selector("#inspector[data-target='link-1-2-1'] .weight-input")
    page.close()


def test_the_speed_menu_is_on_the_phones_bar_and_works(open_page):
    """At 390 px the speed menu sits in the bar at the bottom with Play and Step: visible, ≥ 24 px, and it changes
    the playing speed."""
    page = open_page(width=390, height=800)
    page.evaluate("document.getElementById('heatmap').scrollIntoView({block: 'center'})")
    speed = page.locator("#speed")
    assert speed.is_visible()
    box, play = speed.bounding_box(), page.locator("#play").bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24, box
    assert 0 <= box["y"] and box["y"] + box["height"] <= 800 and box["x"] + box["width"] <= 390, box
    assert play["y"] >= 0 and play["y"] + play["height"] <= 800
    assert page.evaluate(SMALL_TARGETS) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.focus("#speed")                                            # operable: by keyboard and by choosing
    page.select_option("#speed", "5")
    page.wait_for_function("window.playground.state.config.speed === 5")
    page.click("#play")
    page.wait_for_function("window.playground.state.playing && window.playground.state.steps >= 2")
    page.click("#play")
    page.wait_for_function("!window.playground.state.playing")
