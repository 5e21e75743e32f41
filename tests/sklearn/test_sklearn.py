import warnings

import numpy as np
import pytest

pytest.importorskip("sklearn")

from sklearn.model_selection import GridSearchCV, train_test_split  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.utils.estimator_checks import check_estimator  # noqa: E402

from deltaprop.data import make_dataset  # noqa: E402
from deltaprop.sklearn import DeltapropClassifier, DeltapropRegressor  # noqa: E402


@pytest.mark.parametrize("estimator", [DeltapropClassifier(random_state=0), DeltapropRegressor(random_state=0)],
                         ids=["classifier", "regressor"])
def test_check_estimator(estimator):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = check_estimator(estimator, on_fail=None)
    failed = [(r["check_name"], str(r["exception"])[:200]) for r in results if r["status"] == "failed"]
    assert failed == []
    assert sum(r["status"] == "passed" for r in results) > 40


def test_pipeline_and_grid_search():
    X, y = make_dataset("moons", 300, noise=0.1, seed=0)
    labels = np.array(["north", "south"])[y]
    X_train, X_test, y_train, y_test = train_test_split(X, labels, random_state=0)
    pipe = make_pipeline(StandardScaler(), DeltapropClassifier(hidden_layer_sizes=(16,), epochs=40, random_state=0))
    search = GridSearchCV(pipe, {"deltapropclassifier__learning_rate": [1e-4, 1e-2]}, cv=3)
    search.fit(X_train, y_train)
    assert search.best_params_ == {"deltapropclassifier__learning_rate": 1e-2}
    assert search.score(X_test, y_test) > 0.9
    assert set(search.predict(X_test)) <= {"north", "south"}
    proba = search.predict_proba(X_test)
    assert proba.shape == (len(X_test), 2) and np.allclose(proba.sum(axis=1), 1)


def test_partial_fit_and_params():
    X, y = make_dataset("blobs", 150, seed=0)
    clf = DeltapropClassifier(hidden_layer_sizes=(8,), optimizer="momentum", learning_rate=0.05, random_state=0)
    with pytest.raises(ValueError, match="needs classes"):
        clf.partial_fit(X, y)
    for _ in range(15):
        clf.partial_fit(X, y, classes=[0, 1, 2])
    assert len(clf.loss_curve_) == 15 and clf.loss_curve_[-1] < clf.loss_curve_[0]
    assert clf.score(X, y) > 0.9
    assert clf.set_params(epochs=3).get_params()["epochs"] == 3


def test_regressor_fits_a_surface():
    X, t = make_dataset("regression", 400, noise=0.0, seed=0)
    reg = DeltapropRegressor(hidden_layer_sizes=(32, 32), activation="tanh", learning_rate=0.01, epochs=150,
                             random_state=0).fit(X, t.ravel())
    assert reg.predict(X).shape == (400,) and reg.score(X, t.ravel()) > 0.9
    reg2 = DeltapropRegressor(hidden_layer_sizes=(8,), epochs=2, random_state=0).fit(X, np.column_stack([t, -t]))
    assert reg2.predict(X).shape == (400, 2)
