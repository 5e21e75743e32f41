"""``deltaprop train``: train a network on a dataset, report every epoch, save the model.

The flow, top to bottom: resolve the configuration (defaults < recipe <
flags, or the checkpoint's when resuming), load and preprocess the data,
build the network, :func:`~deltaprop.core.training.fit` with a progress bar, a
summary line and a checkpoint per epoch, then evaluate on the test split and
write the model, ``--json`` and ``--plot`` outputs.
"""

from __future__ import annotations

import json
import os
import sys
import time

import numpy as np

from .errors import EXIT_FAILED, CommandError
from ..io.atomic_writes import atomic_write, remove_stale_temporaries
from ..data.loaders import load_data
from ..core.diagnostics import summary_line
from ..data.preprocessing import train_validation_split
from ..core.losses import default_loss
from ..core.optimizers import OPTIMIZERS, get_optimizer
from ..io.persistence import load_checkpoint, save_checkpoint, save_model
from .progress import ProgressBar, epoch_summary
from .recipes import RECIPES, TRAINING_KEYS, resolve
from ..core.schedules import get_schedule
from ..core.training import DivergenceError, fit
from . import _pipeline
from ._args import (seed, fraction, fraction_from_zero, int_list, name_list, non_negative, positive_float,
                    positive_int, rates)

HELP = "train a network on mnist, fashion-mnist, a synthetic set, or a CSV/NPZ file"


def add_arguments(parser):
    data = parser.add_argument_group("data")
    data.add_argument("--data", metavar="NAME|PATH",
                      help="mnist, fashion-mnist, xor, circles, moons, spirals, blobs, or a .csv/.npz file "
                           "(required unless --resume)")
    data.add_argument("--data-dir", metavar="DIR", help="directory with the four IDX files of mnist/fashion-mnist")
    data.add_argument("--label-column", metavar="NAME|INDEX", help="CSV label column (default: the one named label)")
    data.add_argument("--samples", type=positive_int, default=1000, help="points per synthetic set (default 1000)")
    data.add_argument("--classes", type=positive_int, metavar="K",
                      help="number of classes when some of 0..K−1 have no sample (default: max label + 1, "
                           "every class present)")
    data.add_argument("--validation", type=fraction, metavar="FRACTION", help="hold out this fraction for validation")
    data.add_argument("--scale", choices=_pipeline.SCALINGS,
                      help="input preprocessing: unit ([0, 1]), standardize, none; auto: unit for images")
    model = parser.add_argument_group("model and training (override --recipe)")
    model.add_argument("--recipe", choices=sorted(RECIPES), help="a published configuration; flags override it")
    model.add_argument("--layers", type=int_list, help="sizes, input first, e.g. 784,30,10")
    model.add_argument("--activations", type=name_list, help="one per weight layer (or one for all)")
    model.add_argument("--loss", help="quadratic, binary-cross-entropy or cross-entropy")
    model.add_argument("--init", help="normal, scaled-normal, glorot-uniform, he-normal, ... (default auto)")
    model.add_argument("--optimizer", choices=sorted(OPTIMIZERS))
    model.add_argument("--lr", type=positive_float, help="learning rate η")
    model.add_argument("--momentum", type=fraction_from_zero, help="μ for momentum/nesterov (default 0.9)")
    model.add_argument("--batch-size", type=positive_int)
    model.add_argument("--epochs", type=positive_int)
    model.add_argument("--seed", type=seed, help="seeds the initial weights, the split, shuffling and dropout")
    model.add_argument("--weight-decay", type=non_negative, metavar="LAMBDA", help="L2 λ (Nielsen's λ/n form)")
    model.add_argument("--dropout", type=rates, metavar="P[,P...]", help="dropout rate per hidden layer")
    model.add_argument("--schedule", metavar="SPEC", help="constant, step:EPOCHS[:FACTOR] or cosine[:MIN_LR]")
    model.add_argument("--early-stopping", type=positive_int, metavar="PATIENCE",
                       help="stop when the validation loss has not improved for PATIENCE epochs")
    model.add_argument("--dtype", choices=("float32", "float64"))
    out = parser.add_argument_group("output")
    out.add_argument("--out", metavar="MODEL.npz", help="save the trained model here")
    out.add_argument("--checkpoint-dir", metavar="DIR", help="write a checkpoint after every epoch")
    out.add_argument("--resume", metavar="CHECKPOINT",
                     help="continue from a checkpoint with its data and settings (bit-identical result); "
                          "only --epochs and the output flags may be given")
    out.add_argument("--plot", metavar="CURVES.png", help="loss and accuracy curves (needs matplotlib)")
    out.add_argument("--json", metavar="FILE", help="final metrics and per-epoch history as JSON")
    out.add_argument("--quiet", action="store_true", help="no progress bar and no per-epoch lines")
    out.add_argument("--diagnostics", action="store_true",
                     help="per layer and epoch: weight and gradient norms, update/weight ratio, saturated and dead "
                          "units (printed, in --json, and drawn by --plot)")
    out.add_argument("--progress", action="store_true", help="show the progress bar even when not on a terminal")


def run(args):
    """Train as the flags and the recipe say, report every epoch, save what was asked; 0, or the failure code."""
    started = time.perf_counter()
    config, network, resume = _configure(args)
    data, prep, X, y, X_val, y_val, X_test, y_test = _prepare_data(config)
    network, task = _network_for(config, network, data, X, y, (y, y_val, y_test))
    optimizer = _optimizer(config)
    metadata = {"training": config, "preprocessing": prep, "class_names": data.class_names}
    if data.image_shape:
        metadata["image_shape"] = list(data.image_shape)
    bar = ProgressBar(config["epochs"], force=args.progress)
    bar.enabled = bar.enabled and not args.quiet
    if not args.quiet:
        _print_header(task, network, data, X, X_val, X_test)
    _remove_leftovers(args)
    on_epoch, on_checkpoint = _hooks(args, config, bar, network, metadata, len(X))
    bar.start_epoch()
    try:
        with np.errstate(over="ignore", invalid="ignore"):     # a diverging run reports itself, in one line
            history = fit(network, X, y, config["epochs"], config["batch_size"], optimizer, seed=config["seed"],
                          validation_data=None if X_val is None else (X_val, y_val), callback=on_epoch,
                          weight_decay=config["weight_decay"], schedule=config["schedule"],
                          early_stopping=config["early_stopping"],
                          checkpoint=args.checkpoint_dir and on_checkpoint,
                          progress=bar if bar.enabled else None, resume=resume, diagnostics=args.diagnostics)
    except DivergenceError as exc:
        bar.end_epoch()
        return _diverged(args, network, metadata, exc)
    bar.end_epoch()
    metrics = _final_metrics(network, history, X_test, y_test)
    metrics["wall_seconds"] = round(time.perf_counter() - started, 2)
    if not args.quiet:
        _print_final(history, metrics)
    _save_outputs(args, config, network, metadata, metrics, history, data)
    return 0


def _network_for(config, network, data, X, y, labels):
    """The network to train (built from ``config`` unless resumed) and the task's one-line description; the
    cost follows the task unless ``--loss`` chose it; every label set is checked against the output size."""
    n_classes = _pipeline.n_classes_of(data.y_train, data.y_test, source=config["data"],
                                       classes=config.get("classes"))
    classification = n_classes is not None
    n_outputs = n_classes if classification else y.shape[1]
    task = (f"classification ({n_outputs} classes)" if classification
            else f"regression (real-valued targets, {n_outputs} column{'s' if n_outputs > 1 else ''})")
    if config["loss"] is None:                     # the task decides, and the header says so
        config["loss"] = default_loss(n_outputs, classification)
    if network is None:
        network = _pipeline.build_network(config, X.shape[1], n_outputs, classification)
    for message in _pipeline.pairing_warnings(network):
        _pipeline.warn("train", message)
    for values, what in zip(labels, ("training labels", "validation labels", "test labels")):
        if values is not None:
            _pipeline.check_labels(values, network.sizes[-1], what)
    return network, task


def _optimizer(config):
    options = {"momentum": config["momentum"]} if config["optimizer"] in ("momentum", "nesterov") else {}
    return get_optimizer(config["optimizer"], config["lr"], **options)


def _print_header(task, network, data, X, X_val, X_test):
    print(f"deltaprop train: {task} → {network.loss.name} cost, {network.layers[-1].activation.name} output "
          f"(--loss and --activations override)", flush=True)
    print(f"deltaprop train: {network} on {data.name}: {len(X)} training samples"
          + (f", {len(X_val)} validation" if X_val is not None else "")
          + (f", {len(X_test)} test" if X_test is not None else ""), flush=True)


def _remove_leftovers(args):
    """Temporary files a run killed mid-write (SIGKILL) left beside the checkpoints and outputs."""
    if args.checkpoint_dir and os.path.isdir(args.checkpoint_dir):
        for name in os.listdir(args.checkpoint_dir):
            if name.startswith(".epoch-") and name.endswith(".tmp"):
                os.unlink(os.path.join(args.checkpoint_dir, name))
    for target in (args.out, args.json, args.plot):
        if target:
            remove_stale_temporaries(target)


def _hooks(args, config, bar, network, metadata, n_train):
    """``fit``'s per-epoch hooks: the summary line (and diagnostics), and the checkpoint."""
    def on_epoch(epoch, record):
        seconds = bar.end_epoch()
        if not args.quiet:
            print(epoch_summary(record, config["epochs"], seconds, n_train), flush=True)
            for layer in record.get("diagnostics", []):
                print(summary_line(layer), flush=True)
        bar.start_epoch()

    def on_checkpoint(state):
        os.makedirs(args.checkpoint_dir, exist_ok=True)
        save_checkpoint(os.path.join(args.checkpoint_dir, f"epoch-{state.epoch:03d}.npz"), network, state,
                        metadata=metadata)
    return on_epoch, on_checkpoint


def _diverged(args, network, metadata, exc):
    """A diverged run: the error in one line, the last finite weights saved if ``--out`` was given."""
    print(f"deltaprop train: error: {exc}", file=sys.stderr)
    if args.out:
        save_model(network, args.out, metadata={**metadata, "diverged": str(exc)})
        print(f"deltaprop train: saved the last finite weights to {args.out}", file=sys.stderr)
    return EXIT_FAILED


def _save_outputs(args, config, network, metadata, metrics, history, data):
    if args.out:
        save_model(network, args.out, metadata={**metadata, "metrics": metrics})
    if args.json:
        _write_json(args.json, {"command": "train", "config": config, "metrics": metrics,
                                "history": history.epochs, "stopped_epoch": history.stopped_epoch,
                                "best_epoch": history.best_epoch})
    if args.plot:
        from .plots import training_curves
        training_curves(history.epochs, args.plot, title=f"{data.name}: {network.sizes}")


def _configure(args):
    """``(config, network or None, resume state or None)``."""
    if args.resume:
        fixed = [key for key in TRAINING_KEYS if key != "epochs" and getattr(args, key, None) is not None]
        fixed += [flag for flag in ("data", "data_dir", "label_column", "classes", "recipe")
                  if getattr(args, flag) is not None]
        if fixed:
            raise CommandError(f"--resume takes its settings from the checkpoint; drop --{fixed[0].replace('_', '-')}")
        network, state, header = load_checkpoint(args.resume)
        config = dict(header["metadata"].get("training") or {})
        config.setdefault("classes", None)                  # checkpoints written before --classes existed
        if set(config) != set(TRAINING_KEYS) | {"data", "data_dir", "label_column", "classes", "samples"}:
            raise ValueError(f"{args.resume}: the checkpoint has no usable training configuration")
        if args.epochs is not None:
            config["epochs"] = args.epochs
        if state.epoch >= config["epochs"]:
            raise ValueError(f"{args.resume} is at epoch {state.epoch} already; pass --epochs N with N > {state.epoch}")
        return config, network, state
    if not args.data:
        raise CommandError("--data NAME|PATH is required (or --resume CHECKPOINT)")
    given = {key: getattr(args, key, None) for key in TRAINING_KEYS}
    config, _ = resolve(args.recipe, given)
    config.update(data=args.data, data_dir=args.data_dir, label_column=args.label_column, classes=args.classes,
                  samples=args.samples)
    if config["early_stopping"] is not None and not config["validation"]:
        raise ValueError("--early-stopping watches the validation loss: also give --validation FRACTION")
    get_schedule(config["schedule"], config["epochs"]).check(config["lr"])     # before any data is read
    return config, None, None


def _prepare_data(config):
    data = load_data(config["data"], data_dir=config["data_dir"], label_column=config["label_column"],
                     n_samples=config["samples"], seed=config["seed"],
                     check_labels=lambda y_train, y_test: _pipeline.check_training_labels(
                         y_train, y_test, config["data"], config.get("classes")))
    dtype = np.dtype(config["dtype"])
    prep = _pipeline.fit_preprocessing(config["scale"], data.X_train, data.pixel_max)
    X, y = _pipeline.apply_preprocessing(prep, data.X_train, dtype), data.y_train
    X_val = y_val = None
    if config["validation"]:
        X, y, X_val, y_val = train_validation_split(X, y, config["validation"], seed=config["seed"])
    X_test = y_test = None
    if data.X_test is not None:
        X_test, y_test = _pipeline.apply_preprocessing(prep, data.X_test, dtype), data.y_test
    return data, prep, X, y, X_val, y_val, X_test, y_test


def _final_metrics(network, history, X_test, y_test):
    last = history.last()
    metrics = {k: last[k] for k in ("loss", "accuracy", "val_loss", "val_accuracy") if k in last}
    metrics["epochs"] = len(history)
    if X_test is not None:
        metrics.update({f"test_{k}": v for k, v in network.evaluate(X_test, y_test).items()})
    return metrics


def _print_final(history, metrics):
    if history.stopped_epoch:
        print(f"early stopping after epoch {history.stopped_epoch}; restored the weights of epoch "
              f"{history.best_epoch}")
    parts = [f"{k} {v:.4f}" for k, v in metrics.items() if k.startswith("test_")]
    print("final: " + ("  ".join(parts) + "  " if parts else "") + f"wall time {metrics['wall_seconds']:.1f} s")


def _write_json(path, payload):
    with atomic_write(path, "w") as handle:
        json.dump(payload, handle, indent=2, default=lambda v: v.item() if hasattr(v, "item") else str(v))
        handle.write("\n")
