"""``deltaprop export MODEL --format F -o OUT``: a model as safetensors, ONNX, network2 JSON or a PyTorch script."""

from __future__ import annotations

import os
import sys

import numpy as np

from ..interop import EXPORT_FORMATS, export_network
from ..interop.pytorch_script import notes
from ..io.persistence import load_checkpoint, load_model, read_metadata

HELP = "export a model to safetensors (PyTorch), ONNX, Nielsen's network2 JSON or a runnable PyTorch script"


def add_arguments(parser):
    parser.add_argument("model", metavar="MODEL",
                        help="a model .npz written by deltaprop train, or a checkpoint (its optimiser state travels "
                             "with --format pytorch-script)")
    parser.add_argument("--format", required=True, choices=EXPORT_FORMATS, help="the format to write")
    parser.add_argument("-o", "--output", required=True, metavar="OUT",
                        help="the file to write (pytorch-script also writes OUT's .safetensors beside it)")
    parser.add_argument("--dtype", choices=("float32", "float64"),
                        help="the precision to write (default: the model's); ONNX deployment targets expect float32")
    parser.add_argument("--input-dtype", choices=("uint8",),
                        help="onnx: the graph takes raw bytes (e.g. pixels 0..255) and casts them first")
    parser.add_argument("--no-preprocessing", action="store_true",
                        help="onnx: leave the model's input scaling out of the graph (by default the graph takes raw "
                             "inputs and scales them first)")


def run(args):
    header = read_metadata(args.model)
    state = None
    if header["kind"] == "checkpoint":
        network, state, _ = load_checkpoint(args.model)
    else:
        network = load_model(args.model)
    metadata = header.get("metadata") or {}
    if args.dtype and np.dtype(args.dtype) != network.dtype:
        network = network.astype(np.dtype(args.dtype))
        if state is not None:
            state.optimizer["state"] = {index: {key: value.astype(args.dtype) for key, value in slots.items()}
                                        for index, slots in state.optimizer.get("state", {}).items()}
    directory = os.path.dirname(os.path.abspath(args.output))
    if not os.path.isdir(directory):
        raise ValueError(f"{args.output}: the folder {directory} does not exist")
    if args.input_dtype and args.format != "onnx":
        raise ValueError(f"--input-dtype is for --format onnx (the {args.format} format has no input type)")
    written = export_network(network, args.output, args.format, metadata, state, not args.no_preprocessing,
                             args.input_dtype)
    prep = (metadata.get("preprocessing") or {}).get("kind", "none")
    if args.format == "onnx" and prep != "none":
        said = (f"expects inputs already scaled ({prep})" if args.no_preprocessing
                else f"takes raw inputs and scales them first ({prep}); --no-preprocessing leaves that out")
        print(f"deltaprop export: the ONNX graph {said}", file=sys.stderr)
    if args.format == "pytorch-script":
        for line in notes(network, metadata, state):
            print(f"deltaprop export: note: {line}", file=sys.stderr)
    print(f"deltaprop export: wrote {', '.join(written)}", file=sys.stderr)
    return 0
