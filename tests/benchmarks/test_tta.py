"""``benchmarks/tta.py``'s rules: each engine keeps its fastest time per target over the grid and the rounds; a
cosine setting gives every engine the η of deltaprop's own schedule (so they take the same steps); a setting an
engine cannot express is skipped with the reason; names outside the grid are refused."""

import os
import sys

import numpy as np
import pytest

from deltaprop.core.schedules import Cosine

BENCHMARKS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "benchmarks")
sys.path.insert(0, BENCHMARKS)

import tta  # noqa: E402
import tta_engines  # noqa: E402


def _result(r88, r90):
    return {"epochs": [], "reached": {"0.88": r88, "0.9": r90}, "note": "", "error": None}


def test_each_engine_keeps_its_fastest_setting_and_round_per_target():
    runs = {"small": {"deltaprop": [_result(5.0, None), _result(4.2, None)], "jax": [_result(6.0, None)] * 2},
            "wide-cosine": {"deltaprop": [_result(7.0, 30.0), _result(6.5, 28.0)],
                            "jax": [_result(5.5, 27.0), _result(None, None)]}}
    best = tta.best_of(runs)
    assert best["deltaprop"] == {"reached": {"0.88": 4.2, "0.9": 28.0},
                                 "setting": {"0.88": "small", "0.9": "wide-cosine"}}
    assert best["jax"] == {"reached": {"0.88": 5.5, "0.9": 27.0},
                           "setting": {"0.88": "wide-cosine", "0.9": "wide-cosine"}}


def test_a_target_nobody_reached_stays_none():
    best = tta.best_of({"small": {"torch": [_result(None, None)]}})
    assert best["torch"] == {"reached": {"0.88": None, "0.9": None}, "setting": {}}


@pytest.mark.parametrize("epochs", [1, 7, 30])
def test_the_cosine_rate_is_deltaprops_schedule(epochs):
    setting = {"lr": 0.2, "cosine": epochs}
    schedule = Cosine(epochs)
    rates = [tta_engines.rate(setting, e) for e in range(1, epochs + 3)]
    assert rates == pytest.approx([schedule.rate(e, 0.2) for e in range(1, epochs + 3)], rel=1e-12, abs=1e-15)
    assert rates[0] == 0.2 and tta_engines.epochs_for(setting, 40) == epochs


def test_a_constant_setting_keeps_its_rate_and_the_epoch_limit():
    setting = {"lr": 0.1, "cosine": None}
    assert [tta_engines.rate(setting, e) for e in (1, 5, 40)] == [0.1, 0.1, 0.1]
    assert tta_engines.epochs_for(setting, 40) == 40


def test_every_engine_starts_from_the_same_weights():
    first, again = tta_engines.he_normal([784, 64, 10], 0), tta_engines.he_normal([784, 64, 10], 0)
    for (w, b), (w2, b2) in zip(first, again):
        assert w.dtype == np.float32 and w.shape in {(64, 784), (10, 64)}
        np.testing.assert_array_equal(w, w2)
        np.testing.assert_array_equal(b, np.zeros_like(b))
    assert abs(float(np.std(first[0][0])) - np.sqrt(2 / 784)) < 2e-3           # He-normal: std √(2 / fan-in)


def test_scikit_learn_skips_a_cosine_setting_with_the_reason():
    with pytest.raises(tta_engines.Unsupported, match="no per-epoch schedule"):
        tta_engines.sklearn_engine(None, None, {**tta.GRID["wide-cosine"], "seed": 0}, 30, None)


def test_settings_outside_the_grid_are_refused_and_a_custom_one_is_built():
    parser_args = tta.argparse.Namespace(sizes=None, batch=None, lr=None, cosine=None, settings="small,huge")
    with pytest.raises(SystemExit, match="unknown setting 'huge'; valid: small, mid, wide-cosine, wider-cosine"):
        tta.chosen_settings(parser_args)
    custom = tta.chosen_settings(tta.argparse.Namespace(sizes="784,32,10", batch=None, lr=0.3, cosine=12,
                                                         settings=None))
    assert custom == {"custom": {"sizes": [784, 32, 10], "batch": 32, "lr": 0.3, "cosine": 12}}
