"""Mistakes the explainer reports, said in the reader's language.

An :class:`ExplainError` carries a message key (``error_*`` in ``locales/<lang>.json``) and its arguments;
``str(error)`` is the English sentence, :meth:`ExplainError.say` any language's (``deltaprop explain --lang``).
Every key exists in every language, with the same placeholders (a test checks).
"""

from __future__ import annotations

from .i18n import translate


class ExplainError(ValueError):
    """A ``ValueError`` whose one-line message can be given in any of the explainer's languages."""

    def __init__(self, message_key, /, **args):
        self.key, self.values = message_key, args
        super().__init__(self.say("en"))

    def say(self, lang):
        """The message in ``lang``; arguments that are kinds (``kind_list``, …) are translated too."""
        return translate(lang, self.key, **{name: _say(value, lang) for name, value in self.values.items()})


def _say(value, lang):
    from .document import Terms
    if isinstance(value, ExplainError):
        return value.say(lang)
    if isinstance(value, Terms):
        return translate(lang, "list_sep").join(translate(lang, key) for key in value.keys)
    if isinstance(value, str) and value.startswith("kind_"):
        return translate(lang, value)
    return value


def kind(value):
    """The key naming a JSON value's kind (``kind_list``, ``kind_string``, …) for messages."""
    import math
    if isinstance(value, bool):
        return "kind_boolean"
    if isinstance(value, (int, float)):
        return "kind_number" if math.isfinite(value) else "kind_nonfinite"
    return {dict: "kind_object", list: "kind_list", str: "kind_string", type(None): "kind_null"}.get(
        type(value), "kind_other")
