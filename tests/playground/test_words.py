"""The page's word tables: every language has every key, with the same placeholders, and a terminology section."""

import json
import re
from importlib import resources

import pytest

from deltaprop.playground.lessons import texts


def table(lang):
    path = resources.files("deltaprop.playground").joinpath("static", f"words-{lang}.json")
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("lang", ["zh", "ja", "fr"])
def test_every_word_is_translated_with_the_same_placeholders(lang):
    english, other = table("en")["words"], table(lang)
    assert other["language"] == lang and isinstance(other["terminology"], dict)
    assert set(other["words"]) == set(english)
    for key, template in english.items():
        assert set(re.findall(r"\{(\w+)\}", other["words"][key])) == set(re.findall(r"\{(\w+)\}", template)), key
        assert other["words"][key].strip() or not template.strip(), key     # separators may be empty (zh/ja)


@pytest.mark.parametrize("lang", ["zh", "ja", "fr"])
def test_the_explained_step_texts_have_the_same_keys_and_placeholders(lang):
    english, other = texts("en")["explained_step"], texts(lang)["explained_step"]
    assert set(other) == set(english)
    for key, template in english.items():
        assert set(re.findall(r"\{(\w+)\}", other[key])) == set(re.findall(r"\{(\w+)\}", template)), key
