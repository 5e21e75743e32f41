"""The exercises' words: ``locales/<lang>.json`` (en, zh, ja, fr), one file per language, the same keys in each."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from ..i18n import check_language


@cache
def messages(lang):
    """The ``{key: template}`` table of ``lang``."""
    check_language(lang)
    text = resources.files(__package__).joinpath("locales", f"{lang}.json").read_text(encoding="utf-8")
    return json.loads(text)


def say(lang, key, **args):
    """The template ``key`` of ``lang`` with ``args`` filled in."""
    return messages(lang)[key].format(**args)
