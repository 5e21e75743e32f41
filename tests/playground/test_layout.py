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
