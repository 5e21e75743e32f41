"""The exercises' and the grader's words: ``locales/<lang>.json`` (en, zh, ja, fr), one file per language, the same keys in
each.  Their terms follow the language's one terminology table, the explainer's (:func:`deltaprop.explain.i18n.terminology`:
follow-through, slip, answers file, forward pass, cost, … beside the explainer's own concepts); a test checks every
text of the language against it."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from ...core.activations import get_activation
from ...core.losses import get_loss
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


def bp1_is_a_minus_y(activation, loss):
    """True when BP1 for this output/loss pair is ``δ^L = a^L − y``: the loss module's rule
    (:meth:`deltaprop.core.losses.Loss.bp1_is_a_minus_y`), asked with the sheet's names."""
    return get_loss(loss).bp1_is_a_minus_y(get_activation(activation))


def equation_text(lang, equation, sheet):
    """The equation ``equation`` ("forward", "BP1", …) in words for the sheet's network: BP1 as a − y, with its
    one-line why, for softmax + cross-entropy and sigmoid + binary cross-entropy."""
    net = sheet["network"]
    if equation == "cost":
        return say(lang, "eq_cost", formula=say(lang, f"loss_{net['loss']}"))
    if equation == "BP1" and bp1_is_a_minus_y(net["activations"][-1], net["loss"]):
        return say(lang, "eq_BP1_fused", pair=say(lang, f"pair_{net['loss']}"), why=say(lang, f"why_{net['loss']}"))
    return say(lang, f"eq_{equation}")
