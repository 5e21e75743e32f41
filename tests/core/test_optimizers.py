import numpy as np
import pytest

from deltaprop.core.optimizers import SGD, Adam, Momentum, Nesterov, get_optimizer
from deltaprop.core.schedules import Constant, Cosine, Step, get_schedule


def _run(optimizer, steps=5, seed=0):
    rng = np.random.default_rng(seed)
    params = [rng.standard_normal((3, 4)), rng.standard_normal(3)]
    grads_seq = [[rng.standard_normal((3, 4)), rng.standard_normal(3)] for _ in range(steps)]
    for grads in grads_seq:
        optimizer.step(params, [g.copy() for g in grads])
    return params, grads_seq


@pytest.mark.torch
@pytest.mark.parametrize("ours, theirs", [
    (lambda: Momentum(0.1, momentum=0.8), lambda t, p: t.optim.SGD(p, lr=0.1, momentum=0.8)),
    (lambda: Nesterov(0.1, momentum=0.8), lambda t, p: t.optim.SGD(p, lr=0.1, momentum=0.8, nesterov=True)),
    (lambda: Adam(0.01), lambda t, p: t.optim.Adam(p, lr=0.01, betas=(0.9, 0.999), eps=1e-8)),
])
def test_matches_pytorch(torch, ours, theirs):
    params, grads_seq = _run(ours())
    rng = np.random.default_rng(0)
    tensors = [torch.tensor(rng.standard_normal((3, 4)), requires_grad=True),
               torch.tensor(rng.standard_normal(3), requires_grad=True)]
    opt = theirs(torch, tensors)
    for grads in grads_seq:
        for t, g in zip(tensors, grads):
            t.grad = torch.tensor(g)
        opt.step()
    for ours_p, theirs_p in zip(params, tensors):
        np.testing.assert_allclose(ours_p, theirs_p.detach().numpy(), rtol=1e-12, atol=1e-12)


def test_weight_decay_is_nielsens_form_on_weights_only():
    w, b = np.ones((2, 2)), np.ones(2)
    gw, gb = np.full((2, 2), 0.5), np.full(2, 0.5)
    eta, lam, n = 0.1, 5.0, 50
    SGD(eta, weight_decay=lam / n).step([w, b], [gw, gb])
    np.testing.assert_allclose(w, (1 - eta * lam / n) * 1.0 - eta * 0.5)     # w ← (1 − ηλ/n)w − η∂C₀/∂w
    np.testing.assert_allclose(b, 1.0 - eta * 0.5)                            # biases are not decayed


@pytest.mark.parametrize("make", [lambda: SGD(0.1), lambda: Momentum(0.1, 0.9), lambda: Nesterov(0.05, 0.5),
                                  lambda: Adam(0.01, weight_decay=0.01)])
def test_state_dict_restores_exactly(make):
    first = make()
    params, grads_seq = _run(first, steps=3)
    twin = make()
    twin.load_state_dict(first.state_dict(), params)
    a = [p.copy() for p in params]
    b = [p.copy() for p in params]
    for g in grads_seq:
        first.step(a, [x.copy() for x in g])
        twin.step(b, [x.copy() for x in g])
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
    assert twin.steps == first.steps == 6


def test_state_dict_is_plain_and_validated():
    opt = Adam(0.01)
    params, _ = _run(opt, steps=1)
    state = opt.state_dict()
    assert state["name"] == "adam" and state["steps"] == 1 and set(state["state"][0]) == {"m", "v"}
    with pytest.raises(ValueError, match="is for 'adam', not 'sgd'"):
        SGD(0.1).load_state_dict(state)
    state["state"][0]["m"] = np.zeros((5, 5))
    with pytest.raises(ValueError, match="has shape \\(5, 5\\)"):
        Adam(0.01).load_state_dict(state, params)


def test_get_optimizer_validates_names_and_options():
    assert isinstance(get_optimizer("Nesterov", 0.1, momentum=0.5), Nesterov)
    with pytest.raises(ValueError, match="valid: sgd, momentum, nesterov, adam"):
        get_optimizer("rmsprop", 0.1)
    with pytest.raises(ValueError, match="does not take momentum"):
        get_optimizer("adam", 0.1, momentum=0.9)
    with pytest.raises(ValueError, match="learning_rate must be a positive"):
        get_optimizer("sgd", -1.0)
    with pytest.raises(ValueError, match="momentum must be in"):
        Momentum(0.1, momentum=1.5)


def test_schedules():
    assert get_schedule(None, 10).rate(5, 0.1) == 0.1 and isinstance(get_schedule("constant", 3), Constant)
    step = get_schedule("step:2:0.5", 10)
    assert isinstance(step, Step) and [step.rate(e, 1.0) for e in range(1, 6)] == [1, 1, 0.5, 0.5, 0.25]
    cosine = get_schedule("cosine", 4)
    assert isinstance(cosine, Cosine)
    np.testing.assert_allclose([cosine.rate(e, 1.0) for e in range(1, 5)],
                               [1.0, (1 + np.cos(np.pi / 4)) / 2, 0.5, (1 + np.cos(3 * np.pi / 4)) / 2])
    assert get_schedule("cosine:0.1", 4).rate(1, 1.0) == 1.0 and get_schedule("cosine:0.1", 4).rate(99, 1.0) == 0.1
    for bad in ("linear", "step", "step:x", "step:1.5", "cosine:1:2"):
        with pytest.raises(ValueError):
            get_schedule(bad, 10)
