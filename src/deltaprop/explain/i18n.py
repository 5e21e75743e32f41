"""Translations of the explainer's words: ``locales/<lang>.json``, one file per language.

English, Chinese, Japanese and French, with the terms their readers' backprop notes use, and their
terminology (误差 / 誤差 / erreur for the error δ, 带权输入 / 純入力 for the net
input, ...), kept in each file's ``terminology`` table -- the language's one table, which the exercises and the
grader (``exercise/locales``) and the playground's words follow too.  Every locale has exactly the keys of
``en.json`` (a test checks).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

LANGUAGES = ("en", "zh", "ja", "fr")


def check_language(lang):
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; valid: {', '.join(LANGUAGES)}")
    return lang


@cache
def _locale(lang):
    check_language(lang)
    text = resources.files(__package__).joinpath("locales", f"{lang}.json").read_text(encoding="utf-8")
    return json.loads(text)


def messages(lang):
    """The ``{key: template}`` table of ``lang``."""
    return {key: value for key, value in _locale(lang).items() if key != "terminology"}


def terminology(lang):
    """The language's terminology table: ``{concept: {"use": term, "not": [variants to avoid]}}``, the words its
    readers' backprop notes use (a test checks every text of the language against it)."""
    return _locale(lang)["terminology"]


def translate(lang, key, /, **args):
    """The template ``key`` of ``lang`` with ``args`` filled in (already formatted strings)."""
    return messages(lang)[key].format(**args)
