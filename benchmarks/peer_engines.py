"""The peers deltaprop is timed against, one routine each: PyTorch eager, scikit-learn, Nielsen's loop, JAX.

Each trains the same network as ``engines.run_deltaprop`` (same sizes, initial weights, permutations, float32) and
returns the same dict (see ``engines.py``).  Each runs in its own process (``bench.py``).
"""

from __future__ import annotations

import time

import numpy as np

from measure import CONFIGS, SEED, current_rss_mb, initial_network, median_predict_ms, numpy_blas_threads, peak_rss_mb


# ----------------------------------------------------------------------- PyTorch
def run_torch(config, batch, X, y, X_test, epochs, warmup):
    """Eager PyTorch on the CPU: nn.Sequential, float32, same initial weights, same shuffled batches."""
    import torch
    from torch import nn
    from torch.nn import functional as F

    threads = numpy_blas_threads()
    if threads:
        torch.set_num_threads(threads)
    net = initial_network(config)
    sizes, activations, loss_name, lr = CONFIGS[config]
    modules = []
    for layer in net.layers:
        linear = nn.Linear(layer.n_in, layer.n_out)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(layer.weights))
            linear.bias.copy_(torch.from_numpy(layer.biases))
        modules.append(linear)
        name = layer.activation.name
        if name == "sigmoid":
            modules.append(nn.Sigmoid())
        elif name == "relu":
            modules.append(nn.ReLU())
        # softmax output: folded into nn.CrossEntropyLoss (log-softmax + NLL), the idiomatic form
    model = nn.Sequential(*modules)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    Xt = torch.from_numpy(X)
    if loss_name == "quadratic":
        Yt = torch.from_numpy(np.eye(sizes[-1], dtype=np.float32)[y])

        def loss_fn(out, target):                          # ½‖a − y‖², batch mean
            return F.mse_loss(out, target, reduction="sum") * (0.5 / out.shape[0])
    else:
        Yt = torch.from_numpy(y)
        loss_fn = nn.CrossEntropyLoss()
    n = X.shape[0]
    rng = np.random.default_rng(SEED)          # deltaprop's fit draws its permutations the same way
    times, rss = [], []
    for i in range(warmup + epochs):
        start = time.perf_counter()
        order = torch.from_numpy(rng.permutation(n))
        total = 0.0
        for s in range(0, n, batch):
            idx = order[s:s + batch]
            xb, yb = Xt[idx], Yt[idx]
            loss = loss_fn(model(xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * xb.shape[0]
        times.append(time.perf_counter() - start)
        rss.append(current_rss_mb())
    Xtest = torch.from_numpy(X_test)

    def predict(data):
        with torch.inference_mode():
            out = model(data)
            return torch.softmax(out, dim=1) if loss_name == "cross-entropy" else out

    return {"epoch_times": times[warmup:], "rss_mb": rss, "peak_rss_mb": peak_rss_mb(),
            "predict_ms": median_predict_ms(predict, Xtest), "threads": torch.get_num_threads(),
            "final_loss": total / n}


# ------------------------------------------------------------------ scikit-learn
def run_sklearn(config, batch, X, y, X_test, epochs, warmup):
    """MLPClassifier, plain SGD, one ``partial_fit`` = one shuffled epoch.  Its output is always
    softmax + log-loss, so config A (sigmoid + quadratic) is timed with a softmax output instead."""
    import warnings

    from sklearn.neural_network import MLPClassifier

    sizes, activations, loss_name, lr = CONFIGS[config]
    model = MLPClassifier(hidden_layer_sizes=tuple(sizes[1:-1]),
                          activation="logistic" if activations[0] == "sigmoid" else "relu",
                          solver="sgd", alpha=0.0, batch_size=batch, learning_rate_init=min(lr, 0.1),
                          momentum=0.0, nesterovs_momentum=False, shuffle=True, random_state=SEED)
    classes = np.arange(sizes[-1])
    times, rss = [], []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i in range(warmup + epochs):
            start = time.perf_counter()
            model.partial_fit(X, y, classes=classes)
            times.append(time.perf_counter() - start)
            rss.append(current_rss_mb())
    return {"epoch_times": times[warmup:], "rss_mb": rss, "peak_rss_mb": peak_rss_mb(),
            "predict_ms": median_predict_ms(model.predict_proba, X_test),
            "dtype": str(model.coefs_[0].dtype),
            "note": "softmax + log-loss output (sklearn cannot express sigmoid + quadratic)"
                    if config == "A" else ""}


# ------------------------------------------------------------------------ Nielsen
def run_nielsen(config, batch, X, y, X_test, epochs, warmup, subset=6000):
    """Nielsen's per-sample loop (``nielsen.py``), timed on ``subset`` samples and scaled to the epoch."""
    from nielsen import NielsenNetwork, training_data

    net = initial_network(config)
    nielsen = NielsenNetwork(net.weights, net.biases)
    subset = min(subset, X.shape[0])
    data = training_data(X[:subset], y[:subset])
    lr = CONFIGS[config][3]
    rng = np.random.default_rng(SEED)
    nielsen.update_mini_batch(data[:batch], lr)                # warm-up
    times, rss = [], []
    for i in range(epochs):
        start = time.perf_counter()
        nielsen.SGD_epoch(data, batch, lr, rng)
        times.append((time.perf_counter() - start) * X.shape[0] / subset)
        rss.append(current_rss_mb())
    return {"epoch_times": times, "rss_mb": rss, "peak_rss_mb": peak_rss_mb(), "subset": subset,
            "note": f"timed on {subset} samples, scaled ×{X.shape[0] / subset:g}"}


# --------------------------------------------------------------------------- JAX
def run_jax(config, batch, X, y, X_test, epochs, warmup):
    """JAX on the CPU with the whole epoch compiled: ``jax.jit`` of a ``lax.scan`` over the batches (no Python per
    batch); same initial weights, same permutations as deltaprop, float32, plain SGD.  The last, shorter batch of
    an epoch is one more jitted step.  Compile time falls in the warm-up epoch."""
    import jax
    import jax.numpy as jnp

    net = initial_network(config)
    sizes, activations, loss_name, lr = CONFIGS[config]
    params = [(jnp.asarray(layer.weights), jnp.asarray(layer.biases)) for layer in net.layers]
    hidden = jax.nn.sigmoid if activations[0] == "sigmoid" else jax.nn.relu

    def forward(params, x):                    # pre-activation of the output layer
        for w, b in params[:-1]:
            x = hidden(x @ w.T + b)
        w, b = params[-1]
        return x @ w.T + b

    def loss_fn(params, x, t):
        z = forward(params, x)
        if loss_name == "quadratic":                       # sigmoid output, ½‖a − y‖², batch mean
            return 0.5 * jnp.sum((jax.nn.sigmoid(z) - t) ** 2) / x.shape[0]
        return -jnp.sum(t * jax.nn.log_softmax(z)) / x.shape[0]

    grad = jax.value_and_grad(loss_fn)

    def step(params, xb, tb):
        loss, g = grad(params, xb, tb)
        return [(w - lr * gw, b - lr * gb) for (w, b), (gw, gb) in zip(params, g)], loss

    @jax.jit
    def epoch(params, X, T, order):
        n_full = order.shape[0] // batch
        idx = order[:n_full * batch].reshape(n_full, batch)

        def body(params, rows):
            params, loss = step(params, X[rows], T[rows])
            return params, loss
        return jax.lax.scan(body, params, idx)

    tail_step = jax.jit(step)
    Xd = jnp.asarray(X)
    T = jnp.asarray(np.eye(sizes[-1], dtype=np.float32)[y])
    n = X.shape[0]
    rng = np.random.default_rng(SEED)          # deltaprop's fit draws its permutations the same way
    times, rss = [], []
    for i in range(warmup + epochs):
        start = time.perf_counter()
        order = rng.permutation(n)
        params, losses = epoch(params, Xd, T, jnp.asarray(order))
        if n % batch:
            rest = jnp.asarray(order[n - n % batch:])
            params, _ = tail_step(params, Xd[rest], T[rest])
        jax.block_until_ready(params)
        times.append(time.perf_counter() - start)
        rss.append(current_rss_mb())
    Xtest = jnp.asarray(X_test)
    predict = jax.jit(lambda data: jax.nn.softmax(forward(params, data)) if loss_name != "quadratic"
                      else jax.nn.sigmoid(forward(params, data)))
    return {"epoch_times": times[warmup:], "rss_mb": rss, "peak_rss_mb": peak_rss_mb(),
            "predict_ms": median_predict_ms(lambda d: jax.block_until_ready(predict(d)), Xtest),
            "final_loss": float(losses.mean()), "version": jax.__version__}
