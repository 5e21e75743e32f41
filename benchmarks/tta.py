"""Time to accuracy: wall time from process start to a test accuracy of 0.88 and 0.90 on Fashion-MNIST.

    python benchmarks/tta.py                                # deltaprop, PyTorch, JAX, scikit-learn
    python benchmarks/tta.py --engines deltaprop,torch --max-epochs 30 --json tta.json

Each engine runs in a new Python process; the clock starts when the driver starts that process, so Python's
start, the imports, reading the IDX files, compiling (numba, XLA) and every epoch count.  The test accuracy is
measured after every epoch on the 10,000 test images; that evaluation is the same for every engine and its time
is *not* counted (it is reported).  Every engine trains the same model the same way -- the settings below, the
fastest to 0.90 of those tried for deltaprop's compiled epoch -- with each engine's own best way to run it:

* deltaprop: ``Network.fit`` (``engine="auto"``: the compiled epoch, or the NumPy path while its kernel is not
  ready; the note says which ran);
* PyTorch eager (``nn.Sequential``, ``torch.optim.SGD``), ``torch.set_num_threads`` = the cores;
* JAX: the whole epoch ``jax.jit``-compiled (a ``lax.scan`` over the batches), compile time included;
* scikit-learn ``MLPClassifier(solver="sgd", momentum=0)``, one ``partial_fit`` per epoch.

Like bench.py it runs with ``OPENBLAS_CORETYPE`` / ``OPENBLAS_L2_SIZE`` unset.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import machine  # noqa: E402

ENGINES = ("deltaprop", "torch", "jax", "sklearn")
TARGETS = (0.88, 0.90)
SETTINGS = {"sizes": [784, 256, 10], "lr": 0.1, "batch": 32, "seed": 0}      # relu, softmax + cross-entropy, SGD


def he_normal(sizes, seed):
    """Initial weights and biases, He-normal, float32, the same for PyTorch, JAX and scikit-learn."""
    import numpy as np
    rng = np.random.default_rng(seed)
    return [(rng.normal(0.0, np.sqrt(2.0 / n_in), (n_out, n_in)).astype(np.float32), np.zeros(n_out, np.float32))
            for n_in, n_out in zip(sizes[:-1], sizes[1:])]


# ------------------------------------------------------------------------------------------------ engines
def deltaprop_engine(X, y, epochs, report):
    import numpy as np
    from deltaprop import Network
    s = SETTINGS
    net = Network(s["sizes"], ["relu", "softmax"], loss="cross-entropy", init="he-normal", seed=s["seed"],
                  dtype=np.float32)

    def callback(epoch, record):
        if report(epoch, lambda X_test: net.predict(X_test)):
            raise StopIteration
    try:
        history = net.fit(X, y, epochs=epochs, batch_size=s["batch"], learning_rate=s["lr"], seed=s["seed"],
                          callback=callback)
        return history.engine_note
    except StopIteration:
        return "stopped at the target"


def torch_engine(X, y, epochs, report):
    import numpy as np
    import torch
    from torch import nn
    torch.set_num_threads(os.cpu_count() or 1)
    s = SETTINGS
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
    for epoch in range(1, epochs + 1):
        order = torch.from_numpy(rng.permutation(X.shape[0]))
        for start in range(0, X.shape[0], s["batch"]):
            idx = order[start:start + s["batch"]]
            loss = loss_fn(model(Xt[idx]), yt[idx])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()

        def predict(X_test):
            with torch.inference_mode():
                return model(torch.from_numpy(X_test)).numpy()
        if report(epoch, predict):
            return f"torch {torch.__version__}, {torch.get_num_threads()} threads"
    return f"torch {torch.__version__}"


def jax_engine(X, y, epochs, report):
    import jax
    import jax.numpy as jnp
    import numpy as np
    s = SETTINGS
    params = [(jnp.asarray(w), jnp.asarray(b)) for w, b in he_normal(s["sizes"], s["seed"])]
    batch, lr = s["batch"], s["lr"]

    def forward(params, x):
        for w, b in params[:-1]:
            x = jax.nn.relu(x @ w.T + b)
        w, b = params[-1]
        return x @ w.T + b

    def loss_fn(params, x, t):
        return -jnp.sum(t * jax.nn.log_softmax(forward(params, x))) / x.shape[0]

    def step(params, x, t):
        grads = jax.grad(loss_fn)(params, x, t)
        return [(w - lr * gw, b - lr * gb) for (w, b), (gw, gb) in zip(params, grads)]

    @jax.jit
    def epoch_fn(params, Xd, T, order):
        rows = order[:order.shape[0] // batch * batch].reshape(-1, batch)
        return jax.lax.scan(lambda p, r: (step(p, Xd[r], T[r]), None), params, rows)[0]
    tail = jax.jit(step)
    Xd, T = jnp.asarray(X), jnp.asarray(np.eye(10, dtype=np.float32)[y])
    predict_fn = jax.jit(forward)
    rng = np.random.default_rng(s["seed"])
    for epoch in range(1, epochs + 1):
        order = rng.permutation(X.shape[0])
        params = epoch_fn(params, Xd, T, jnp.asarray(order))
        if X.shape[0] % batch:
            rest = jnp.asarray(order[X.shape[0] // batch * batch:])
            params = tail(params, Xd[rest], T[rest])
        jax.block_until_ready(params)
        if report(epoch, lambda X_test: np.asarray(predict_fn(params, jnp.asarray(X_test)))):
            break
    return f"JAX {jax.__version__}, jit + scan epoch"


def sklearn_engine(X, y, epochs, report):
    import warnings
    import numpy as np
    from sklearn.neural_network import MLPClassifier
    s = SETTINGS
    model = MLPClassifier(hidden_layer_sizes=tuple(s["sizes"][1:-1]), activation="relu", solver="sgd", alpha=0.0,
                          batch_size=s["batch"], learning_rate_init=s["lr"], momentum=0.0, nesterovs_momentum=False,
                          shuffle=True, random_state=s["seed"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for epoch in range(1, epochs + 1):
            model.partial_fit(X, y, classes=np.arange(10))
            if report(epoch, model.predict_proba):
                break
    return "MLPClassifier, partial_fit per epoch (its own Glorot initialisation)"


WORKERS = {"deltaprop": deltaprop_engine, "torch": torch_engine, "jax": jax_engine, "sklearn": sklearn_engine}


def worker(engine, epochs, started):
    """Train ``engine``; print one JSON line per epoch: seconds since ``started`` (evaluation time taken out)."""
    import datasets
    import numpy as np
    _, X, y, X_test, y_test = datasets.load("fashion-mnist")
    excluded = [0.0]

    def report(epoch, predict):
        now = time.time()
        seconds = now - started - excluded[0]           # since the process was started, evaluations taken out
        accuracy = float(np.mean(np.argmax(predict(X_test), axis=1) == y_test))
        excluded[0] += time.time() - now
        print("EPOCH " + json.dumps({"epoch": epoch, "seconds": seconds, "accuracy": accuracy,
                                     "eval_seconds": excluded[0]}), flush=True)
        return accuracy >= max(TARGETS)
    note = WORKERS[engine](X, y, epochs, report)
    print("NOTE " + json.dumps({"note": note}), flush=True)


def run(engine, args, env):
    started = time.time()
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", engine, str(started), "--max-epochs",
           str(args.max_epochs)]
    epochs, note = [], ""
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=HERE) as proc:
        try:
            for line in proc.stdout:
                if line.startswith("EPOCH "):
                    epochs.append(json.loads(line[6:]))
                    print(f"  {engine:10} epoch {epochs[-1]['epoch']:3}  {epochs[-1]['seconds']:7.1f} s  "
                          f"test accuracy {epochs[-1]['accuracy']:.4f}", flush=True)
                    if epochs[-1]["seconds"] > args.max_seconds:
                        proc.kill()
                elif line.startswith("NOTE "):
                    note = json.loads(line[5:])["note"]
        finally:
            proc.wait()
            error = proc.stderr.read().strip().splitlines()
    reached = {str(t): next((e["seconds"] for e in epochs if e["accuracy"] >= t), None) for t in TARGETS}
    return {"epochs": epochs, "reached": reached, "note": note,
            "error": error[-1] if proc.returncode and not epochs and error else None}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--max-epochs", type=int, default=40)
    parser.add_argument("--max-seconds", type=float, default=600.0, help="stop an engine after this long")
    parser.add_argument("--json", metavar="FILE")
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker[0], args.max_epochs, float(args.worker[1]))
        return 0
    env, removed = machine.clean_environment()
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    for engine in engines:
        if engine not in ENGINES:
            raise SystemExit(f"tta.py: unknown engine {engine!r}; valid: {', '.join(ENGINES)}")
    print(f"time to accuracy on Fashion-MNIST: {SETTINGS}; host overrides unset: "
          f"{', '.join(removed) or 'none were set'}; load average "
          f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    results = {engine: run(engine, args, env) for engine in engines}
    print("\n| engine | to 0.88 (s) | to 0.90 (s) | best accuracy (epoch) | note |\n|---|---|---|---|---|")
    for engine, result in results.items():
        best = max(result["epochs"], key=lambda e: e["accuracy"], default=None)
        cells = [f"{result['reached'][str(t)]:.1f}" if result["reached"][str(t)] is not None else "not reached"
                 for t in TARGETS]
        best_cell = f"{best['accuracy']:.4f} ({best['epoch']})" if best else result["error"] or "–"
        print(f"| {engine} | {cells[0]} | {cells[1]} | {best_cell} | {result['note']} |")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump({"settings": SETTINGS, "results": results, "load_average": os.getloadavg()}, handle, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
