"""The way out (and back in): a deltaprop network as safetensors, ONNX, Nielsen's ``network2`` JSON or a PyTorch script.

Layouts already agree: a layer's ``weights`` are ``(n_out, n_in)`` like
PyTorch's ``nn.Linear.weight`` and Nielsen's ``w_jk``, so every format holds
the very same arrays.

==================  ===========  ===============================================================
format              reads back   what it is
==================  ===========  ===============================================================
``safetensors``     yes          tensors named as an ``nn.Sequential`` state_dict (``0.weight``,
                                 ``0.bias``, ``2.weight``, ...) + our metadata in the header
``onnx``            yes          the input scaling (``Mul`` or ``Div``/``Sub``), then ``Gemm``
                                 (transB = 1) + activation per layer, opset 17
``network2``        yes          Nielsen's JSON (``sizes``, ``weights``, ``biases``, ``cost``)
``pytorch-script``  its output   a runnable ``.py`` (+ ``.safetensors`` beside it) that rebuilds the
                                 network in PyTorch and continues training, on one process or under
                                 ``torchrun``; it writes a ``.safetensors`` that ``import`` reads
==================  ===========  ===============================================================

The formats are optional extras (``pip install deltaprop[interop]``: the
``safetensors`` and ``onnx`` packages); ``network2`` needs nothing.  Every
reader validates names, shapes and values and raises ``ValueError`` with one
line; every writer is atomic (:mod:`deltaprop.io.atomic_writes`).
"""

from __future__ import annotations

from .common import require  # noqa: F401  (re-exported: the one-line message for a missing extra)

EXPORT_FORMATS = ("safetensors", "onnx", "network2", "pytorch-script")
IMPORT_FORMATS = ("safetensors", "onnx", "network2")
SUFFIXES = {".safetensors": "safetensors", ".onnx": "onnx", ".json": "network2"}


def export_network(network, path, format, metadata=None, state=None, preprocessing=True, input_dtype=None):
    """Write ``network`` to ``path`` in ``format`` (one of :data:`EXPORT_FORMATS`); returns the paths written.

    ``metadata`` is the model's metadata (from :func:`deltaprop.read_metadata`): the preprocessing travels
    with every format (in ONNX as nodes of the graph); the PyTorch script also takes the training settings from
    it, and the optimiser's state from ``state`` (a checkpoint's :class:`~deltaprop.core.training.TrainingState`).
    ``preprocessing=False`` leaves the scaling nodes out of an ONNX graph (it then expects scaled inputs);
    ``input_dtype="uint8"`` makes its input raw bytes (pixels), cast to the network's dtype first.
    """
    from . import network2, onnx_format, pytorch_script, safetensors_format
    if format not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {format!r}; valid: {', '.join(EXPORT_FORMATS)}")
    if format == "pytorch-script":
        return pytorch_script.save(network, path, metadata or {}, state)
    if format == "onnx":
        return onnx_format.save(network, path, metadata or {}, preprocessing, input_dtype)
    writers = {"safetensors": safetensors_format.save, "network2": network2.save}
    return writers[format](network, path, metadata or {})


def import_network(path, format=None, dtype=None):
    """Read a network written in one of :data:`IMPORT_FORMATS`; ``format`` defaults from the suffix.

    Returns ``(network, metadata)``.  ``dtype`` (network2 only, which stores none) defaults to float64.
    """
    from . import network2, onnx_format, safetensors_format
    if format is None:
        suffix = "." + str(path).rpartition(".")[2].lower()
        if suffix not in SUFFIXES:
            raise ValueError(f"{path}: cannot tell the format from the name; give it: {', '.join(IMPORT_FORMATS)}")
        format = SUFFIXES[suffix]
    readers = {"safetensors": safetensors_format.load, "onnx": onnx_format.load,
               "network2": lambda p: network2.load(p, dtype=dtype)}
    if format not in readers:
        raise ValueError(f"unknown import format {format!r}; valid: {', '.join(IMPORT_FORMATS)}")
    return readers[format](path)
