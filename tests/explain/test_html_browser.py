"""The HTML explanation in real headless Chromium: it renders, with MathML and SVG, and is not blank."""

import io
import os
import re

import numpy as np
import pytest

import deltaprop
from deltaprop.teach import mazur
from deltaprop.explain import spec

pytestmark = pytest.mark.browser


def pixel_spread(png_bytes):
    from PIL import Image
    image = np.asarray(Image.open(io.BytesIO(png_bytes)).convert("L"), dtype=float)
    return float(image.std())


def test_page_is_self_contained():
    X, Y = mazur.mazur_data()
    page = deltaprop.explain(mazur.mazur_network(), X, Y, form="both").to_html()
    assert "<script" not in page and not re.search(r"(src|href)\s*=", page)
    assert set(re.findall(r"https?://[^\s\"'<>]+", page)) <= {"http://www.w3.org/2000/svg"}


@pytest.mark.parametrize("lang", ["en", "zh", "ja", "fr"])
def test_mazur_page_in_chromium(browser, output_dir, lang):
    X, Y = mazur.mazur_data()
    html = deltaprop.explain(mazur.mazur_network(), X, Y, form="both").to_html(lang=lang)
    page = browser.new_page(viewport={"width": 1100, "height": 1000})
    try:
        page.set_content(html, wait_until="load")
        assert page.locator("math").count() > 60
        assert page.locator("svg.deltaprop-network").count() == 2          # before and after the update
        # MathML is laid out by the browser (real boxes, fractions stacked), not shown as raw text
        frac = page.locator("mfrac").first.bounding_box()
        assert frac and frac["height"] > 20
        svg = page.locator("svg.deltaprop-network").first.bounding_box()
        assert svg and svg["width"] > 300 and svg["height"] > 150
        labels = page.locator("svg.deltaprop-network").first.locator("g.label text").all_text_contents()
        assert "w5 = 0.4" in labels and "b_h1 = 0.35" in labels
        after = page.locator("svg.deltaprop-network").nth(1).locator("g.label text").all_text_contents()
        assert "w5 = 0.358916" in after
        shot = page.screenshot()
        with open(os.path.join(output_dir, f"explain-mazur-{lang}.png"), "wb") as f:
            f.write(shot)
        assert pixel_spread(shot) > 10
        full = page.screenshot(full_page=True)
        with open(os.path.join(output_dir, f"explain-mazur-{lang}-full.png"), "wb") as f:
            f.write(full)
    finally:
        page.close()


def test_batch_matrix_page_in_chromium(browser, output_dir):
    root = os.path.join(os.path.dirname(__file__), "..", "..", "examples")
    s = spec.load(os.path.join(root, "explain-batch.json"))
    html = deltaprop.explain(s.network, s.X, s.Y, learning_rate=s.learning_rate, update_biases=s.update_biases,
                             form="matrix").to_html(lang="fr", precision=5)
    page = browser.new_page(viewport={"width": 1100, "height": 1400})
    try:
        page.set_content(html, wait_until="load")
        assert page.locator("mtable.matrix").count() > 10
        assert page.locator("svg.deltaprop-network").count() == 2
        shot = page.screenshot(full_page=True)
        with open(os.path.join(output_dir, "explain-batch-matrix-fr.png"), "wb") as f:
            f.write(shot)
        assert pixel_spread(shot) > 10
    finally:
        page.close()


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_page_fits_a_phone(browser, output_dir, lang):
    """At 390 px the page does not scroll sideways (long equations scroll inside their own box)."""
    X, Y = mazur.mazur_data()
    html = deltaprop.explain(mazur.mazur_network(), X, Y, form="both", detail="derive").to_html(lang=lang)
    page = browser.new_page(viewport={"width": 390, "height": 800})
    try:
        page.set_content(html, wait_until="load")
        if lang == "ja":                                # the test set-up installs Debian's fonts-noto-cjk
            assert page.evaluate("document.fonts.check('16px \"Noto Sans CJK JP\"', '誤差逆伝播法')")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        page.screenshot(path=os.path.join(output_dir, f"explain-mazur-{lang}-390px.png"))
        assert overflow <= 0, f"the page scrolls sideways by {overflow} px"
        boxes = page.evaluate("""[...document.querySelectorAll('.legend div')].map((d) => {
            const r = d.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })""")
        for i, a in enumerate(boxes):                  # the BP1–BP4 legend entries do not overlap each other
            for b in boxes[i + 1:]:
                assert a[2] <= b[0] + 1 or b[2] <= a[0] + 1 or a[3] <= b[1] + 1 or b[3] <= a[1] + 1, (a, b)
    finally:
        page.close()


_BOXES = """() => [...document.querySelectorAll('svg.deltaprop-network')].map(svg =>
    [...svg.querySelectorAll('g.label rect, circle')].map(el => {
        const r = el.getBoundingClientRect();
        return {kind: el.tagName, text: el.tagName === 'rect' ? el.nextElementSibling.textContent : '',
                x0: r.left, y0: r.top, x1: r.right, y1: r.bottom};
    }))"""


@pytest.mark.parametrize("name", ["mazur", "softmax", "tanh", "batch"])
def test_no_two_diagram_labels_overlap(browser, output_dir, name):
    """Measured in the page: no label box overlaps another label or a neuron, and every text fits its box."""
    if name == "mazur":
        X, Y = mazur.mazur_data()
        e = deltaprop.explain(mazur.mazur_network(), X, Y)
    else:
        s = spec.load(os.path.join(os.path.dirname(__file__), "..", "..", "examples", f"explain-{name}.json"))
        e = deltaprop.explain(s.network, s.X, s.Y, learning_rate=s.learning_rate, update_biases=s.update_biases,
                              form="matrix")
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    try:
        page.set_content(e.to_html(), wait_until="load")
        figures = page.evaluate(_BOXES)
        assert figures and all(figures)
        for boxes in figures:
            labels = [b for b in boxes if b["kind"] == "rect"]
            assert labels
            for i, a in enumerate(boxes):
                for b in boxes[i + 1:]:
                    if a["kind"] == b["kind"] == "circle":
                        continue
                    overlap = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"]) > 0.5 and \
                        min(a["y1"], b["y1"]) - max(a["y0"], b["y0"]) > 0.5
                    assert not overlap, (name, a, b)
        texts = page.evaluate("""() => [...document.querySelectorAll('g.label')].map(g => {
            const r = g.querySelector('rect').getBoundingClientRect(), t = g.querySelector('text').getBoundingClientRect();
            return t.left >= r.left - 1 && t.right <= r.right + 1; })""")
        assert all(texts)
        legend = page.locator(".diagram-legend").first.inner_text()
        assert "positive weight" in legend and "negative weight" in legend
        page.locator("figure").first.screenshot(path=os.path.join(output_dir, f"explain-diagram-{name}.png"))
    finally:
        page.close()
