"""Every word on the page in the learner's language: no English left in the zh/ja/fr page text.

The page is put in a busy state (a lesson started and trained into a diagnostics warning, a live change's notice,
the neuron inspector and the explained step open) and ``document.body.innerText`` is read.  zh/ja: no Latin word
except symbols and names on the allow-list; fr: no word of the English page that French does not also use.
Each language's terms are checked against its terminology tables (the explainer's and the playground's own).
"""

import json
import re
from importlib import resources

import pytest

from deltaprop.explain.i18n import terminology
from deltaprop.playground.lessons import texts

pytestmark = pytest.mark.browser

# Names, symbols and key caps that are the same in every language.
ALLOWED = {"deltaprop", "NumPy", "Python", "BP", "SGD", "Adam", "Nesterov", "ReLU", "tanh", "XOR", "CSV", "HTML",
           "KiB", "Mazur", "Matt", "Nielsen", "sin", "ln", "sgn", "Tab", "Esc", "Enter", "Kio", "softmax",
           "English", "Français",          # the language menu names each language in itself
           "jk"}                            # the indices of w^l_jk

# The page's text and the names a screen reader reads (aria-label, title), every text node apart (w<sup>l</sup><sub>jk</sub> reads "w l jk"; menus' options one by one),
# hidden parts included: they show at some point too.
TEXT = """(() => { const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT), out = [];
  while (walk.nextNode()) { const p = walk.currentNode.parentElement;
    if (!p.closest('script, style')) out.push(walk.currentNode.nodeValue); }
  for (const el of document.querySelectorAll('[aria-label], [title], [aria-valuetext]'))   // what a screen reader says
    for (const name of ['aria-label', 'title', 'aria-valuetext']) if (el.hasAttribute(name)) out.push(el.getAttribute(name));
  out.push(document.title);
  return out.join(' '); })()"""


def words_table(lang):
    text = resources.files("deltaprop.playground").joinpath("static", f"words-{lang}.json").read_text("utf-8")
    return json.loads(text)


def latin_words(text):
    return re.findall(r"[A-Za-zÀ-ÿ’']{2,}", text)


def english_only_words():
    """Words of the English page (its table and lessons) that the French page does not use."""
    def collect(lang):
        values = list(words_table(lang)["words"].values())
        for lesson in texts(lang).values():
            values += [lesson.get("title", ""), lesson.get("text", "")] + list(lesson.get("steps", []))
            values += [v for k, v in lesson.items() if isinstance(v, str) and k not in ("title", "text")]
        return {w.lower() for value in values for w in latin_words(re.sub(r"\{\w+\}", " ", value))}
    return collect("en") - collect("fr") - {w.lower() for w in ALLOWED}


def busy_page(browser, server, lang):
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, bypass_csp=True)
    page.goto(server.url + f"#lang={lang}")
    page.wait_for_function(f"window.playground && window.playground.state && document.documentElement.lang === '{lang}'"
                           " && document.querySelectorAll('#lesson option').length > 6")
    page.select_option("#lesson", "dead-relu")
    page.click("#lesson-start")
    page.wait_for_function("window.playground.state.config.learning_rate === 1")
    for n in range(1, 4):
        page.click("#epoch-btn")
        page.wait_for_function(f"window.playground.state.epoch >= {n}")
    page.wait_for_selector("#diag-warnings .warning")
    page.select_option("#optimizer", "adam")                           # a live change: its notice
    page.wait_for_function("window.playground.state.notice && window.playground.state.notice.kind === 'live'")
    page.click(".node[data-layer='1'][data-neuron='0']")
    page.wait_for_selector("#inspector[data-target='neuron-1-0'] .demon-slider")
    page.click("#explain-step")
    page.wait_for_selector("#stepper h3")
    return page


def page_text(page):
    """The page's text, the explained step walked to its last stage (the optimiser's rule)."""
    texts_seen = [page.evaluate(TEXT)]
    while not page.locator("#stepper .next").is_disabled():
        page.click("#stepper .next")
        texts_seen.append(page.evaluate(TEXT))
    return "\n".join(texts_seen)


def terms_avoided(lang):
    tables = [terminology(lang), words_table(lang)["terminology"]]
    return {bad for table in tables for entry in table.values() for bad in entry["not"]}


@pytest.mark.parametrize("lang", ["zh", "ja"])
def test_no_english_word_left_in_chinese_and_japanese(browser, server, output_dir, lang):
    page = busy_page(browser, server, lang)
    text = page_text(page)
    page.screenshot(path=f"{output_dir}/playground-{lang}.png", full_page=True)
    page.close()
    left = sorted({w for w in latin_words(text) if w not in ALLOWED})
    assert not left, f"English left on the {lang} page: {left}"
    avoided = [bad for bad in terms_avoided(lang) if bad in text]
    assert not avoided, f"{lang} page uses terms its terminology table avoids: {avoided}"
    if lang == "zh":
        assert "周期" in text and "回合" not in text                # one word for epoch


def test_no_english_word_left_in_french_and_numbers_use_the_decimal_comma(browser, server, output_dir):
    page = busy_page(browser, server, "fr")
    text = page_text(page)
    page.screenshot(path=f"{output_dir}/playground-fr.png", full_page=True)
    menu = page.evaluate("document.querySelector('#learning_rate').selectedOptions[0].textContent")
    page.close()
    english = english_only_words()
    left = sorted({w for w in latin_words(text) if w.lower() in english})
    assert not left, f"English left on the French page: {left}"
    assert not re.findall(r"\d\.\d", text), re.findall(r".{20}\d\.\d.{20}", text)[:5]
    assert menu == "1"
    assert "0,03" in text or "0,5" in text
    avoided = [bad for bad in terms_avoided("fr") if re.search(rf"\b{re.escape(bad)}\b", text)]
    assert not avoided, avoided


def test_the_language_menu_names_each_language_in_itself(browser, server):
    page = browser.new_page(bypass_csp=True)
    page.goto(server.url)
    page.wait_for_function("window.playground && window.playground.state")
    names = page.evaluate("[...document.querySelectorAll('#lang option')].map(o => o.textContent)")
    assert names == ["English", "中文", "日本語", "Français"]
    page.select_option("#lang", "fr")
    page.wait_for_function("document.documentElement.lang === 'fr' && location.hash.includes('lang=fr')")
    url = page.url
    page.close()
    again = browser.new_page(bypass_csp=True)                        # the shared link opens in French
    again.goto(url)
    again.wait_for_function("window.playground && window.playground.state && document.documentElement.lang === 'fr'")
    assert again.input_value("#lang") == "fr" and again.inner_text("#step") == "Pas"
    again.close()


@pytest.mark.parametrize("lang", ["zh", "fr"])
def test_the_file_picker_speaks_the_page_language_by_mouse_and_keyboard(browser, server, tmp_path, lang):
    """The browser draws a file input's own "Choose File / No file chosen" in *its* language, not the page's: the
    page shows its own words instead, and the picker still opens by a click and by the keyboard."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, bypass_csp=True)
    choosers = []
    page.on("filechooser", lambda chooser: choosers.append(chooser))    # listening from the start: every picker the page opens is caught

    def next_chooser(count):
        for _ in range(200):
            if len(choosers) > count:
                return choosers[count]
            page.wait_for_timeout(50)
        raise AssertionError("no file picker opened")

    page.goto(server.url + f"#lang={lang}")
    page.wait_for_function(f"window.playground && window.playground.state && document.documentElement.lang === '{lang}'")
    box = page.locator("#csv").bounding_box()
    assert box["width"] <= 1 and box["height"] <= 1 and page.locator("#csv").evaluate("e => getComputedStyle(e).opacity") == "0"
    label = page.locator("label.upload")
    assert label.inner_text().strip() == words_table(lang)["words"]["upload"]
    assert label.bounding_box()["height"] >= 24                                   # a target a finger can hit
    page.focus("#csv")
    assert page.evaluate("getComputedStyle(document.querySelector('label.upload')).outlineStyle") == "solid"
    path = tmp_path / "points.csv"
    path.write_text("x1,x2,label\n" + "".join(f"{i / 10},{-i / 10},{i % 2}\n" for i in range(20)))
    page.keyboard.press("Enter")                                                # the keyboard opens it
    chooser = next_chooser(0)
    assert chooser.element.get_attribute("id") == "csv"
    chooser.set_files(str(path))
    page.wait_for_function("window.playground.state.config.dataset === 'upload'")
    label.click()                                                               # and so does a click on the words
    chooser = next_chooser(1)
    assert chooser.element.get_attribute("id") == "csv"
    chooser.set_files([])                                                       # the learner cancels: nothing changes
    assert page.evaluate("window.playground.state.config.dataset") == "upload"
    page.close()
