"""``deltaprop evaluate MODEL --data ...``: accuracy, loss, per-class precision and recall."""

from __future__ import annotations

import json

import numpy as np

from ..io.atomic_writes import atomic_write
from ..data.loaders import load_data
from ..core.labels import outputs_to_labels
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
    data = load_data(args.data, data_dir=args.data_dir, label_column=args.label_column, n_samples=args.samples,
                     seed=seed if isinstance(seed, int) else 0)
    use_test = args.split == "test" and data.X_test is not None
    X, y = (data.X_test, data.y_test) if use_test else (data.X_train, data.y_train)
    X = _pipeline.apply_preprocessing(meta.get("preprocessing"), X, network.dtype)
    if X.shape[1] != network.sizes[0]:
        raise ValueError(f"the data has {X.shape[1]} features but the model's input layer has {network.sizes[0]}")
    _pipeline.check_labels(y, network.sizes[-1])
    result = network.evaluate(X, y)
    report = {"model": args.model, "data": args.data, "split": "test" if use_test else "train", "samples": len(X),
              **{k: float(v) for k, v in result.items()}}
    names = meta.get("class_names") or []
    if "accuracy" in result:
        k = max(network.sizes[-1], 2)
        predicted = outputs_to_labels(network.predict(X))
        true = outputs_to_labels(network.check_targets(y, len(X)))      # labels or one-hot rows → classes
        matrix = confusion_matrix(true, predicted, k)
        precision, recall = per_class_scores(matrix)
        report["per_class"] = [{"class": i, "name": names[i] if i < len(names) else str(i),
                                "precision": float(precision[i]), "recall": float(recall[i]),
                                "support": int(matrix[i].sum())} for i in range(k)]
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
