"""``deltaprop predict MODEL INPUT``: labels or probabilities for new inputs (IDX, CSV or NPZ)."""

from __future__ import annotations

import sys

import numpy as np

from ..io.atomic_writes import atomic_write
from ..data.loaders import read_inputs
from ..core.labels import outputs_to_labels
from ..io.persistence import load_model, read_metadata
from . import _pipeline

HELP = "predict labels or probabilities for an IDX, CSV or NPZ file of inputs"


def add_arguments(parser):
    parser.add_argument("model", metavar="MODEL", help="a model .npz written by deltaprop train")
    parser.add_argument("input", metavar="INPUT", help="inputs: IDX (.gz or raw), .csv (a label column is "
                                                       "ignored) or .npz with an array X")
    parser.add_argument("--out", metavar="FILE.csv|FILE.npz", help="write here (default: CSV on stdout)")
    parser.add_argument("--probabilities", action="store_true", help="output the output-layer values, not labels")


def run(args):
    network = load_model(args.model)
    meta = read_metadata(args.model)["metadata"]
    image_shape = meta.get("image_shape")                 # e.g. [28, 28] for a model trained on MNIST-format images
    X = read_inputs(args.input, n_features=network.sizes[0],
                    image_shape=tuple(image_shape) if isinstance(image_shape, list) else None)
    X = _pipeline.apply_preprocessing(meta.get("preprocessing"), X, network.dtype)
    if X.shape[1] != network.sizes[0]:
        raise ValueError(f"{args.input} has {X.shape[1]} features per sample but the model expects "
                         f"{network.sizes[0]}")
    outputs = network.predict(X)
    classification = network.layers[-1].activation.gives_probabilities
    if args.probabilities or not classification:
        values, columns = outputs, [f"p{j}" if classification else f"y{j}" for j in range(outputs.shape[1])]
    else:
        values, columns = outputs_to_labels(outputs)[:, None], ["label"]
    if args.out and args.out.lower().endswith(".npz"):
        key = "labels" if columns == ["label"] else "outputs"
        with atomic_write(args.out) as handle:
            np.savez(handle, **{key: values[:, 0] if key == "labels" else values})
    elif args.out:
        with atomic_write(args.out, "w") as handle:
            _write_csv(handle, columns, values)
    else:
        _write_csv(sys.stdout, columns, values)
    if args.out:
        print(f"deltaprop predict: wrote {len(values)} {'labels' if columns == ['label'] else 'rows'} to {args.out}",
              file=sys.stderr)
    return 0


def _write_csv(handle, columns, values):
    handle.write(",".join(columns) + "\n")
    fmt = "%d" if np.issubdtype(values.dtype, np.integer) else "%.6g"
    np.savetxt(handle, values, fmt=fmt, delimiter=",")

