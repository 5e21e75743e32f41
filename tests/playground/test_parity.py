"""TensorFlow Playground parity and the page's diagnostics, at the engine level: input features, L1, more than
two classes, regenerate, the explained step's numbers, dead and saturated units counted on a hand-built network."""

import numpy as np
import pytest

from deltaprop import SGD, Network
from deltaprop.playground import schema
from deltaprop.playground.page_diagnosis import measure_units, warnings
from deltaprop.playground.features import featurize
from deltaprop.playground.schema import RequestError, validate_config
from deltaprop.playground.session import Session
from deltaprop.playground.walkthrough import explained_step


def test_features_set_the_input_size_and_are_computed_from_the_points():
    s = Session(validate_config({"features": ["x1", "x2", "x1^2", "x2^2", "x1x2", "sin(x1)", "sin(x2)"]}))
    assert s.network.sizes[0] == 7
    P = s.data.points_train
    assert np.allclose(s.data.X_train, np.column_stack([P[:, 0], P[:, 1], P[:, 0] ** 2, P[:, 1] ** 2,
                                                        P[:, 0] * P[:, 1], np.sin(P[:, 0]), np.sin(P[:, 1])]))
    s = Session(validate_config({"features": ["x2^2", "x1^2"], "hidden": [], "activations": []}))
    assert s.network.sizes == [2, 2] and s.config["features"] == ["x1^2", "x2^2"]      # canonical order


def test_squares_alone_separate_the_circles_without_a_hidden_layer():
    """x1² and x2² make the circles linearly separable: no hidden layer needed (with x1, x2 it is near chance)."""
    def accuracy(features):
        s = Session(validate_config({"dataset": "circles", "features": features, "hidden": [], "activations": [],
                                     "learning_rate": 0.3}))
        for _ in range(60):
            s.run_epoch()
        return s.losses()["test_accuracy"]
    assert accuracy(["x1^2", "x2^2"]) >= 0.95 and accuracy(["x1", "x2"]) < 0.75


@pytest.mark.parametrize("bad", [[], ["x3"], ["x1", "x1"], "x1", [1]])
def test_bad_features_are_refused(bad):
    with pytest.raises(RequestError, match="features must be"):
        validate_config({"features": bad})


def test_l1_adds_lambda_over_n_times_the_sign_of_each_weight():
    net = Network([2, 3, 1], ["tanh", "sigmoid"], seed=0)
    X, Y = np.array([[0.5, -1.0], [1.0, 0.2]]), np.array([[1.0], [0.0]])
    plain, l1 = net.copy(), net.copy()
    opt = SGD(0.1)
    opt.l1_decay = 0.05
    l1.train_step(X, Y, opt)
    grads = net.gradients(X, Y)
    for w, g, new in zip(net.weights, grads.weights, l1.weights):
        assert np.allclose(new, w - 0.1 * (g + 0.05 * np.sign(w)), rtol=1e-12)
    plain.train_step(X, Y, SGD(0.1))
    assert not np.allclose(plain.weights[0], l1.weights[0])


def test_three_and_four_class_blobs_use_a_softmax_output_and_learn():
    """A 3-class blobs run reaches 90 % test accuracy within 40 epochs (the default network, softmax output)."""
    s = Session(validate_config({"dataset": "blobs", "classes": 3, "noise": 0.1}))
    assert s.network.sizes[-1] == 3 and s.network.activations[-1] == "softmax"
    for _ in range(40):
        s.run_epoch()
    assert s.losses()["test_accuracy"] >= 0.9
    assert Session(validate_config({"dataset": "blobs", "classes": 4})).network.sizes[-1] == 4
    with pytest.raises(RequestError):
        validate_config({"dataset": "blobs", "classes": 5})


def test_regenerate_draws_a_new_sample_of_the_same_data():
    a = Session(validate_config({"dataset": "moons"})).data.points_train
    b = Session(validate_config({"dataset": "moons", "data_seed": 7})).data.points_train
    assert a.shape == b.shape and not np.allclose(a, b)


def test_discretize_is_a_view_setting_that_keeps_the_training():
    s = Session(validate_config({}))
    s.step()
    s.configure(validate_config({**s.config, "discretize": True}))
    assert s.steps == 1 and s.config["discretize"] is True


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
@pytest.mark.parametrize("trained", [False, True])
def test_the_explained_step_is_the_engines_step(optimizer, trained):
    s = Session(validate_config({"optimizer": optimizer, "learning_rate": 0.1, "hidden": [3, 2],
                                 "activations": ["tanh", "relu"], "features": ["x1", "x2", "x1x2"]}))
    s.step()
    if trained:
        before_net = s.before.copy()
    net, X, Y, idx = s.current_batch()
    data = explained_step(s, sample=2, lang="fr")
    stages = data["stages"]
    assert [st["stage"] for st in stages] == ["forward"] * 3 + ["cost", "bp1", "bp2", "bp2", "gradients", "update"]
    zs, acts = net.forward(X)
    grads = net.backward(Y, zs, acts)
    for l, st in enumerate(stages[:3], start=1):
        assert np.array_equal(st["z"], zs[l - 1][2]) and np.array_equal(st["a"], acts[l][2])
    assert np.array_equal(stages[4]["delta"], grads.deltas[2][2])
    assert np.array_equal(stages[5]["delta"], grads.deltas[1][2]) and np.array_equal(stages[6]["delta"], grads.deltas[0][2])
    for g, mine in zip(grads.weights, stages[7]["grad_weights"]):
        assert np.array_equal(g, mine)
    if not trained:           # the step the session's optimiser would make now, without making it
        s.set_weight(1, 0, 0, 0.25)          # a hand edit: the current batch becomes the next one, not yet trained
        steps = s.steps
        data = explained_step(s, sample=0)
        assert data["trained"] is False
        s.step()
        assert s.steps == steps + 1
        for w, mine in zip(s.network.weights, data["stages"][-1]["weights"]):
            assert np.array_equal(w, mine)
    else:
        for w, mine in zip(s.network.weights, stages[-1]["weights"]):
            assert np.array_equal(w, mine)
        assert all(np.array_equal(a, b) for a, b in zip(before_net.weights, stages[-1]["before_weights"]))
    assert stages[4]["title"].startswith("BP1") and "erreur" in stages[4]["title"]


def test_dead_and_saturated_units_are_counted_on_a_hand_built_network():
    net = Network([2, 4, 3, 1], ["relu", "sigmoid", "sigmoid"], seed=0)
    net.layers[0].weights[:] = [[1, 1], [-1, -1], [-2, 0], [0.5, -0.5]]
    net.layers[0].biases[:] = [0, -3, -3, 0]                    # units 2 and 3: z < 0 for every x in [−1, 1]²
    net.layers[1].weights[:] = [[20, 0, 0, 0], [0, 0, 0, 0.1], [-20, 0, 0, 0]]
    net.layers[1].biases[:] = [12, 0, -12]                      # units 1 and 3: |z| ≥ 12 − 20·… → saturated
    X = np.random.default_rng(0).uniform(-0.3, 0.3, (200, 2))
    Y = np.zeros((200, 1))
    norms, saturated, dead = measure_units(net, X, Y)
    assert dead == [2, None, None] and saturated[1] == 2 and len(norms) == 3


def test_warnings_name_the_lesson_that_explains_them():
    s = Session(validate_config({"hidden": [4], "activations": ["relu"]}))
    s.network.layers[0].biases[:] = -10.0                       # every unit dead
    s.network.layers[0].weights[:] = 0.1
    s._record()
    found = warnings(s)
    assert found and found[0]["kind"] == "dead" and found[0]["lesson"] == "dead-relu" and found[0]["count"] == 4
    assert schema.DEFAULTS["features"] == ["x1", "x2"] and featurize([[2.0, 3.0]], ["x1x2"]).tolist() == [[6.0]]
