"""Every guided lesson is complete in every language; following them in Chromium is test_lesson_walks.py."""

import pytest

from deltaprop.playground import lessons
from deltaprop.playground.schema import validate_config

ACTIONS = {"epochs", "play_until", "steps", "select", "click", "add_neuron", "weight", "bias", "open", "demon"}


@pytest.mark.parametrize("lang", ["en", "zh", "ja", "fr"])
def test_every_lesson_has_its_texts_and_steps(lang):
    items = lessons.catalogue(lang)
    assert [item["id"] for item in items] == [lesson["id"] for lesson in lessons.LESSONS] and len(items) == 8
    for item in items:
        assert item["title"] and item["text"] and item["steps"]
        for step in item["steps"]:
            assert step["text"] and step["do"] and {action[0] for action in step["do"]} <= ACTIONS
        validate_config(item["config"])                    # the same checks as any configuration


def test_the_saturation_lesson_keeps_hidden_and_output_saturation_apart():
    """Step 1 is a hidden neuron (BP2 keeps σ′ whatever the cost); steps 2–3 an output neuron (the cost cures it)."""
    text = lessons.texts("en")["saturation"]["steps"]
    assert "BP2" in text[0] and "No cost changes this" in text[0]
    assert "BP1" in text[1] and "quadratic" in text[1] and "binary cross-entropy" in text[2]
