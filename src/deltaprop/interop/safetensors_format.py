"""safetensors: the weights as an ``nn.Sequential`` state_dict, our metadata in the header.

    import torch, safetensors.torch
    model = torch.nn.Sequential(torch.nn.Linear(784, 30), torch.nn.Sigmoid(), torch.nn.Linear(30, 10), ...)
    model.load_state_dict(safetensors.torch.load_file("model.safetensors"))

Layer ``l`` (1 = first hidden) is ``nn.Linear`` number ``2(l − 1)``, followed
by its activation module (``nn.Identity`` for a linear layer), so the names
are ``0.weight``, ``0.bias``, ``2.weight``, ...  The header's ``__metadata__``
holds ``{"deltaprop": <JSON>}`` (sizes, activations, loss, dtype, dropout, and the model's metadata: its
``preprocessing``, applied to raw inputs as deltaprop does -- ``x * (1 / maximum)`` for ``unit``,
``x / std - mean / std`` for ``standardize`` -- and the training settings).  Reading checks every field with the
rules of a saved model.
"""

from __future__ import annotations


import numpy as np

from ..io.atomic_writes import write_bytes
from ..io.safe_read import loads_json
from . import common
from .common import require


def tensors(network):
    """``{name: array}`` in ``nn.Sequential`` state_dict names (C-contiguous, the network's dtype)."""
    out = {}
    for l, layer in enumerate(network.layers, start=1):
        i = common.sequential_index(l)
        out[f"{i}.weight"] = np.ascontiguousarray(layer.weights)
        out[f"{i}.bias"] = np.ascontiguousarray(layer.biases)
    return out


def save(network, path, metadata):
    st = require("safetensors.numpy")
    data = st.save(tensors(network), metadata={"deltaprop": common.dumps(common.describe(network, metadata))})
    write_bytes(path, data)
    return [str(path)]


def load(path):
    safetensors = require("safetensors")
    path = common.check_file(path)
    try:
        with safetensors.safe_open(path, framework="np") as handle:
            header = handle.metadata() or {}
            names = list(handle.keys())
            arrays = {name: handle.get_tensor(name) for name in names}
    except Exception as exc:        # the library raises its own SafetensorError for any damaged header
        raise ValueError(f"{path}: not a readable safetensors file ({type(exc).__name__}: "
                         f"{str(exc).splitlines()[0] if str(exc) else ''})") from None
    description = loads_json(header.get("deltaprop", "null"), f"{path}: the deltaprop metadata in the header")
    if not isinstance(description, dict):
        raise ValueError(f"{path}: no deltaprop metadata in the header (the file was not written by deltaprop "
                         f"export, so the activations and the loss are unknown)")
    activations = description.get("activations")
    if not isinstance(activations, list):
        raise ValueError(f"{path}: bad deltaprop metadata (activations must be a list, got {activations!r:.40})")
    n_layers = len(activations)
    expected = [f"{common.sequential_index(l)}.{kind}" for l in range(1, n_layers + 1) for kind in ("weight", "bias")]
    if sorted(names) != sorted(expected):
        unknown = sorted(set(names) - set(expected)) or sorted(set(expected) - set(names))
        raise ValueError(f"{path}: tensor names {sorted(names)} do not match the {n_layers}-layer network the "
                         f"metadata describes (expected {expected}; first difference: {unknown[0]})")
    weights = [arrays[f"{common.sequential_index(l)}.weight"] for l in range(1, n_layers + 1)]
    biases = [arrays[f"{common.sequential_index(l)}.bias"] for l in range(1, n_layers + 1)]
    return common.build(description, weights, biases, path)

