"""The sheets as a learner and a teacher use them: the interactive page in real Chromium, the PDF with the key
on its own page, and LaTeX that compiles in every language."""

import os
import re
import shutil
import subprocess

import pytest

import deltaprop as dp
from deltaprop.cli import main


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_interactive_page_checks_answers(browser, output_dir, lang):
    ex = dp.exercise(1, 3)
    page = browser.new_page(viewport={"width": 900, "height": 1200})
    try:
        page.set_content(ex.to_html(lang), wait_until="load")
        right, slip = ex.questions[0], next(q for q in ex.questions if q.id == "delta3_1")
        item = page.locator(f'li[data-id="{right.id}"]')
        item.locator("input").fill(f"{right.value:.4f}")
        item.locator("button.check").click()
        assert "right" in item.locator(".feedback").get_attribute("class")
        wrong = page.locator('li[data-id="delta3_1"]')
        wrong.locator("input").fill(f"{slip.slips['no_sigma']:.4f}")
        wrong.locator("input").press("Enter")
        feedback = wrong.locator(".feedback").inner_text()
        assert "BP1" in feedback and "σ'(z" in feedback
        assert f"{slip.value:.4f}"[:6] not in feedback                    # never the answer unless asked
        wrong.locator("button.show").click()
        assert wrong.locator(".answer").inner_text().replace("−", "-").startswith(f"{slip.value:.6f}"[:7])
        assert page.locator("#score").inner_text().strip() != ""
        page.screenshot(path=os.path.join(output_dir, f"exercise-interactive-{lang}.png"), full_page=True)
    finally:
        page.close()


def _pages(pdf):
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


@pytest.mark.browser
def test_printable_sheet_prints_to_pdf_with_the_key_on_its_own_page(tmp_path, output_dir):
    assert main(["exercise", "--level", "1", "--seed", "3", "--format", "pdf", "-o", str(tmp_path / "s.pdf")]) == 0
    with_key = (tmp_path / "s.pdf").read_bytes()
    assert with_key.startswith(b"%PDF")
    assert main(["exercise", "--level", "1", "--seed", "3", "--students", "1", "--format", "pdf",
                 "-o", str(tmp_path / "class")]) == 0
    without_key = (tmp_path / "class" / "sheet-01.pdf").read_bytes()
    assert _pages(with_key) > _pages(without_key) >= 1                 # the key starts a page of its own
    shutil.copy(tmp_path / "s.pdf", os.path.join(output_dir, "exercise-level1.pdf"))


@pytest.mark.parametrize("lang, engine", [("en", "pdflatex"), ("fr", "pdflatex"), ("zh", "xelatex"),
                                          ("ja", "xelatex")])
@pytest.mark.parametrize("level", [1, 3])
def test_latex_compiles(tmp_path, lang, engine, level):
    if shutil.which(engine) is None:
        if os.environ.get("DELTAPROP_REQUIRE_BROWSER") == "1":            # make test: the set-up installs TeX
            pytest.fail(f"{engine} is missing: run scripts/ensure-test-system.sh")
        pytest.skip(f"{engine} not installed")
    tex = tmp_path / "sheet.tex"
    tex.write_text(dp.exercise(level, 5).to_latex(lang), encoding="utf-8")
    done = subprocess.run([engine, "-interaction=nonstopmode", "-halt-on-error", tex.name], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:]
    assert (tmp_path / "sheet.pdf").stat().st_size > 5000
