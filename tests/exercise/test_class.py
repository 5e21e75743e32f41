"""A teacher grades a class of 30: ``deltaprop check answer-key.json answers/ --class`` writes the right table
(CSV) and an HTML summary of the class's most common slips, in the teacher's language (checked in Chromium)."""

import csv
import json
import os
from collections import Counter

import pytest

from deltaprop.cli import main
from deltaprop.explain.exercise.i18n import say

from .student import Student

SLIPPED = {3: "no_sigma", 7: "no_activation", 8: "no_sigma", 12: "plus_update", 20: "sign", 21: "no_sigma", 29: "no_half"}
MISSING = {5}


def _class(tmp_path, lang):
    assert main(["exercise", "--level", "2", "--seed", "40", "--students", "30", "--format", "json",
                 "-o", str(tmp_path / "class")]) == 0
    key = json.loads((tmp_path / "class" / "answer-key.json").read_text())
    answers_dir = tmp_path / "answers"
    answers_dir.mkdir()
    expected = {}
    for n, sheet in enumerate(key["students"], start=1):
        slip = SLIPPED.get(n)
        if slip and not any(slip in q["slips"] for q in sheet["questions"]):
            slip = "sign"                   # e.g. no σ′ to forget with a linear output and live ReLUs
        slip_id = next(q["id"] for q in sheet["questions"] if slip in q["slips"]) if slip else None
        answers = Student(sheet, slip_id, slip).work()
        if n in MISSING:
            answers.pop(sheet["questions"][-1]["id"])
        expected[n] = (slip_id, slip, len(sheet["questions"]))
        if n % 2:                           # half the class hands in an Excel CSV with a decimal comma
            text = "nom;valeur\n" + "".join(f"{k};{str(v).replace('.', ',')}\n" for k, v in answers.items())
            (answers_dir / f"answers-{n:02d}.csv").write_text(text)
        else:
            (answers_dir / f"student{n}.json").write_text(json.dumps(answers))
    assert main(["check", str(tmp_path / "class" / "answer-key.json"), str(answers_dir), "--class", "--lang", lang,
                 "-o", str(tmp_path / "out")]) == 0
    return expected, key


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_class_table_is_right(tmp_path, lang):
    expected, key = _class(tmp_path, lang)
    with open(tmp_path / "out" / "grades.csv", encoding="utf-8") as f:
        rows = list(csv.reader(f, delimiter=";" if lang == "fr" else ","))
    header, body = rows[0], rows[1:]
    assert [int(r[0]) for r in body] == list(range(1, 31))
    for row in body:
        n = int(row[0])
        slip_id, slip, total = expected[n]
        cells = dict(zip(header[5:], row[5:]))
        score, credited, count = map(int, row[2:5])
        assert count == total
        wrong = [q for q, c in cells.items() if c.startswith(say(lang, "status_wrong"))]
        if slip:
            assert wrong == [slip_id] and say(lang, f"slip_{slip}") in cells[slip_id]
            assert credited == total - 1 and score < total
        elif n in MISSING:
            assert wrong == [] and score == credited == total - 1
            assert cells[key["students"][n - 1]["questions"][-1]["id"]] == say(lang, "status_missing")
        else:
            assert wrong == [] and score == credited == total


@pytest.mark.browser
def test_the_class_summary_in_chromium_in_chinese(tmp_path, browser, output_dir):
    expected, key = _class(tmp_path, "zh")
    symbols = {q["id"]: q["symbol"] for sheet in key["students"] for q in sheet["questions"]}
    html = (tmp_path / "out" / "grades.html").read_text(encoding="utf-8")
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    try:
        page.goto((tmp_path / "out" / "grades.html").as_uri())
        assert page.locator("h1").inner_text() == "全班成绩"
        assert page.locator("table").first.locator("tr").count() == 31
        summary = page.locator("table").nth(1).inner_text()
        assert all(symbol in summary for symbol in symbols.values()), summary     # a row for every question
        counts = Counter((slip_id, slip) for slip_id, slip, _ in expected.values() if slip)
        for (slip_id, slip), count in counts.items():           # each slip counted on its question's row
            row = page.locator("table").nth(1).locator("tr", has_text=symbols[slip_id]).first.inner_text()
            assert f"{say('zh', f'slip_{slip}')}（{count} 人）" in row, row
        box = page.locator("body").bounding_box()
        assert box["height"] > 600
        path = os.path.join(output_dir, "class-summary-zh.png")
        page.screenshot(path=path, full_page=True)
        assert os.path.getsize(path) > 20_000                    # not a blank page
    finally:
        page.close()
    assert "lang=\"zh\"" in html and "Student" not in html
