"""``deltaprop export MODEL --format F -o OUT``: a model as safetensors, ONNX, network2 JSON or a PyTorch script."""

from __future__ import annotations

import sys

import numpy as np

from ..interop import EXPORT_FORMATS, export_network
from ..interop.pytorch_script import notes
from ..persistence import load_checkpoint, load_model, read_metadata

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
    written = export_network(network, args.output, args.format, metadata, state)
    if args.format == "pytorch-script":
        for line in notes(network, metadata, state):
            print(f"deltaprop export: note: {line}", file=sys.stderr)
    print(f"deltaprop export: wrote {', '.join(written)}", file=sys.stderr)
    return 0
