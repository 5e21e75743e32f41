"""``deltaprop predict MODEL INPUT``: labels or probabilities for new inputs (IDX, CSV or NPZ).

The inputs are read, preprocessed and predicted a batch at a time
(:func:`deltaprop.data.stream.open_inputs`) and each batch's rows are written
as soon as they are computed, so memory follows the batch, not the file: a
million images cost what a few thousand do.  ``--out`` goes through
:func:`~deltaprop.io.atomic_writes.atomic_write` (the old file stays until the last row
is written); an error half-way leaves no partial file.
"""

from __future__ import annotations

import sys
import zipfile

import numpy as np

from ..io.atomic_writes import atomic_write
from ..data.stream import open_inputs
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
    inputs = open_inputs(args.input, n_features=network.sizes[0],
                         image_shape=tuple(image_shape) if isinstance(image_shape, list) else None)
    prep = meta.get("preprocessing")
    classification = network.layers[-1].activation.gives_probabilities
    labels = classification and not args.probabilities
    columns = ["label"] if labels else [f"p{j}" if classification else f"y{j}" for j in range(network.sizes[-1])]

    def batches():
        for X in inputs.batches():
            outputs = network.predict(_pipeline.apply_preprocessing(prep, X, network.dtype, source=args.input))
            yield outputs_to_labels(outputs) if labels else outputs

    if args.out and args.out.lower().endswith(".npz"):
        with atomic_write(args.out) as handle:
            _write_npz(handle, "labels" if labels else "outputs", batches(), inputs.n_samples,
                       np.dtype(np.int64) if labels else network.dtype, len(columns))
    elif args.out:
        with atomic_write(args.out, "w") as handle:
            _write_csv(handle, columns, batches())
    else:
        _write_csv(sys.stdout, columns, batches())
    if args.out:
        print(f"deltaprop predict: wrote {inputs.n_samples} {'labels' if labels else 'rows'} to {args.out}",
              file=sys.stderr)
    return 0


def _write_csv(handle, columns, batches):
    handle.write(",".join(columns) + "\n")
    for values in batches:
        if values.ndim == 1:                       # labels: one whole number per line (savetxt is 10× slower)
            handle.write("\n".join(map(str, values.tolist())) + "\n")
        else:
            np.savetxt(handle, values, fmt="%.6g", delimiter=",")


def _write_npz(handle, key, batches, n, dtype, width):
    """One ``.npy`` member written a batch at a time (its shape is known from the input's header)."""
    shape = (n,) if key == "labels" else (n, width)
    with zipfile.ZipFile(handle, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        with archive.open(f"{key}.npy", "w", force_zip64=True) as member:
            np.lib.format.write_array_header_1_0(member, {"descr": np.lib.format.dtype_to_descr(dtype),
                                                          "fortran_order": False, "shape": shape})
            for values in batches:
                member.write(np.ascontiguousarray(values, dtype=dtype).tobytes())
