"""Saving and loading models and checkpoints: ``.npz`` arrays plus JSON metadata, never pickle.

File layout (a plain NumPy ``.npz`` archive)::

    __metadata__          uint8 array: UTF-8 JSON (format, version, sizes, activations, loss,
                          dtype, dropout, user metadata such as training configuration,
                          metrics and preprocessing; a checkpoint adds its training state)
    layer1/weights        (d_1, d_0)      layer1/biases   (d_1,)     ... one pair per layer
    optimizer/3/velocity  checkpoint only: optimiser buffers, per trainable parameter
    best/0                checkpoint only: early stopping's best parameters [W1, b1, W2, ...]

Loading uses ``np.load(allow_pickle=False)`` and checks everything: the JSON,
every array's name, shape and dtype, finiteness.  A tampered, truncated or
foreign file raises ``ValueError`` naming the file and the problem.  Writes go
to a temporary file in the same directory, which then replaces the target
with ``os.replace`` -- atomic, so a crash mid-save leaves the previous file intact.
"""

from __future__ import annotations

import json
import math
import os

import numpy as np

from .atomic_writes import atomic_write
from .safe_read import loads_json, read_npz
from ..core.layers import Dense
from ..core.network import Network
from ..core.training import TrainingState

FORMAT = "deltaprop-model"
FORMAT_VERSION = 1
_DTYPES = {"float32": np.float32, "float64": np.float64}


def save_model(network, path, *, metadata=None):
    """Write ``network`` (and JSON-able ``metadata``: training configuration, metrics, preprocessing) to ``path``."""
    _write(path, _header(network, "model", metadata), _layer_arrays(network))


def load_model(path):
    """Read a model (or the network inside a checkpoint) written by :func:`save_model`; returns a :class:`Network`."""
    network, _, _ = _read(path)
    return network


def read_metadata(path):
    """The JSON metadata of a model or checkpoint file (validated like :func:`load_model`)."""
    _, header, _ = _read(path)
    return header


def save_checkpoint(path, network, state, *, metadata=None):
    """Write the network plus a :class:`~deltaprop.core.training.TrainingState` (optimiser, RNG, epoch, history)."""
    header = _header(network, "checkpoint", metadata)
    optimizer = {k: v for k, v in state.optimizer.items() if k != "state"}
    header["checkpoint"] = {
        "epoch": state.epoch, "rng_state": state.rng_state, "optimizer": optimizer, "history": state.history,
        "base_learning_rate": state.base_learning_rate,
        "best_loss": state.best_loss if math.isfinite(state.best_loss) else None, "best_epoch": state.best_epoch,
    }
    arrays = _layer_arrays(network)
    for index, slots in state.optimizer.get("state", {}).items():
        for key, value in slots.items():
            arrays[f"optimizer/{index}/{key}"] = value
    for index, value in enumerate(state.best_parameters):
        arrays[f"best/{index}"] = value
    _write(path, header, arrays)


def load_checkpoint(path):
    """Read a checkpoint: ``(network, state, metadata)``; ``metadata`` is the full JSON header."""
    network, header, arrays = _read(path)
    if header["kind"] != "checkpoint" or not isinstance(header.get("checkpoint"), dict):
        raise ValueError(f"{path}: this is a saved model, not a training checkpoint (it has no training state)")
    saved = header["checkpoint"]
    try:
        optimizer = dict(saved["optimizer"])
        optimizer["state"] = {}
        for name, value in arrays.items():
            if name.startswith("optimizer/"):
                _, index, key = name.split("/")
                optimizer["state"].setdefault(int(index), {})[key] = value
        best = [arrays[f"best/{i}"] for i in range(sum(n.startswith("best/") for n in arrays))]
        state = TrainingState(epoch=int(saved["epoch"]), rng_state=dict(saved["rng_state"]), optimizer=optimizer,
                              history=[dict(r) for r in saved["history"]],
                              base_learning_rate=float(saved["base_learning_rate"]),
                              best_loss=float("inf") if saved["best_loss"] is None else float(saved["best_loss"]),
                              best_epoch=int(saved["best_epoch"]), best_parameters=best)
        np.random.default_rng().bit_generator.state = state.rng_state     # validates the RNG state
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"{path}: damaged training state in checkpoint ({type(exc).__name__}: {exc})") from None
    params = network.parameters()
    if best and [(b.shape, b.dtype) for b in best] != [(p.shape, p.dtype) for p in params]:
        raise ValueError(f"{path}: the early-stopping weights do not match the network's shapes")
    _check_state(path, state, network)
    return network, state, header


def _check_state(path, state, network):
    """Every field of a checkpoint's training state in its range, before a resumed run starts."""
    from ..core.optimizers import get_optimizer
    if isinstance(state.epoch, bool) or state.epoch < 0:
        raise ValueError(f"{path}: checkpoint epoch must be 0 or more, got {state.epoch}")
    if not (0 < state.base_learning_rate < math.inf):
        raise ValueError(f"{path}: checkpoint base learning rate must be a positive finite number, "
                         f"got {state.base_learning_rate}")
    if len(state.history) != state.epoch:
        raise ValueError(f"{path}: checkpoint history has {len(state.history)} epochs but the epoch is {state.epoch}")
    saved = state.optimizer
    try:
        hyper = {k: float(v) for k, v in dict(saved.get("hyper", {})).items()}
        optimizer = get_optimizer(saved["name"], saved["learning_rate"], **hyper)   # validates every range
        optimizer.load_state_dict(saved, network.trainable_parameters())
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"{path}: bad optimizer state in checkpoint ({exc})") from None
    slots = {"momentum": ("velocity",), "nesterov": ("velocity",), "adam": ("m", "v")}.get(optimizer.name, ())
    if optimizer.steps and slots:
        n = len(network.trainable_parameters())
        missing = [i for i in range(n) if not all(k in optimizer.state.get(i, {}) for k in slots)]
        if missing:
            raise ValueError(f"{path}: the {optimizer.name} state ({', '.join(slots)}) of parameter {missing[0]} is "
                             f"missing after {optimizer.steps} steps; a resumed run would silently restart it")


# ------------------------------------------------------------------ writing
def _header(network, kind, metadata):
    return {"format": FORMAT, "format_version": FORMAT_VERSION, "kind": kind, "sizes": network.sizes,
            "activations": network.activations, "loss": network.loss.name, "dtype": network.dtype.name,
            "dropout": [layer.dropout for layer in network.layers],
            "train_biases": [layer.train_biases for layer in network.layers],
            "metadata": metadata or {}}


def _layer_arrays(network):
    arrays = {}
    for l, layer in enumerate(network.layers, start=1):
        arrays[f"layer{l}/weights"] = layer.weights
        arrays[f"layer{l}/biases"] = layer.biases
    return arrays


def _write(path, header, arrays):
    path = os.fspath(path)
    text = json.dumps(header, default=_jsonable, allow_nan=False)
    arrays = {"__metadata__": np.frombuffer(text.encode("utf-8"), dtype=np.uint8), **arrays}
    with atomic_write(path) as handle:          # atomic: old file or new file, never half of one
        np.savez(handle, **arrays)


def _jsonable(value):
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"metadata value of type {type(value).__name__} is not JSON-serialisable")


# ------------------------------------------------------------------ reading
def _read(path):
    """``(network, header, arrays)`` after validating everything."""
    path = os.fspath(path)
    arrays = read_npz(path, "deltaprop model file")
    header = _parse_header(path, arrays.pop("__metadata__", None))
    network = _build_network(path, header, arrays)
    return network, header, arrays


def _parse_header(path, raw):
    if raw is None:
        raise ValueError(f"{path}: no __metadata__ entry; not a deltaprop model file")
    if raw.dtype != np.uint8 or raw.ndim != 1:
        raise ValueError(f"{path}: __metadata__ must be UTF-8 bytes (uint8), got {raw.dtype} {raw.shape}")
    try:
        header = loads_json(raw.tobytes().decode("utf-8"), f"{path}: metadata")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: metadata is not UTF-8 ({exc})") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ValueError(f"{path}: not a deltaprop model file (format {header.get('format') if isinstance(header, dict) else None!r})")
    version = header.get("format_version")
    if not isinstance(version, int) or not 1 <= version <= FORMAT_VERSION:
        raise ValueError(f"{path}: format version {version!r} is not supported (this deltaprop reads 1..{FORMAT_VERSION})")
    if header.get("kind") not in ("model", "checkpoint"):
        raise ValueError(f"{path}: unknown file kind {header.get('kind')!r}; valid: model, checkpoint")
    sizes = header.get("sizes")
    if not (isinstance(sizes, list) and len(sizes) >= 2 and all(type(s) is int and s > 0 for s in sizes)):
        raise ValueError(f"{path}: layer sizes must be a list of at least two positive integers, got {sizes!r}")
    n_layers = len(sizes) - 1
    for key, kind in (("activations", str), ("dropout", (int, float)), ("train_biases", bool)):
        values = header.get(key)
        if not (isinstance(values, list) and len(values) == n_layers and all(isinstance(v, kind) for v in values)):
            raise ValueError(f"{path}: {key} must list one value per layer ({n_layers}), got {values!r}")
    if header.get("dtype") not in _DTYPES:
        raise ValueError(f"{path}: dtype {header.get('dtype')!r} is not allowed; valid: {', '.join(_DTYPES)}")
    if not isinstance(header.get("loss"), str) or not isinstance(header.get("metadata", {}), dict):
        raise ValueError(f"{path}: loss must be a name and metadata an object")
    _check_preprocessing(path, header.get("metadata", {}).get("preprocessing"), sizes[0],
                         np.dtype(_DTYPES[header["dtype"]]))
    return header


def _check_preprocessing(path, spec, n_features, dtype=np.dtype(np.float64)):
    """The input scaling a trained model carries: checked on load, so predict and evaluate never divide by 0.

    A scale (``maximum``, ``std``) below the smallest normal number of the model's dtype is refused too:
    dividing by it overflows to infinity for every ordinary input.
    """
    if spec is None:
        return
    where = f"{path}: metadata preprocessing"
    if not isinstance(spec, dict) or spec.get("kind") not in ("none", "unit", "standardize"):
        raise ValueError(f"{where} must be an object with kind none, unit or standardize, got {spec!r:.80}")
    if spec["kind"] == "unit":
        maximum = spec.get("maximum")
        if isinstance(maximum, bool) or not isinstance(maximum, (int, float)) or not 0 < maximum < math.inf:
            raise ValueError(f"{where}: unit scaling needs a finite maximum > 0, got {maximum!r}")
    elif spec["kind"] == "standardize":
        for key, low in (("mean", -math.inf), ("std", 0.0)):
            values = spec.get(key)
            if not (isinstance(values, list) and len(values) == n_features
                    and all(isinstance(v, (int, float)) and not isinstance(v, bool) and low < v < math.inf
                            and v > -math.inf for v in values)):
                rule = "> 0 and finite" if key == "std" else "finite"
                raise ValueError(f"{where}: standardize needs '{key}', a list of {n_features} numbers, each {rule}")
    _check_scale(where, spec, dtype)


def _check_scale(where, spec, dtype):
    tiny = float(np.finfo(dtype).tiny)
    scales = [spec["maximum"]] if spec["kind"] == "unit" else spec["std"] if spec["kind"] == "standardize" else []
    for index, scale in enumerate(scales):
        if scale < tiny:
            what = "unit scaling's maximum" if spec["kind"] == "unit" else f"std of feature {index}"
            raise ValueError(f"{where}: the {what} is {scale:.6g}, below the smallest normal {dtype.name} number "
                             f"({tiny:.3g}); dividing an input by it overflows to infinity (a constant feature "
                             f"is stored with std 1)")


def _build_network(path, header, arrays):
    sizes, dtype = header["sizes"], np.dtype(_DTYPES[header["dtype"]])
    n_layers = len(sizes) - 1
    expected = {f"layer{l}/{part}" for l in range(1, n_layers + 1) for part in ("weights", "biases")}
    missing = sorted(expected - set(arrays))
    if missing:
        raise ValueError(f"{path}: missing arrays {', '.join(missing)}")
    allowed_extra = ("optimizer/", "best/") if header["kind"] == "checkpoint" else ()
    unknown = sorted(n for n in set(arrays) - expected if not n.startswith(allowed_extra) or not _valid_extra(n))
    if unknown:
        raise ValueError(f"{path}: unknown arrays {', '.join(unknown)}")
    for name, array in arrays.items():
        if array.dtype != dtype:
            raise ValueError(f"{path}: {name} has dtype {array.dtype}, expected {dtype} as the metadata says")
        if not np.isfinite(array).all():
            raise ValueError(f"{path}: {name} contains NaN or infinity")
    layers = []
    for l in range(1, n_layers + 1):
        weights, biases = arrays[f"layer{l}/weights"], arrays[f"layer{l}/biases"]
        if weights.shape != (sizes[l], sizes[l - 1]) or biases.shape != (sizes[l],):
            raise ValueError(f"{path}: layer {l} has weights {weights.shape} and biases {biases.shape}; "
                             f"the sizes {sizes} need {(sizes[l], sizes[l - 1])} and {(sizes[l],)}")
        try:
            layers.append(Dense(weights, biases, header["activations"][l - 1], dropout=header["dropout"][l - 1],
                                train_biases=header["train_biases"][l - 1], dtype=dtype))
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{path}: layer {l}: {exc}") from None
    try:
        return Network.from_layers(layers, loss=header["loss"])
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{path}: {exc}") from None


def _valid_extra(name):
    parts = name.split("/")
    if parts[0] == "optimizer":
        return len(parts) == 3 and parts[1].isdigit() and parts[2].isidentifier()
    return len(parts) == 2 and parts[1].isdigit()
