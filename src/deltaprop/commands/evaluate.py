"""``deltaprop evaluate MODEL --data ...``: accuracy, loss, per-class precision and recall."""

from __future__ import annotations

import json

import numpy as np

from ..io.atomic_writes import atomic_write
from ..data.splits import open_split
from ..data.stream import BATCH_BYTES
from ..core.labels import is_classification, outputs_to_labels
from ..io.persistence import load_model, read_metadata
from . import _pipeline
from ._args import positive_int

HELP = "evaluate a saved model: accuracy, loss, per-class precision/recall, confusion matrix"


def add_arguments(parser):
    parser.add_argument("model", metavar="MODEL", help="a model .npz written by deltaprop train")
    parser.add_argument("--data", required=True, metavar="NAME|PATH", help="dataset name or .csv/.npz file")
    parser.add_argument("--data-dir", metavar="DIR")
    parser.add_argument("--label-column", metavar="NAME|INDEX")
    parser.add_argument("--samples", type=positive_int, default=1000, help="points per synthetic set")
    parser.add_argument("--split", choices=("test", "train"), default="test",
                        help="which split to evaluate (default: test when the data has one)")
    parser.add_argument("--confusion", metavar="PNG", help="save the confusion matrix plot")
    parser.add_argument("--json", metavar="FILE", help="write the metrics as JSON")


def confusion_matrix(true, predicted, n_classes):
    """``matrix[i, j]`` = samples of class ``i`` predicted as ``j``."""
    matrix = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(matrix, (true, predicted), 1)
    return matrix


def per_class_scores(matrix):
    """``(precision, recall)`` per class from a confusion matrix (0 where undefined)."""
    diagonal = np.diag(matrix).astype(np.float64)
    predicted, actual = matrix.sum(axis=0), matrix.sum(axis=1)
    precision = np.divide(diagonal, predicted, out=np.zeros_like(diagonal), where=predicted > 0)
    recall = np.divide(diagonal, actual, out=np.zeros_like(diagonal), where=actual > 0)
    return precision, recall


def run(args):
    network = load_model(args.model)
    meta = read_metadata(args.model)["metadata"]
    seed = (meta.get("training") or {}).get("seed", 0)

    def labels_fit_the_model(y_train, y_test):          # before the inputs are read (or decompressed)
        y = y_test if args.split == "test" and y_test is not None else y_train
        _pipeline.check_labels(y, network.sizes[-1], f"{args.data}: labels")

    split = open_split(args.data, args.split, n_features=network.sizes[0], data_dir=args.data_dir,
                       label_column=args.label_column, n_samples=args.samples,
                       seed=seed if isinstance(seed, int) else 0, check_labels=labels_fit_the_model)
    n = split.inputs.n_samples
    totals = _evaluate_in_batches(network, meta.get("preprocessing"), split.inputs, split.y, args.data)
    report = {"model": args.model, "data": args.data, "split": split.part, "samples": n, "loss": totals["loss"]}
    names = meta.get("class_names") or []
    if totals["matrix"] is not None:
        matrix = totals["matrix"]
        report["accuracy"] = float(np.trace(matrix) / n)
        precision, recall = per_class_scores(matrix)
        report["per_class"] = [{"class": i, "name": names[i] if i < len(names) else str(i),
                                "precision": float(precision[i]), "recall": float(recall[i]),
                                "support": int(matrix[i].sum())} for i in range(len(matrix))]
        report["confusion_matrix"] = matrix.tolist()
        if args.confusion:
            from .plots import confusion_matrix_plot
            confusion_matrix_plot(matrix, args.confusion, names, title=f"{args.data} ({report['split']})")
    _print(report)
    if args.json:
        with atomic_write(args.json, "w") as handle:
            json.dump(report, handle, indent=2)
            handle.write("\n")
    return 0


def _evaluate_in_batches(network, prep, inputs, y, source):
    """Loss (mean over samples) and, for class targets, the confusion matrix, a batch of rows at a time.

    The inputs are read (:func:`deltaprop.data.splits.open_split`), preprocessed (cast to the network's
    dtype) and run forward one batch at a time, so memory follows the batch size, not the data set.
    Returns ``{"loss": float, "matrix": ndarray or None}``.
    """
    k = max(network.sizes[-1], 2)
    loss_sum, matrix, classes, start = 0.0, np.zeros((k, k), dtype=np.int64), True, 0
    for batch in inputs.batches():
        rows = max(1, min(len(batch), BATCH_BYTES // max(1, batch.shape[1] * network.dtype.itemsize)))
        for offset in range(0, len(batch), rows):          # float copies stay within the batch budget too
            X_batch = _pipeline.apply_preprocessing(prep, batch[offset:offset + rows], network.dtype, source=source)
            Y_batch = network.check_targets(y[start:start + len(X_batch)], len(X_batch))   # labels → one-hot
            outputs = network.predict(X_batch)
            loss_sum += network.loss.value(outputs, Y_batch) * len(X_batch)
            classes = classes and is_classification(Y_batch)
            if classes:
                np.add.at(matrix, (outputs_to_labels(Y_batch), outputs_to_labels(outputs)), 1)
            start += len(X_batch)
    return {"loss": loss_sum / start, "matrix": matrix if classes else None}


def _print(report):
    line = f"{report['data']} ({report['split']}, {report['samples']} samples): loss {report['loss']:.4f}"
    if "accuracy" in report:
        line += f"  accuracy {report['accuracy']:.4f}"
    print(line)
    if "per_class" in report:
        width = max(len(c["name"]) for c in report["per_class"])
        print(f"  {'class':<{width}}  precision  recall  support")
        for c in report["per_class"]:
            print(f"  {c['name']:<{width}}  {c['precision']:9.4f}  {c['recall']:6.4f}  {c['support']:7d}")
