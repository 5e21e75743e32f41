"""``deltaprop export MODEL --format F -o OUT``: a model as safetensors, ONNX, network2 JSON or a PyTorch script."""

from __future__ import annotations

import sys

from ..interop import EXPORT_FORMATS, export_network
from ..io.persistence import load_model, read_metadata

HELP = "export a model to safetensors (PyTorch), ONNX, Nielsen's network2 JSON or a runnable PyTorch script"


def add_arguments(parser):
    parser.add_argument("model", metavar="MODEL", help="a model .npz written by deltaprop train (or a checkpoint)")
    parser.add_argument("--format", required=True, choices=EXPORT_FORMATS, help="the format to write")
    parser.add_argument("-o", "--output", required=True, metavar="OUT",
                        help="the file to write (pytorch-script also writes OUT's .safetensors beside it)")


def run(args):
    network = load_model(args.model)
    metadata = read_metadata(args.model).get("metadata") or {}
    written = export_network(network, args.output, args.format, metadata)
    print(f"deltaprop export: wrote {', '.join(written)}", file=sys.stderr)
    return 0
