"""Every text as a native teacher writes it: the Chinese notes' 调皮鬼, Japanese and Chinese line breaking
(kinsoku), the French decimal comma in prose, no English left in translated sheets or check messages, and no
e-notation in prose -- over the explainer, the exercises and the grader, in every language."""

import contextlib
import io
import json
import re
from pathlib import Path

import pytest

import deltaprop as dp
from deltaprop.cli import main
from deltaprop.explain.exercise import i18n as exercise_i18n
from deltaprop.explain.i18n import messages

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NO_START = set("，。、；：！？）」』〕】》〉…・ーぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ")
NO_END = set("（「『〔【《〈")
E_NOTATION = re.compile(r"\d(?:\.\d+)?e[−+-]?\d")


def _explanations(lang):
    """The explainer's text output on Mazur's network, a softmax batch and a ReLU network, with derivations."""
    X, Y = dp.mazur_data()
    yield dp.explain(dp.mazur_network(), X, Y, detail="derive", steps=10000).to_text(lang=lang)
    for spec in ("explain-softmax.json", "explain-tanh.json"):
        code, out = _run("explain", "--spec", EXAMPLES / spec, "--detail", "derive", "--lang", lang)
        assert code == 0
        yield out


def _run(*argv):
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = main([str(a) for a in argv])
    return code, out.getvalue()


def test_chinese_calls_nielsens_demon_tiaopigui():
    text = "\n".join(_explanations("zh"))
    assert "调皮鬼" in text and "小妖" not in text


@pytest.mark.parametrize("lang", ["zh", "ja"])
def test_no_line_starts_or_ends_with_a_forbidden_character(lang, tmp_path):
    lines = [line for text in _explanations(lang) for line in text.splitlines()]
    sheet = dp.exercise(3, 1).to_dict()
    (tmp_path / "s.json").write_text(json.dumps(sheet))
    (tmp_path / "a.csv").write_text("delta3_1[1],0.1\n")
    lines += _run("check", tmp_path / "s.json", tmp_path / "a.csv", "--lang", lang)[1].splitlines()
    for line in lines:
        body = line.lstrip("│ ").strip()
        assert not body or body[0] not in NO_START, line
        assert not body or body[-1] not in NO_END, line
    assert not [line for line in lines if re.search(r"[。！？] \S", line)]     # no half-width space after 。


def test_french_prose_numbers_use_the_decimal_comma():
    for text in _explanations("fr"):
        prose = [line for line in text.splitlines() if line and not line.startswith("    ")]
        joined = "\n".join(prose)
        assert not re.search(r"(?<![\w.])\d+\.\d", joined.replace("BP1–BP4", "")), \
            [line for line in prose if re.search(r"(?<![\w.])\d+\.\d", line)]
    assert "η = 0,5" in dp.exercise(1, 0).to_markdown("fr") or "η = 1" in dp.exercise(1, 0).to_markdown("fr")


ENGLISH = ("forward pass", "weighted input", "updated parameter", "(cost", "; cost", "update)", "Answer key",
           "Score:", "right", "wrong", "missing", "You need", "you need", "follow-through", "This is the number")


@pytest.mark.parametrize("lang", ["zh", "ja", "fr"])
def test_no_english_left_in_sheets_or_check_messages(lang, tmp_path):
    texts = [dp.exercise(level, 2).to_markdown(lang) for level in (1, 2, 3)]
    texts.append(dp.exercise(1, 2).to_html(lang, interactive=False))
    sheet = dp.exercise(1, 2).to_dict()
    (tmp_path / "s.json").write_text(json.dumps(sheet))
    answers = {q["id"]: q["value"] for q in sheet["questions"][:10]}
    answers["delta3_1"] = sheet["questions"][10]["value"] * -1
    (tmp_path / "a.json").write_text(json.dumps(answers))
    texts.append(_run("check", tmp_path / "s.json", tmp_path / "a.json", "--lang", lang)[1])
    (tmp_path / "bad.csv").write_text("z2_1,0,44\nz2_1;x\n")
    texts.append(_run("check", tmp_path / "s.json", tmp_path / "bad.csv", "--lang", lang)[1]
                 .replace("deltaprop check: error: ", ""))
    for text in texts:
        for word in ENGLISH:
            assert word not in text, (lang, word, text[text.find(word) - 80:text.find(word) + 40])


@pytest.mark.parametrize("lang", ["en", "zh", "ja", "fr"])
def test_no_e_notation_in_prose(lang):
    for text in _explanations(lang):
        assert not E_NOTATION.search(text), E_NOTATION.search(text)
    for fmt in ("markdown", "html"):
        X, Y = dp.mazur_data()
        out = dp.explain(dp.mazur_network(), X, Y, detail="derive", steps=10000).render(fmt, lang=lang)
        prose = re.sub(r"<(style|script)[^>]*>.*?</\1>", "", out, flags=re.S)
        assert not E_NOTATION.search(re.sub(r"<[^>]*>", "", prose))
    assert not E_NOTATION.search(dp.exercise(2, 3).to_markdown(lang))


@pytest.mark.parametrize("lang", ["en", "zh", "ja", "fr"])
def test_exercise_locales_have_every_key_and_follow_the_one_terminology_table(lang):
    from deltaprop.explain.i18n import terminology
    keys = set(exercise_i18n.messages("en"))
    assert set(exercise_i18n.messages(lang)) == keys
    assert "terminology" not in keys                                  # one table per language: the explainer's
    table = terminology(lang)
    assert {"follow-through", "slip", "answers file", "forward pass"} <= set(table)
    assert {"cost", "cost function"} & set(table)
    corpus = "\n".join(v for v in exercise_i18n.messages(lang).values() if isinstance(v, str))
    for concept in ("follow-through", "slip", "answers file"):           # the grader's own concepts, in its texts
        assert table[concept]["use"] in corpus, (lang, concept)
    for concept, entry in table.items():
        for variant in entry["not"]:
            assert variant not in corpus.replace(entry["use"], ""), (lang, concept, variant)


def test_french_texts_put_a_no_break_space_before_high_punctuation():
    """French typography: a no-break space before ; : ! ? % and inside « », so none starts a line."""
    texts = [v for v in exercise_i18n.messages("fr").values() if isinstance(v, str)]
    texts += [v for v in messages("fr").values() if isinstance(v, str)]
    for text in texts:
        assert not re.search(r" [:;!?»%]|« ", text), text
    assert exercise_i18n.messages("fr")["sep"] == "\u00a0: "
