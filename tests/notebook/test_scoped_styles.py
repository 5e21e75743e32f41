"""Every HTML deltaprop emits keeps its styles to itself: embedded in a host page, nothing of the host changes.

A plain host page with its own headings, paragraphs, margins, colours, ``:root`` variables and even class names
that deltaprop uses (``note``, ``legend``, ``eq``, ``key``, ``values``) is loaded in real headless Chromium; every
computed style property of every host element is recorded, deltaprop's HTML is inserted into the page as a course
site or a blog would paste it, and every property must be unchanged -- while deltaprop's own elements are styled.
"""

import pytest

import deltaprop as dp
from deltaprop.explain.css import scope_css

pytestmark = pytest.mark.browser

HOST = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><style>
:root { --ink: #b91c1c; --line: #000; color-scheme: dark; }
* { box-sizing: content-box; }
body { margin: 30px; background: #102030; color: #eeeeee; font: 20px/1.3 serif; }
h1 { font-size: 29px; margin: 7px 0; color: #fde047; }
h2, h3, h4 { font-family: monospace; margin: 3px; }
p, li, td { margin: 5px 2px; color: rgb(200, 230, 255); }
main { padding: 11px; } footer { font-size: 9px; }
.note, .legend, .eq, .key, .values, .tag { border: 0; padding: 0; background: none; }
</style></head><body>
<main id="host"><h1>Course notes</h1><h2>Week 3</h2><h3>Backprop</h3><h4>Reading</h4>
<p>The host's paragraph, with <math><mi>x</mi></math> and an <input value="3"> <button>Go</button>.</p>
<ol><li>one</li></ol><table><tr><th>a</th><td>b</td></tr></table>
<aside class="note">host note</aside><div class="legend eq tag">host legend</div><p class="key values">k</p>
<figure><figcaption>host figure</figcaption></figure><footer>host footer</footer></main>
<div id="embed"></div></body></html>"""

SNAPSHOT = """() => {
  const host = [document.documentElement, document.body, ...document.querySelectorAll('#host, #host *')];
  return host.map(el => {
    const cs = getComputedStyle(el), out = {};
    for (const name of cs) out[name] = cs.getPropertyValue(name);
    return [el.tagName + '.' + el.className, out];
  });
}"""

RULES = """() => {
  const out = [];
  const walk = rules => { for (const r of rules) {
    if (r.selectorText !== undefined) out.push(r.selectorText);
    else if (r.cssRules) walk(r.cssRules);
    else out.push('@' + r.cssText.slice(0, 40));
  } };
  for (const sheet of [...document.styleSheets].slice(1)) walk(sheet.cssRules);
  return out;
}"""


# <html> and <body> contain the inserted content: their used height (and the origins at its middle) grow with it
GROWS = {"height", "block-size", "perspective-origin", "transform-origin"}


def emitted():
    """Every piece of HTML deltaprop writes for people to read, by name."""
    net, (x, y) = dp.mazur_network(), dp.mazur_data()
    explanation = dp.explain(net, x, y, form="both", detail="derive")
    sheet = dp.exercise(level=1, seed=0)
    return {
        "explanation fragment (Jupyter)": explanation._repr_html_(),
        "explanation page": explanation.to_html(),
        "explanation page (ja)": explanation.to_html(lang="ja"),
        "exercise sheet (interactive)": sheet.to_html(),
        "exercise sheet (printable)": sheet.to_html(interactive=False),
        "network diagram (Jupyter)": net._repr_html_(),
    }


@pytest.fixture(scope="module")
def host(browser):
    page = browser.new_page(viewport={"width": 1000, "height": 800})
    yield page
    page.close()


@pytest.mark.parametrize("name", list(emitted()))
def test_embedding_leaves_the_host_page_unchanged(host, name):
    html = emitted()[name]
    host.set_content(HOST, wait_until="load")
    before = host.evaluate(SNAPSHOT)
    host.evaluate("html => document.getElementById('embed').insertAdjacentHTML('beforeend', html)", html)
    after = host.evaluate(SNAPSHOT)
    changed = [(tag, prop, b[prop], a[prop]) for (tag, b), (_, a) in zip(before, after) for prop in b
               if b[prop] != a[prop] and not (tag in ("HTML.", "BODY.") and prop in GROWS)]
    assert changed == [], f"{name} restyled the host page: {changed[:10]}"
    # every rule deltaprop brought applies under one of its own classes
    for selector in host.evaluate(RULES):
        for part in selector.split(","):
            assert part.strip().startswith(".deltaprop-"), f"{name}: page-wide rule {selector!r}"
    # and its own content is still styled by it (the host's 29 px serif h1 rule does not reach inside)
    own_h1 = host.locator("#embed h1")
    if own_h1.count():
        style = own_h1.first.evaluate("el => [getComputedStyle(el).fontSize, getComputedStyle(el).fontFamily]")
        assert style[0] != "29px" and "serif" != style[1]


def test_the_standalone_pages_look_as_before(browser):
    # scoping must not lose the page's own look: the same sizes and colours as the unscoped sheet gave
    net, (x, y) = dp.mazur_network(), dp.mazur_data()
    page = browser.new_page(viewport={"width": 1000, "height": 800})
    try:
        page.set_content(dp.explain(net, x, y).to_html(), wait_until="load")
        h1 = page.locator("h1").first.evaluate("el => getComputedStyle(el).fontSize")
        body = page.evaluate("() => [getComputedStyle(document.body).marginTop, "
                             "getComputedStyle(document.querySelector('main')).maxWidth]")
        assert (h1, body) == ("30.4px", ["0px", "992px"])           # 1.9rem; body margin 0; main 62rem
    finally:
        page.close()


def test_scope_css_rewrites_page_wide_selectors():
    css = (":root { --a: 1; } * { box-sizing: border-box; } body { margin: 0; } h1, p { margin: 0; } "
           ":lang(ja) body { font-family: x; } :lang(ja) h1 { word-break: auto-phrase; } "
           "@media print { @page { margin: 1cm; } main { padding: 0; } }")
    assert scope_css(css, ".r").split("\n") == [
        ".r { --a: 1; }", ".r, .r * { box-sizing: border-box; }", ".r { margin: 0; }", ".r h1, .r p { margin: 0; }",
        ".r:lang(ja) { font-family: x; }", ".r:lang(ja) h1 { word-break: auto-phrase; }",
        "@media print {", ".r main { padding: 0; }", "}", ""]
    for bad in ("@import url(x.css);{}", "div body { x: 1 }", "h1 { x: 1"):
        with pytest.raises(ValueError):
            scope_css(bad, ".r")
    with pytest.raises(ValueError, match="class selector"):
        scope_css("h1 {}", "main")
