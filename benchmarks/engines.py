"""One timing routine per engine; each runs in its own process (see ``bench.py``) so its memory is its own.

Every routine trains the same network (same sizes, same initial weights,
float32) on the same data and returns a dict with ``epoch_times`` (seconds,
warm-up excluded), ``rss_mb`` after each epoch, ``peak_rss_mb`` and, where the
engine has one, ``predict_ms`` for 10,000 samples.
"""

from __future__ import annotations

import os
import resource
import statistics
import time

import numpy as np

CONFIGS = {
    # name: sizes, activations, loss, learning rate
    "A": ([784, 30, 10], ["sigmoid", "sigmoid"], "quadratic", 3.0),
    "B": ([784, 256, 128, 10], ["relu", "relu", "softmax"], "cross-entropy", 0.05),
    "C": ([784, 1024, 1024, 10], ["relu", "relu", "softmax"], "cross-entropy", 0.05),
}
SEED = 0
N_PREDICT = 10_000


def flops_per_epoch(sizes, n):
    """Multiply-adds × 2 of the matrix products one epoch needs: forward, BP4, and BP2 below the output."""
    products = [a * b for a, b in zip(sizes[:-1], sizes[1:])]
    return 2.0 * n * (2 * sum(products) + sum(products[1:]))


def current_rss_mb():
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024     # kB on Linux


def numpy_blas_threads():
    """NumPy's BLAS thread count (threadpoolctl), or None when threadpoolctl is missing."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return None
    for pool in threadpool_info():
        if pool["user_api"] == "blas" and "numpy" in pool["filepath"]:
            return pool["num_threads"]
    return None


def cpu_model():
    """The CPU's model name (from /proc/cpuinfo), e.g. "Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz"."""
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    import platform
    return platform.processor() or platform.machine()


def blas_name():
    """The BLAS NumPy uses, e.g. "scipy-openblas 0.3.29" (threadpoolctl), or what NumPy's config says."""
    try:
        from threadpoolctl import threadpool_info
        for pool in threadpool_info():
            if pool["user_api"] == "blas":
                return f"{pool.get('internal_api', 'blas')} {pool.get('version', '')}".strip()
    except ImportError:
        pass
    info = np.show_config(mode="dicts") if "mode" in np.show_config.__code__.co_varnames else {}
    return str(info.get("Build Dependencies", {}).get("blas", {}).get("name", "unknown BLAS"))


def initial_network(config):
    """The deltaprop network every engine starts from (float32, seed 0)."""
    from deltaprop import Network
    sizes, activations, loss, _ = CONFIGS[config]
    return Network(sizes, activations, loss=loss, seed=SEED, dtype=np.float32)


def _median_predict_ms(predict, X, repeats=5):
    predict(X)                                              # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        predict(X)
        times.append(time.perf_counter() - start)
    return 1e3 * statistics.median(times)


# --------------------------------------------------------------------- deltaprop
def run_deltaprop(config, batch, X, y, X_test, epochs, warmup, engine="auto"):
    """The public training path: ``Network.fit`` (``engine="auto"``: the compiled epoch when numba is installed);
    per-epoch times from its callback."""
    net = initial_network(config)
    lr = CONFIGS[config][3]
    times, rss = [], []
    clock = [time.perf_counter()]

    def on_epoch(epoch, record):
        now = time.perf_counter()
        times.append(now - clock[0])
        rss.append(current_rss_mb())
        clock[0] = now

    ready_s = _kernel_ready_seconds(net, X, batch) if engine == "auto" else None
    history = net.fit(X, y, epochs=warmup + epochs, batch_size=batch, learning_rate=lr, seed=SEED,
                      callback=on_epoch, engine=engine)
    return {"epoch_times": times[warmup:], "rss_mb": rss, "peak_rss_mb": peak_rss_mb(), "engine": history.engine,
            "engine_note": history.engine_note, "kernel_ready_s": ready_s,
            "predict_ms": _median_predict_ms(net.predict, X_test),
            "final_loss": history["loss"][-1], "final_accuracy": history["accuracy"][-1]}


def _kernel_ready_seconds(net, X, batch):
    """Make the compiled kernel of this run ready before timing (as ``deltaprop warmup`` does ahead of a run; JAX
    compiles in its warm-up epoch): seconds taken, None when the run cannot use the compiled epoch."""
    from deltaprop.fast import compiled_epoch as compiled
    from deltaprop.core.optimizers import SGD
    try:
        from deltaprop.fast import compiled_warmup
    except ImportError:                     # an older deltaprop (benchmarks/ab.py): it compiles in the warm-up epoch
        return None
    if compiled.unsupported(net, SGD(0.1), False) is not None:
        return None
    Y = np.zeros((X.shape[0], net.sizes[-1]), net.dtype)
    return compiled_warmup.prepare(net, X, Y, batch, wait=True).seconds


# ------------------------------------------------------------------ matmul floor
def run_floor(config, batch, X, y, X_test, epochs, warmup):
    """Exactly the matrix products of a training epoch, into preallocated outputs, nothing else."""
    net = initial_network(config)
    W = net.weights
    L = len(W)
    n = X.shape[0]
    rng = np.random.default_rng(SEED)

    def buffers(m):
        z = [None] + [np.empty((m, w.shape[0]), np.float32) for w in W]
        delta = [None] + [0.01 * rng.standard_normal((m, w.shape[0])).astype(np.float32) for w in W]
        return z, delta

    shapes = {batch: buffers(batch)}
    if n % batch:
        shapes[n % batch] = buffers(n % batch)
    grads = [np.empty_like(w) for w in W]

    def epoch():
        for start in range(0, n, batch):
            xb = X[start:start + batch]
            z, delta = shapes[xb.shape[0]]
            a = xb
            for l in range(1, L + 1):                               # forward
                np.matmul(a, W[l - 1].T, out=z[l])
                a = z[l]
            for l in range(L, 0, -1):
                np.matmul(delta[l].T, xb if l == 1 else z[l - 1], out=grads[l - 1])     # BP4
                if l > 1:
                    np.matmul(delta[l], W[l - 1], out=delta[l - 1])                   # BP2

    times, rss = [], []
    for i in range(warmup + epochs):
        start = time.perf_counter()
        epoch()
        times.append(time.perf_counter() - start)
        rss.append(current_rss_mb())
    return {"epoch_times": times[warmup:], "rss_mb": rss, "peak_rss_mb": peak_rss_mb()}


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
            "predict_ms": _median_predict_ms(predict, Xtest), "threads": torch.get_num_threads(),
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
            "predict_ms": _median_predict_ms(model.predict_proba, X_test),
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
            "predict_ms": _median_predict_ms(lambda d: jax.block_until_ready(predict(d)), Xtest),
            "final_loss": float(losses.mean()), "version": jax.__version__}


def run_deltaprop_numpy(config, batch, X, y, X_test, epochs, warmup):
    """The readable NumPy path alone (``engine="numpy"``), for comparison with the compiled epoch."""
    return run_deltaprop(config, batch, X, y, X_test, epochs, warmup, engine="numpy")


ENGINES = {
    "deltaprop": run_deltaprop,
    "deltaprop-numpy": run_deltaprop_numpy,
    "jax": run_jax,
    "torch": run_torch,
    "sklearn": run_sklearn,
    "nielsen": run_nielsen,
    "floor": run_floor,
}
