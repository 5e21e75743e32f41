"""Guided lessons: a lesson = data + architecture + settings + a short text + steps the learner follows.

Each lesson's configuration goes through the same validation as any other (``schema.validate_config``).  Its
steps are data: what the learner does (``do``, in the page's own controls) and what the step's text promises
(``expect``).  ``tests/playground/test_lesson_walks.py`` follows every step in Chromium with real clicks and keys
and checks each promise.  The texts (title, introduction, one instruction per step) live in ``lessons/<lang>.json``
(en, zh, ja, fr).

Actions (``do``):

=====================================  ===============================================================
``["epochs", n]``                      press Epoch n times
``["play_until", n]``                  press Play, wait for epoch n, press Play again (pause)
``["steps", n]``                       press Step n times (the test records the last batch loss each time)
``["select", id, value]``              choose ``value`` in the menu ``#id``
``["click", selector]``                press a button
``["add_neuron", l]``                  press + above hidden layer ``l``
``["weight", l, to, from, value]``     open the link ``w^l_{to,from}`` (engine layers: 1 = first hidden) and set it
``["bias", l, j, value]``              open neuron ``j`` of layer ``l`` and set its bias
``["open", l, j]``                     open neuron ``j`` of layer ``l`` in the inspector
``["demon", dz]``                      move the demon's slider to Δz
=====================================  ===============================================================

Promises (``expect``): ``accuracy_min`` / ``accuracy_max`` (test accuracy), ``batch_loss`` / ``train_loss``
(to 9 digits), ``inspector_contains``, ``sigma_prime_max`` and ``badge`` (the open neuron), ``demon_gap_max`` /
``demon_gap_min``, ``dead_min``, ``dead_fewer_than_step`` (a step's index), ``spread_below_step``,
``near_zero_min`` / ``near_zero_max`` (share of |w| < 0.01), ``notice`` (its kind), ``warning`` (a diagnostics
warning of that kind is shown), ``same_weights``
(the step's changes kept the network), ``loss_flat`` (the training loss moved by less than 1 %).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from ...explain import check_language

LESSONS = [
    {"id": "mazur", "config": {"preset": "mazur"},
     "steps": [{"do": [["steps", 1]], "expect": {"batch_loss": 0.298371109, "train_loss": 0.291027774}},
               {"do": [["open", 2, 0]], "expect": {"inspector_contains": "0.0821670"}}]},
    {"id": "xor", "config": {"dataset": "xor", "hidden": [], "activations": [], "learning_rate": 0.3,
                             "samples": 200, "batch_size": 10},
     "steps": [{"do": [["play_until", 60]], "expect": {"accuracy_max": 0.7}},
               {"do": [["click", "#add-layer"], ["add_neuron", 1], ["add_neuron", 1], ["play_until", 100]],
                "expect": {"accuracy_min": 0.9, "notice": "restarted"}}]},
    {"id": "saturation", "config": {"dataset": "blobs", "classes": 2, "hidden": [3], "activations": ["sigmoid"],
                                    "loss": "quadratic", "learning_rate": 1.0},
     "steps": [{"do": [["weight", 1, 0, 0, 30], ["weight", 1, 0, 1, 30], ["open", 1, 0]],
                "expect": {"sigma_prime_max": 0.01, "badge": "saturated"}},
               {"do": [["bias", 2, 0, -10], ["epochs", 5]], "expect": {"accuracy_max": 0.6, "loss_flat": True}},
               {"do": [["select", "loss", "binary-cross-entropy"], ["epochs", 1]],
                "expect": {"same_weights": True, "notice": "live", "accuracy_min": 0.9}}]},
    {"id": "demon", "config": {"dataset": "circles", "hidden": [4], "activations": ["tanh"]},
     "steps": [{"do": [["open", 1, 0], ["demon", 0.002]], "expect": {"demon_gap_max": 0.01}},
               {"do": [["demon", 2]], "expect": {"demon_gap_min": 0.1}}]},
    {"id": "dead-relu", "config": {"dataset": "spirals", "hidden": [8, 8], "activations": ["relu", "relu"],
                                   "learning_rate": 1.0, "batch_size": 10},
     "steps": [{"do": [["epochs", 5]], "expect": {"dead_min": 1}},
               {"do": [["select", "learning_rate", "0.03"], ["click", "#reset"], ["epochs", 5]],
                "expect": {"dead_fewer_than_step": 0}}]},
    {"id": "learning-rate", "config": {"dataset": "circles", "hidden": [4], "activations": ["tanh"],
                                       "learning_rate": 10.0},
     "steps": [{"do": [["epochs", 10]], "expect": {"accuracy_max": 0.6}},
               {"do": [["select", "learning_rate", "1"], ["epochs", 10]],
                "expect": {"same_weights": True, "notice": "live", "accuracy_max": 0.6, "warning": "saturated"}},
               {"do": [["click", "#reset"], ["epochs", 20]], "expect": {"accuracy_min": 0.95}}]},
    {"id": "batch-size", "config": {"dataset": "moons", "hidden": [6], "activations": ["tanh"],
                                    "batch_size": 1, "learning_rate": 0.03},
     "steps": [{"do": [["steps", 20]], "expect": {}},
               {"do": [["select", "batch_size", "100"], ["steps", 20]],
                "expect": {"same_weights": True, "spread_below_step": 0}}]},
    {"id": "regularisation", "config": {"dataset": "moons", "noise": 0.3, "samples": 200, "hidden": [8, 8],
                                        "activations": ["tanh", "tanh"], "learning_rate": 0.1, "batch_size": 10,
                                        "l1": 1.0},
     "steps": [{"do": [["play_until", 100]], "expect": {"near_zero_min": 0.5}},
               {"do": [["select", "l1", "0"], ["select", "l2", "1"], ["click", "#reset"], ["play_until", 100]],
                "expect": {"near_zero_max": 0.2}}]},
]


@cache
def texts(lang):
    check_language(lang)
    return json.loads(resources.files(__package__).joinpath(f"{lang}.json").read_text(encoding="utf-8"))


def catalogue(lang="en"):
    """The lessons for the page: id, configuration, title, introduction, and its steps (instruction + actions)."""
    words = texts(lang)
    out = []
    for lesson in LESSONS:
        text = words[lesson["id"]]
        if len(text["steps"]) != len(lesson["steps"]):
            raise ValueError(f"lesson {lesson['id']!r} has {len(lesson['steps'])} steps but {lang}.json words "
                             f"{len(text['steps'])}")
        steps = [{**step, "text": said} for step, said in zip(lesson["steps"], text["steps"])]
        out.append({"id": lesson["id"], "config": lesson["config"], "title": text["title"], "text": text["text"],
                    "steps": steps})
    return out
