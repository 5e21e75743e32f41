"""The four trainers of ``benchmarks/tta.py``, each its own engine's best way to run one setting of the grid.

A setting is a dict: ``sizes`` (relu hidden layers, softmax + cross-entropy output), ``batch``, ``lr`` (η),
``cosine`` (None: η constant; E: η follows a cosine from ``lr`` to 0 over E epochs, epoch 1 at ``lr``, as
``deltaprop.core.schedules.Cosine``) and ``seed``.  Every engine starts from the same He-normal weights
(:func:`he_normal`) and visits the samples in the same orders (``default_rng(seed).permutation`` per epoch), so
they take the same steps up to float rounding and the race is one of speed.  A trainer calls
``report(epoch, predict)`` after every epoch and stops when it returns True.
"""

from __future__ import annotations

import math
import os


class Unsupported(Exception):
    """The engine cannot express the setting (the worker reports it, with this reason, and trains nothing)."""


def he_normal(sizes, seed):
    """Initial weights and biases, He-normal, float32, the same for every engine."""
    import numpy as np
    rng = np.random.default_rng(seed)
    return [(rng.normal(0.0, np.sqrt(2.0 / n_in), (n_out, n_in)).astype(np.float32), np.zeros(n_out, np.float32))
            for n_in, n_out in zip(sizes[:-1], sizes[1:])]


def rate(s, epoch):
    """η for ``epoch`` (1-based) under setting ``s``."""
    if not s.get("cosine"):
        return s["lr"]
    return s["lr"] * 0.5 * (1.0 + math.cos(math.pi * min(epoch - 1, s["cosine"]) / s["cosine"]))


def epochs_for(s, max_epochs):
    """A cosine setting runs its E epochs (η reaches 0 there); a constant one up to ``max_epochs``."""
    return s.get("cosine") or max_epochs


def deltaprop_engine(X, y, s, epochs, report):
    import numpy as np
    from deltaprop import Network
    from deltaprop.core.schedules import Cosine
    net = Network(s["sizes"], ["relu"] * (len(s["sizes"]) - 2) + ["softmax"], loss="cross-entropy",
                  dtype=np.float32)
    for layer, (w, b) in zip(net.layers, he_normal(s["sizes"], s["seed"])):
        layer.weights[...], layer.biases[...] = w, b

    def callback(epoch, record):
        if report(epoch, net.predict):
            raise StopIteration
    try:
        history = net.fit(X, y, epochs=epochs, batch_size=s["batch"], learning_rate=s["lr"], seed=s["seed"],
                          schedule=Cosine(s["cosine"]) if s.get("cosine") else None, callback=callback)
        return history.engine_note
    except StopIteration:
        return "stopped at the target"


def torch_engine(X, y, s, epochs, report):
    import numpy as np
    import torch
    from torch import nn
    torch.set_num_threads(os.cpu_count() or 1)
    layers = []
    for w, b in he_normal(s["sizes"], s["seed"]):
        linear = nn.Linear(w.shape[1], w.shape[0])
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(w))
            linear.bias.copy_(torch.from_numpy(b))
        layers += [linear, nn.ReLU()]
    model = nn.Sequential(*layers[:-1])
    optimizer = torch.optim.SGD(model.parameters(), lr=s["lr"])
    loss_fn = nn.CrossEntropyLoss()
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    rng = np.random.default_rng(s["seed"])

    def predict(X_test):
        with torch.inference_mode():
            return model(torch.from_numpy(X_test)).numpy()
    for epoch in range(1, epochs + 1):
        for group in optimizer.param_groups:
            group["lr"] = rate(s, epoch)
        order = torch.from_numpy(rng.permutation(X.shape[0]))
        for start in range(0, X.shape[0], s["batch"]):
            idx = order[start:start + s["batch"]]
            loss = loss_fn(model(Xt[idx]), yt[idx])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        if report(epoch, predict):
            break
    return f"torch {torch.__version__}, {torch.get_num_threads()} threads"


def jax_engine(X, y, s, epochs, report):
    import jax
    import jax.numpy as jnp
    import numpy as np
    params = [(jnp.asarray(w), jnp.asarray(b)) for w, b in he_normal(s["sizes"], s["seed"])]
    batch = s["batch"]

    def forward(params, x):
        for w, b in params[:-1]:
            x = jax.nn.relu(x @ w.T + b)
        w, b = params[-1]
        return x @ w.T + b

    def loss_fn(params, x, t):
        return -jnp.sum(t * jax.nn.log_softmax(forward(params, x))) / x.shape[0]

    def step(params, x, t, lr):
        grads = jax.grad(loss_fn)(params, x, t)
        return [(w - lr * gw, b - lr * gb) for (w, b), (gw, gb) in zip(params, grads)]

    @jax.jit
    def epoch_fn(params, Xd, T, order, lr):          # η is an argument: one compile for every epoch's rate
        rows = order[:order.shape[0] // batch * batch].reshape(-1, batch)
        return jax.lax.scan(lambda p, r: (step(p, Xd[r], T[r], lr), None), params, rows)[0]
    tail = jax.jit(step)
    Xd, T = jnp.asarray(X), jnp.asarray(np.eye(10, dtype=np.float32)[y])
    predict_fn = jax.jit(forward)
    rng = np.random.default_rng(s["seed"])
    for epoch in range(1, epochs + 1):
        lr = jnp.float32(rate(s, epoch))
        order = rng.permutation(X.shape[0])
        params = epoch_fn(params, Xd, T, jnp.asarray(order), lr)
        if X.shape[0] % batch:
            rest = jnp.asarray(order[X.shape[0] // batch * batch:])
            params = tail(params, Xd[rest], T[rest], lr)
        jax.block_until_ready(params)
        if report(epoch, lambda X_test: np.asarray(predict_fn(params, jnp.asarray(X_test)))):
            break
    return f"JAX {jax.__version__}, jit + scan epoch"


def sklearn_engine(X, y, s, epochs, report):
    import warnings
    import numpy as np
    from sklearn.neural_network import MLPClassifier
    if s.get("cosine"):
        raise Unsupported("MLPClassifier's partial_fit keeps one learning rate (no per-epoch schedule)")
    model = MLPClassifier(hidden_layer_sizes=tuple(s["sizes"][1:-1]), activation="relu", solver="sgd", alpha=0.0,
                          batch_size=s["batch"], learning_rate_init=s["lr"], momentum=0.0, nesterovs_momentum=False,
                          shuffle=True, random_state=s["seed"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for epoch in range(1, epochs + 1):
            model.partial_fit(X, y, classes=np.arange(10))
            if report(epoch, model.predict_proba):
                break
    return "MLPClassifier, partial_fit per epoch (its own Glorot initialisation and shuffling)"


TRAINERS = {"deltaprop": deltaprop_engine, "torch": torch_engine, "jax": jax_engine, "sklearn": sklearn_engine}
