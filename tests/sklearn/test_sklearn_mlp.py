"""The estimators keep MLPClassifier's conventions: run both on the same data and compare what a user sees.

The stopping rule is checked against scikit-learn's own code: the loss or score sequence one estimator
produced is fed to ``MLPClassifier._update_no_improvement_count`` and must stop at the same epoch.
"""

import re
import warnings

import numpy as np
import pytest

pytest.importorskip("sklearn")

from sklearn.base import clone  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.neural_network import MLPClassifier, MLPRegressor  # noqa: E402

from deltaprop.data import make_dataset  # noqa: E402
from deltaprop.sklearn import DeltapropClassifier, DeltapropRegressor  # noqa: E402


@pytest.fixture(scope="module")
def blobs():
    return make_dataset("blobs", 300, seed=1)


def sklearn_stop_epoch(values, early_stopping, tol, n_iter_no_change):
    """The epoch at which MLPClassifier's own rule stops on this sequence of losses (or scores), else None."""
    mlp = MLPClassifier(tol=tol, n_iter_no_change=n_iter_no_change, early_stopping=early_stopping)
    mlp._no_improvement_count, mlp.coefs_, mlp.intercepts_ = 0, [], []
    mlp.loss_curve_, mlp.validation_scores_ = [], []
    mlp.best_loss_, mlp.best_validation_score_ = np.inf, -np.inf
    feed = iter(values)
    mlp._score = lambda X, y, sample_weight=None: next(feed)
    for epoch, value in enumerate(values, start=1):
        mlp.loss_curve_.append(value)
        if early_stopping:
            mlp._update_no_improvement_count(True, None, None, None)
        else:
            next(feed)
            mlp._update_no_improvement_count(False, None, None, None)
        if mlp._no_improvement_count > n_iter_no_change:
            return epoch
    return None


def test_the_oracle_is_sklearns_rule():
    # MLPClassifier's own curve stops where the oracle says: the oracle reads the rule right
    X, y = make_dataset("moons", 300, noise=0.3, seed=0)
    for early in (False, True):
        mlp = MLPClassifier((8,), max_iter=300, tol=1e-3, n_iter_no_change=4, early_stopping=early,
                            random_state=0).fit(X, y)
        curve = mlp.validation_scores_ if early else mlp.loss_curve_
        assert mlp.n_iter_ < 300
        assert sklearn_stop_epoch(curve, early, 1e-3, 4) == mlp.n_iter_ == len(curve)


@pytest.mark.parametrize("early", [False, True], ids=["training-loss", "early-stopping"])
def test_stops_at_the_same_rule_as_mlpclassifier(early):
    X, y = make_dataset("moons", 300, noise=0.3, seed=0)
    options = dict(hidden_layer_sizes=(8,), tol=1e-3, n_iter_no_change=4, early_stopping=early, random_state=0)
    ours = DeltapropClassifier(epochs=300, learning_rate=0.01, **options).fit(X, y)
    theirs = MLPClassifier(max_iter=300, learning_rate_init=0.01, **options).fit(X, y)
    for model in (ours, theirs):
        curve = model.validation_scores_ if early else model.loss_curve_
        assert model.n_iter_ < 300, "the rule should stop both well before max_iter"
        assert model.n_iter_ == len(model.loss_curve_) == len(curve)
        assert sklearn_stop_epoch(curve, early, 1e-3, 4) == model.n_iter_
        if early:
            assert model.best_loss_ is None and model.best_validation_score_ == max(curve)
        else:
            assert model.best_loss_ == min(curve) and model.validation_scores_ is None
    if early:       # the best epoch's weights are kept: the held-out score is the best one
        _, X_val, _, y_val = train_test_split(X, y, test_size=0.1, random_state=0, stratify=y)
        assert ours.score(X_val, y_val) == ours.best_validation_score_


def test_regressor_stops_on_r2_like_mlpregressor():
    X, t = make_dataset("regression", 300, noise=0.1, seed=0)
    options = dict(hidden_layer_sizes=(16,), tol=1e-3, n_iter_no_change=3, early_stopping=True, random_state=0)
    ours = DeltapropRegressor(epochs=400, learning_rate=0.01, **options).fit(X, t.ravel())
    theirs = MLPRegressor(max_iter=400, learning_rate_init=0.01, **options).fit(X, t.ravel())
    for model in (ours, theirs):
        assert model.n_iter_ < 400
        assert sklearn_stop_epoch(model.validation_scores_, True, 1e-3, 3) == model.n_iter_
        assert 0 < model.best_validation_score_ <= 1 and model.best_loss_ is None
    assert ours.best_validation_score_ > 0.5


def test_warm_start_continues_as_mlpclassifier_does(blobs):
    X, y = blobs
    runs = {}
    for name, model in (("ours", DeltapropClassifier((8,), epochs=5, learning_rate=0.01, random_state=0)),
                        ("theirs", MLPClassifier((8,), max_iter=5, learning_rate_init=0.01, random_state=0))):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.set_params(warm_start=True).fit(X, y)
            after_first = [c.copy() for c in model.coefs_]
            first_curve = list(model.loss_curve_)
            model.fit(X, y)
        runs[name] = model
        assert model.n_iter_ == 5 and len(model.loss_curve_) == 10 and model.t_ == 10 * len(X)
        assert model.loss_curve_[:5] == first_curve
        # it went on from where the first fit ended: its first epoch is far below the first fit's first epoch
        assert model.loss_curve_[5] < model.loss_curve_[4] + 0.5 * (model.loss_curve_[0] - model.loss_curve_[4])
        assert any(not np.array_equal(a, b) for a, b in zip(after_first, model.coefs_))
        with pytest.raises(ValueError, match="warm_start can only be used"):
            model.fit(X[y < 2], y[y < 2])
    ours = runs["ours"]
    cold = clone(ours).set_params(warm_start=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        cold.fit(X, y)
        again = clone(cold).fit(X, y)
    assert len(cold.loss_curve_) == 5 and cold.loss_curve_ == ours.loss_curve_[:5]
    assert all(np.array_equal(a, b) for a, b in zip(cold.coefs_, again.coefs_))


def test_coefs_and_intercepts_have_mlpclassifiers_layout(blobs):
    X, y = blobs
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = DeltapropClassifier((7, 5), epochs=3, random_state=0).fit(X, y)
        theirs = MLPClassifier((7, 5), max_iter=3, random_state=0).fit(X, y)
    assert [c.shape for c in ours.coefs_] == [c.shape for c in theirs.coefs_] == [(2, 7), (7, 5), (5, 3)]
    assert [b.shape for b in ours.intercepts_] == [b.shape for b in theirs.intercepts_]
    assert (ours.n_layers_, ours.n_outputs_, ours.out_activation_) == (theirs.n_layers_, theirs.n_outputs_,
                                                                       theirs.out_activation_) == (4, 3, "softmax")
    # MLPClassifier's forward pass written on coefs_/intercepts_ gives our probabilities
    a = X
    for W, b in zip(ours.coefs_[:-1], ours.intercepts_[:-1]):
        a = np.maximum(a @ W + b, 0)
    z = a @ ours.coefs_[-1] + ours.intercepts_[-1]
    expected = np.exp(z - z.max(axis=1, keepdims=True))
    np.testing.assert_allclose(ours.predict_proba(X), expected / expected.sum(axis=1, keepdims=True), rtol=1e-12)
    # they are the network's arrays: editing them changes the model, as in MLPClassifier
    ours.intercepts_[-1][0] += 100.0
    assert (ours.predict(X) == ours.classes_[0]).all()


def test_partial_fit_books_as_mlpclassifier(blobs):
    X, y = blobs
    for model in (DeltapropClassifier((8,), random_state=0), MLPClassifier((8,), random_state=0)):
        for _ in range(3):
            model.partial_fit(X, y, classes=[0, 1, 2])
        assert model.n_iter_ == 1 and model.t_ == 3 * len(X) and len(model.loss_curve_) == 3
        assert model.best_loss_ == min(model.loss_curve_)
        with pytest.raises(ValueError, match="partial_fit does not support early_stopping=True"):
            model.set_params(early_stopping=True).partial_fit(X, y)


def test_feature_names_as_every_estimator():
    pd = pytest.importorskip("pandas")
    X, y = make_dataset("moons", 100, seed=0)
    frame = pd.DataFrame(X, columns=["width", "height"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = DeltapropClassifier((4,), epochs=2, random_state=0).fit(frame, y)
        theirs = MLPClassifier((4,), max_iter=2, random_state=0).fit(frame, y)
    assert ours.n_features_in_ == theirs.n_features_in_ == 2
    assert list(ours.feature_names_in_) == list(theirs.feature_names_in_) == ["width", "height"]
    renamed = frame.rename(columns={"width": "w"})
    for model in (ours, theirs):
        with pytest.raises(ValueError, match="feature names"):
            model.predict(renamed)
    with pytest.raises(ValueError, match="X has 3 features"):
        ours.predict(np.zeros((2, 3)))


def _shape(line):
    return re.sub(r"\d+(\.\d+)?", "#", line)


def test_verbose_prints_mlpclassifiers_lines(capsys):
    X, y = make_dataset("moons", 200, noise=0.3, seed=0)
    shapes = {}
    for name, model in (("ours", DeltapropClassifier((4,), epochs=200, learning_rate=0.01, random_state=0)),
                        ("theirs", MLPClassifier((4,), max_iter=200, learning_rate_init=0.01, random_state=0))):
        model.set_params(verbose=True, early_stopping=True, n_iter_no_change=2, tol=0.01).fit(X, y)
        lines = capsys.readouterr().out.splitlines()
        assert len(lines) == 2 * model.n_iter_ + 1
        assert lines[0].startswith("Iteration 1, loss = ") and lines[1].startswith("Validation score: ")
        shapes[name] = {_shape(line) for line in lines}
    assert shapes["ours"] == shapes["theirs"] == {
        "Iteration #, loss = #", "Validation score: #",
        "Validation score did not improve more than tol=# for # consecutive epochs. Stopping."}


def test_convergence_warning_when_epochs_run_out(blobs):
    X, y = blobs
    for model in (DeltapropClassifier((4,), epochs=2, random_state=0), MLPClassifier((4,), max_iter=2)):
        with pytest.warns(ConvergenceWarning, match=r"Maximum iterations \(2\) reached"):
            model.fit(X, y)


@pytest.mark.parametrize("option, value, message", [
    ("tol", -1.0, "tol must be"), ("n_iter_no_change", 0, "n_iter_no_change must be"),
    ("validation_fraction", 1.0, "validation_fraction must be")])
def test_bad_options_are_named(blobs, option, value, message):
    X, y = blobs
    with pytest.raises(ValueError, match=message):
        DeltapropClassifier((4,), epochs=1, **{option: value}).fit(X, y)
    assert not hasattr(DeltapropClassifier(), "coefs_")


def test_batch_size_auto_is_mlpclassifiers_min_200_n(monkeypatch):
    import deltaprop.sklearn._base as module
    X, y = make_dataset("moons", 300, noise=0.2, seed=0)
    seen, fit = [], module._fit
    monkeypatch.setattr(module, "_fit", lambda network, X_, T, epochs, batch, *args, **kwargs: seen.append(batch)
                        or fit(network, X_, T, epochs, batch, *args, **kwargs))
    ours = DeltapropClassifier((4,), epochs=1, batch_size="auto", random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours.fit(X, y)
        ours.set_params(early_stopping=True).fit(X, y)          # 270 training rows after the split
        ours.set_params(early_stopping=False).fit(X[:50], y[:50])
    assert seen == [200, 200, 50]
