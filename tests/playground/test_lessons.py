"""Every guided lesson loads, and what its "what to try" promises happens with the real engine."""

import pytest

from deltaprop.playground import lessons
from deltaprop.playground.schema import validate_config
from deltaprop.playground.session import Session


def _session(lesson_id):
    lesson = next(item for item in lessons.LESSONS if item["id"] == lesson_id)
    session = Session(validate_config(lesson["config"]))

    def configure(changes):
        session.configure(validate_config({**session.config, **changes}))
    return session, configure


@pytest.mark.parametrize("lang", ["en", "zh", "ja", "fr"])
def test_every_lesson_has_its_texts(lang):
    for item in lessons.catalogue(lang):
        assert item["title"] and item["text"] and item["try"]
        validate_config(item["config"])                    # the same checks as any configuration


def test_mazur_lesson():
    session, _ = _session("mazur")
    result = lessons.check_mazur(session)
    assert result["before"] == pytest.approx(0.298371109, abs=5e-10)
    assert result["after"] == pytest.approx(0.291027774, abs=5e-10)


def test_xor_lesson():
    session, configure = _session("xor")
    result = lessons.check_xor(session, configure)
    assert result["no_hidden"] < 0.7 and result["hidden"] > 0.9


def test_saturation_lesson_shows_a_tiny_sigma_prime():
    session, _ = _session("saturation")
    assert lessons.check_saturation(session)["median_sigma_prime"] < 0.01


def test_demon_lesson():
    session, _ = _session("demon")
    assert lessons.check_demon(session)["relative_gap"] < 0.01


def test_dead_relu_lesson():
    session, _ = _session("dead-relu")
    assert lessons.check_dead_relu(session)["dead"] > 0


def test_learning_rate_lesson():
    session, configure = _session("learning-rate")
    result = lessons.check_learning_rate(session, configure)
    assert result["after_lowering"] < result["at_10"] and result["hint"]


def test_batch_size_lesson():
    session, configure = _session("batch-size")
    result = lessons.check_batch_size(session, configure)
    assert result["batch_100"] < result["batch_1"]


def test_regularisation_lesson_l1_makes_the_network_sparse():
    """100 epochs with L1 λ = 1 leave most weights at (nearly) 0; the same λ as L2 leaves almost none there."""
    session, configure = _session("regularisation")
    result = lessons.check_regularisation(session, configure)
    assert result["l1_near_zero"] > 0.5 and result["l2_near_zero"] < 0.2, result
