"""``deltaprop import FILE -o MODEL.npz``: read safetensors, ONNX or network2 JSON back into a deltaprop model."""

from __future__ import annotations

import sys

from ..interop import IMPORT_FORMATS, import_network
from ..io.persistence import save_model

HELP = "import a network from safetensors or ONNX (as deltaprop exports them) or Nielsen's network2 JSON"


def add_arguments(parser):
    parser.add_argument("file", metavar="FILE", help="a .safetensors, .onnx or network2 .json file")
    parser.add_argument("-o", "--output", required=True, metavar="MODEL.npz", help="the deltaprop model to write")
    parser.add_argument("--format", choices=IMPORT_FORMATS, help="default: from FILE's suffix")
    parser.add_argument("--dtype", choices=["float32", "float64"],
                        help="network2 only (its files store no precision); default float64")


def run(args):
    network, metadata = import_network(args.file, args.format, args.dtype)
    save_model(network, args.output, metadata={**metadata, "imported_from": str(args.file)})
    print(f"deltaprop import: wrote {args.output} ({network})", file=sys.stderr)
    return 0
