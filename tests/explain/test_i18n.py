"""Every language has every key, and every language renders the whole explanation."""

import json
import re
import string
from importlib import resources

import pytest

import deltaprop
from deltaprop.teach import mazur
from deltaprop.explain import LANGUAGES
from deltaprop.explain.document import Heading, Note, Para
from deltaprop.explain.i18n import messages, translate


def fields(template):
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_locale_files_are_exactly_the_languages():
    files = sorted(p.name for p in resources.files("deltaprop.explain").joinpath("locales").iterdir()
                   if p.name.endswith(".json"))
    assert files == sorted(f"{lang}.json" for lang in LANGUAGES)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_language_has_every_key_with_the_same_placeholders(lang):
    english, other = messages("en"), messages(lang)
    assert set(other) == set(english)
    for key, template in english.items():
        assert fields(other[key]) == fields(template), (lang, key)
        assert other[key].strip() or key.endswith("_sep"), (lang, key)     # separators may be a (narrow) space


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("form", ["neuron", "matrix"])
def test_every_key_the_document_uses_renders(lang, form):
    X, Y = mazur.mazur_data()
    e = deltaprop.explain(mazur.mazur_network(), X, Y, update_biases=False, steps=2, form=form)
    used = [b for b in e.blocks() if isinstance(b, (Heading, Para, Note))]
    assert used
    for block in used:
        text = translate(lang, block.key, **{k: str(v) for k, v in block.args.items()})
        assert "{" not in text
    output = e.to_text(lang=lang)
    assert not re.search(r"\{[a-z_]+\}", output)
    if lang != "en":      # translated, not English left behind
        assert messages("en")["forward_pass"] not in output and messages(lang)["forward_pass"] in output


def test_seed_terminology():
    # C is the cost (代价, コスト, coût); the error (误差, 誤差, erreur) is δ only, as in Nielsen's chapter 2
    assert "代价" in messages("zh")["errors"] and "误差" not in messages("zh")["errors"]
    assert "コスト" in messages("ja")["errors"] and "誤差" not in messages("ja")["errors"]
    assert "coût" in messages("fr")["errors"] and "erreur" not in messages("fr")["errors"]
    assert "rétropropagation" in messages("fr")["title"].lower()
    for lang, word in (("zh", "误差"), ("ja", "誤差"), ("fr", "erreur")):
        for key in ("result", "loss_after_update", "loss_after_steps", "batch_mean"):
            assert word not in messages(lang)[key], (lang, key)
    for lang in ("zh", "fr"):               # the backward-pass heading does not repeat the title's word
        assert messages(lang)["backward_pass"].split("\u00a0")[0] not in messages(lang)["title"], lang


def test_unknown_language_is_refused():
    X, Y = mazur.mazur_data()
    e = deltaprop.explain(mazur.mazur_network(), X, Y)
    with pytest.raises(ValueError, match="unknown language 'de'; valid: en, zh, ja, fr"):
        e.to_text(lang="de")


def test_locale_files_are_valid_utf8_json():
    for lang in LANGUAGES:
        text = resources.files("deltaprop.explain").joinpath("locales", f"{lang}.json").read_text(encoding="utf-8")
        assert isinstance(json.loads(text), dict)


def test_chinese_prose_uses_full_width_punctuation():
    """zh (and ja) prose: ，：；（） rather than ASCII ,:;() (placeholders like {n} and formulas aside)."""
    import re
    from deltaprop.explain.i18n import messages
    chars = r"[\w^()'ᵀ⊙∂∇δσ+−×/·.,²Σ|<>≤≥→½\[\] ]*"
    formula = chars + "=" + chars                     # e.g. δ^l = ((W^(l+1))ᵀ δ^(l+1)) ⊙ σ'(z^l)
    for lang in ("zh", "ja"):
        for key, text in messages(lang).items():
            if key.endswith("_sep"):                  # typography settings (the digit-group separator), not prose
                continue
            prose = re.sub(formula, "", re.sub(r"\{[^}]*\}", "", text))
            assert not re.search(r"[,:;()]", prose), (lang, key, text)


@pytest.mark.parametrize("lang, words", [("zh", ["S 型函数", "二次代价函数"]), ("ja", ["シグモイド関数", "二乗誤差"]),
                                         ("fr", ["sigmoïde", "quadratique"])])
def test_loss_and_activation_names_are_translated(lang, words):
    import deltaprop as dp
    out = dp.explain(dp.mazur_network(), [0.05, 0.1], [0.01, 0.99]).to_text(lang=lang)
    for word in words:
        assert word in out
    assert "quadratic" not in out and " sigmoid" not in out


def test_french_groups_thousands_and_spaces_its_colons():
    import deltaprop as dp
    out = dp.explain(dp.mazur_network(), [0.05, 0.1], [0.01, 0.99]).to_text(lang="fr")
    assert "10\u202f000\u00a0étapes" in out and "10,000" not in out          # a French reader reads 10,000 as ten
    assert "Remarque\u00a0: " in out and "Remarque:" not in out       # no-break space: the colon never starts a line
    zh = dp.explain(dp.mazur_network(), [0.05, 0.1], [0.01, 0.99]).to_text(lang="zh")
    assert "注：" in zh


@pytest.mark.parametrize("lang", LANGUAGES)
def test_terminology_is_used_consistently(lang):
    """One term per concept in each language: the table's term is used, none of its variants, in the explainer,
    the exercises and the playground lessons of that language."""
    from deltaprop.explain.exercise import i18n as exercise_i18n
    from deltaprop.explain.i18n import terminology
    lessons = resources.files("deltaprop.playground").joinpath("lessons", f"{lang}.json").read_text(encoding="utf-8")
    texts = list(messages(lang).values()) + [v for v in exercise_i18n.messages(lang).values() if isinstance(v, str)]
    corpus = "\n".join(texts) + "\n" + lessons
    table = terminology(lang)
    assert len(table) >= 4
    for concept, entry in table.items():
        assert entry["use"] in corpus, (lang, concept)
        for variant in entry["not"]:
            assert variant not in corpus.replace(entry["use"], ""), (lang, concept, variant)
