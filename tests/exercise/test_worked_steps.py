"""The answer key's worked steps: the explainer's derivation of the sheet's own step, in the sheet's language and
numbering, whose numbers are the key's answers -- read back from the printed text, not from the objects."""

import json
import re
import shutil
import subprocess

import pytest

import deltaprop as dp
from deltaprop.cli import main
from deltaprop.explain.exercise.i18n import say

LANGS = ["en", "zh", "ja", "fr"]
NUMBER = re.compile(r"^−?\d+(?:[.,]\d+)?(?: × 10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)?$")
SUPERSCRIPT = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")


def _number(text):
    text = text.replace("−", "-").replace(",", ".")
    if "× 10" in text:
        mantissa, power = text.split(" × 10")
        return float(mantissa) * 10 ** int(power.translate(SUPERSCRIPT))
    return float(text)


def worked_values(text):
    """``{left-hand side: last number}`` of the first equation line ``lhs = … = number`` of each quantity."""
    values = {}
    for line in text.splitlines():
        line = re.sub(r"\s+\((BP\d)\)$", "", line.strip())
        if " = " not in line:
            continue
        lhs, rest = line.split(" = ", 1)
        last = rest.rsplit(" = ", 1)[-1].strip()
        if NUMBER.match(last):
            values.setdefault(lhs, _number(last))          # the derivation, not the summary after it
    return values


def explainer_symbol(symbol):
    """The sheet writes an updated weight ``w³₁₂⁺``; the explainer ``w³⁺₁₂`` (the same quantity)."""
    return re.sub(r"^([wb])([⁰¹²³⁴⁵⁶⁷⁸⁹]+)([₀-₉]+)⁺$", r"\1\2⁺\3", symbol)


def _check_numbers(ex, text):
    values = worked_values(text)
    for q in ex.questions + ex.given:
        symbol = explainer_symbol(q.symbol.text())
        assert symbol in values, f"{symbol} has no worked line"
        assert values[symbol] == pytest.approx(q.value, rel=1e-8, abs=1e-9), symbol


@pytest.mark.parametrize("level", [1, 2, 3])
@pytest.mark.parametrize("seed", [0, 7, 31])
def test_worked_numbers_are_the_keys_answers(level, seed):
    ex = dp.exercise(level, seed, ask="z,a,cost,delta,grad,update")
    _check_numbers(ex, ex.to_dict(worked="en")["worked_steps"]["text"])


@pytest.mark.parametrize("lang", LANGS)
def test_the_markdown_key_carries_the_worked_steps_in_its_language(lang):
    ex = dp.exercise(3, 4)
    page = ex.to_markdown(lang, worked=True)
    sheet, key = page.split("\n---\n", 1)
    assert say(lang, "worked_steps") not in sheet                      # the learner's part is unchanged
    answers, worked = key.split(f"## {say(lang, 'worked_steps')}\n", 1)
    _check_numbers(ex, worked)
    from deltaprop.explain.i18n import translate
    assert translate(lang, "backward_pass") in worked                     # the explainer's words, in the language
    assert "z²₁[1]" in worked and "δ³₂[2]" in worked                      # Nielsen's numbering, as on the sheet
    assert not re.search(r"^# ", worked, re.M)                            # under the key: no second title
    assert ex.to_markdown(lang) == sheet + "\n---\n" + answers.rstrip("\n") + "\n"     # the key itself unchanged


def test_engine_numbering_is_kept_in_the_worked_steps():
    ex = dp.exercise(2, 5, numbering="deltaprop")
    text = ex.to_dict(worked="fr")["worked_steps"]["text"]
    _check_numbers(ex, text)
    assert "z¹₁ = " in text and "δ²₁ = " in text and "z³" not in text        # layers 1 and 2, as the sheet
    assert ex.to_dict(worked="fr")["worked_steps"]["numbering"] == "deltaprop"


def test_command_writes_the_worked_key_in_every_format(tmp_path):
    for fmt, name in (("markdown", "k.md"), ("print", "k.html"), ("latex", "k.tex"), ("json", "k.json")):
        assert main(["exercise", "--level", "2", "--seed", "9", "--format", fmt, "--lang", "zh", "--worked-steps",
                     "-o", str(tmp_path / name)]) == 0
        text = (tmp_path / name).read_text(encoding="utf-8")
        assert say("zh", "worked_steps") in text or fmt == "json"
    html = (tmp_path / "k.html").read_text(encoding="utf-8")
    assert '<section class="worked">' in html and "<math" in html and "<svg" in html
    data = json.loads((tmp_path / "k.json").read_text(encoding="utf-8"))
    assert data["worked_steps"]["language"] == "zh"
    _check_numbers(dp.exercise(2, 9), data["worked_steps"]["text"])
    # the sheet still grades: the worked steps ride along in the JSON
    (tmp_path / "a.csv").write_text(f"C,{data['questions'][0]['value']}\n" if data["questions"][0]["id"] == "C"
                                    else f"{data['questions'][0]['id']},{data['questions'][0]['value']}\n")
    assert main(["check", str(tmp_path / "k.json"), str(tmp_path / "a.csv")]) == 0
    # without the option: no worked steps
    assert main(["exercise", "--level", "2", "--seed", "9", "--format", "markdown", "-o", str(tmp_path / "p.md")]) == 0
    assert say("en", "worked_steps") not in (tmp_path / "p.md").read_text(encoding="utf-8")


def test_class_key_has_worked_steps_and_student_sheets_do_not(tmp_path):
    out = tmp_path / "class"
    assert main(["exercise", "--level", "1", "--seed", "2", "--students", "3", "--format", "markdown", "--lang",
                 "fr", "--worked-steps", "-o", str(out)]) == 0
    key_md = (out / "answer-key.md").read_text(encoding="utf-8")
    assert key_md.count(f"## {say('fr', 'worked_steps')}") == 3
    for n in (1, 2, 3):
        assert say("fr", "worked_steps") not in (out / f"sheet-0{n}.md").read_text(encoding="utf-8")
    key = json.loads((out / "answer-key.json").read_text(encoding="utf-8"))
    for n, sheet in enumerate(key["students"], start=1):
        _check_numbers(dp.exercise(1, 2 + n - 1), sheet["worked_steps"]["text"])
    answers = out / "answers"
    answers.mkdir()
    (answers / "answers-01.csv").write_text("z2_1;0,1\n")
    assert main(["check", str(out / "answer-key.json"), str(answers), "--class"]) == 0


@pytest.mark.parametrize("lang, engine", [("en", "pdflatex"), ("fr", "pdflatex"), ("zh", "xelatex"),
                                          ("ja", "xelatex")])
def test_worked_latex_key_compiles(tmp_path, lang, engine):
    if shutil.which(engine) is None:
        import os
        if os.environ.get("DELTAPROP_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{engine} is missing: run scripts/ensure-test-system.sh")
        pytest.skip(f"{engine} not installed")
    tex = tmp_path / "key.tex"
    tex.write_text(dp.exercise(3, 6).to_latex(lang, worked=True), encoding="utf-8")
    done = subprocess.run([engine, "-interaction=nonstopmode", "-halt-on-error", tex.name], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:]
    plain = dp.exercise(3, 6).to_latex(lang)
    assert len(tex.read_text(encoding="utf-8")) > 2 * len(plain)


@pytest.mark.browser
def test_interactive_page_folds_the_worked_steps_until_asked(browser, output_dir):
    import os
    ex = dp.exercise(2, 8)
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    try:
        page.set_content(ex.to_html("ja", worked=True), wait_until="load")
        worked = page.locator("details.worked-steps section.worked")
        assert not worked.is_visible()                                   # the learner's choice to look
        page.locator("details.worked-steps summary").click()
        assert worked.is_visible() and worked.locator("math").count() > 10
        assert say("ja", "worked_intro") in worked.inner_text()
        page.screenshot(path=os.path.join(output_dir, "exercise-worked-steps-ja.png"), full_page=True)
    finally:
        page.close()
    assert "details" not in dp.exercise(2, 8).to_html("ja")


@pytest.mark.browser
def test_the_pdf_key_carries_the_worked_steps(tmp_path):
    import re as regex
    pages = {}
    for worked in (False, True):
        name = tmp_path / f"key-{worked}.pdf"
        assert main(["exercise", "--level", "1", "--seed", "3", "--format", "pdf", "-o", str(name)]
                    + (["--worked-steps"] if worked else [])) == 0
        pages[worked] = len(regex.findall(rb"/Type\s*/Page[^s]", name.read_bytes()))
    assert pages[True] >= pages[False] + 2                  # the derivation starts a page of its own, and is long
