"""ONNX: one ``Gemm`` (transB = 1, so ``z = a Wᵀ + b`` with ``W`` stored as ``(n_out, n_in)``) and one activation
node per layer, built with the ``onnx`` package's helper API and checked with ``onnx.checker``.

Input ``input`` ``(batch, d_0)``, output ``output`` ``(batch, d_L)``.  The model's input scaling comes first, as
nodes of the graph (on by default; ``preprocessing=False`` leaves it out): ``Mul`` by ``1/maximum`` for ``unit``,
``Div`` by ``std`` then ``Sub`` of ``mean/std`` for ``standardize`` -- deltaprop's own arithmetic, constant for
constant -- so the graph takes the raw inputs deltaprop reads (pixels 0..255) and gives the numbers ``deltaprop
predict`` gives; with ``input_dtype="uint8"`` the input is bytes and a ``Cast`` comes first.  The graph's
``doc_string`` says which inputs it expects.  Opset :data:`OPSET`.  Our metadata
(loss, activations, sizes, the preprocessing) rides in ``metadata_props`` under the key ``deltaprop``.  Reading
back accepts exactly this shape of graph, checks the scaling nodes against the metadata, and names any other op.
External data (tensors stored in other files) is refused: a model deltaprop writes never has any.
"""

from __future__ import annotations


import numpy as np

from ..io.atomic_writes import write_bytes
from ..io.safe_read import loads_json
from . import common
from .common import require

OPSET = 17
ACTIVATION_OPS = {"sigmoid": "Sigmoid", "tanh": "Tanh", "relu": "Relu", "leaky-relu": "LeakyRelu",
                  "softmax": "Softmax", "linear": "Identity"}
OPS_ACTIVATIONS = {op: name for name, op in ACTIVATION_OPS.items()}


def scaling(spec, dtype):
    """``[(op, name, constant)]``: the preprocessing ``spec`` as graph nodes, with deltaprop's constants in ``dtype``."""
    kind = (spec or {}).get("kind", "none")
    if kind == "unit":
        return [("Mul", "inverse_maximum", np.asarray(1.0 / spec["maximum"], dtype=dtype))]
    if kind == "standardize":
        mean, std = np.asarray(spec["mean"], dtype), np.asarray(spec["std"], dtype)
        return [("Div", "std", std), ("Sub", "mean_over_std", mean / std)]
    return []


def build_model(network, metadata=None, preprocessing=True, input_dtype=None):
    """The ``onnx.ModelProto`` for ``network`` (checked); with ``preprocessing`` the input scaling comes first.

    ``input_dtype="uint8"`` declares the input as bytes (raw pixels) and casts them to the network's dtype first.
    """
    onnx = require("onnx")
    helper, numpy_helper = onnx.helper, onnx.numpy_helper
    elem = onnx.TensorProto.FLOAT if network.dtype == np.float32 else onnx.TensorProto.DOUBLE
    nodes, inits, current = [], [], "input"
    if input_dtype not in (None, "uint8"):
        raise ValueError(f"unknown ONNX input type {input_dtype!r}; valid: uint8 (default: the network's dtype)")
    if input_dtype == "uint8":
        nodes.append(helper.make_node("Cast", ["input"], ["input_cast"], name="input_cast", to=elem))
        current = "input_cast"
    steps = scaling((metadata or {}).get("preprocessing"), network.dtype) if preprocessing else []
    for op, name, constant in steps:
        inits.append(numpy_helper.from_array(constant, name))
        nodes.append(helper.make_node(op, [current, name], [f"scaled_{name}"], name=f"preprocess_{op.lower()}"))
        current = f"scaled_{name}"
    for l, layer in enumerate(network.layers, start=1):
        inits += [numpy_helper.from_array(layer.weights, f"W{l}"), numpy_helper.from_array(layer.biases, f"b{l}")]
        z = f"z{l}"
        nodes.append(helper.make_node("Gemm", [current, f"W{l}", f"b{l}"], [z], name=f"layer{l}_gemm", transB=1))
        out = "output" if l == len(network.layers) else f"a{l}"
        act = layer.activation
        attrs = {"axis": 1} if act.name == "softmax" else {"alpha": act.slope} if act.name == "leaky-relu" else {}
        nodes.append(helper.make_node(ACTIVATION_OPS[act.name], [z], [out], name=f"layer{l}_{act.name}", **attrs))
        current = out
    given = onnx.TensorProto.UINT8 if input_dtype == "uint8" else elem
    graph = helper.make_graph(nodes, "deltaprop", [helper.make_tensor_value_info("input", given, ["batch",
                                                                                               network.sizes[0]])],
                              [helper.make_tensor_value_info("output", elem, ["batch", network.sizes[-1]])], inits)
    graph.doc_string = (f"input: raw features as deltaprop reads them; the graph scales them first "
                        f"({' then '.join(op for op, _, _ in steps)})" if steps else
                        "input: features already preprocessed as the model's metadata says" if
                        (metadata or {}).get("preprocessing", {}).get("kind", "none") != "none" else
                        "input: features as they are (the model has no preprocessing)")
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="deltaprop")
    model.ir_version = min(model.ir_version, 10)            # readable by current ONNX runtimes
    helper.set_model_props(model, {"deltaprop": common.dumps(common.describe(network, metadata))})
    onnx.checker.check_model(model)
    return model


def save(network, path, metadata, preprocessing=True, input_dtype=None):
    write_bytes(path, build_model(network, metadata, preprocessing, input_dtype).SerializeToString())
    return [str(path)]


def load(path):
    onnx = require("onnx")
    path = common.check_file(path)
    try:
        model = onnx.load(path, load_external_data=False)    # never follow a path written inside the file
    except Exception as exc:        # protobuf's DecodeError, ...
        raise ValueError(f"{path}: not a valid ONNX model ({type(exc).__name__}: "
                         f"{str(exc).splitlines()[0] if str(exc) else ''})") from None
    for tensor in model.graph.initializer:
        if tensor.data_location == onnx.TensorProto.EXTERNAL or tensor.external_data:
            where = {entry.key: entry.value for entry in tensor.external_data}.get("location", "?")
            raise ValueError(f"{path}: tensor {tensor.name!r} keeps its data in another file ({where!r}); deltaprop "
                             f"reads self-contained ONNX models only (as it writes them)")
    try:
        onnx.checker.check_model(model)
    except Exception as exc:        # onnx's ValidationError, ...
        raise ValueError(f"{path}: not a valid ONNX model ({type(exc).__name__}: "
                         f"{str(exc).splitlines()[0] if str(exc) else ''})") from None
    props = {p.key: p.value for p in model.metadata_props}
    description = loads_json(props.get("deltaprop", "null"), f"{path}: the deltaprop metadata")
    if not isinstance(description, dict):
        raise ValueError(f"{path}: no deltaprop metadata (the file was not written by deltaprop export)")
    inits = {t.name: _array(onnx, t, path) for t in model.graph.initializer}
    nodes = list(model.graph.node)
    current = model.graph.input[0].name if model.graph.input else None
    if nodes and nodes[0].op_type == "Cast" and list(nodes[0].input) == [current] and len(nodes[0].output) == 1:
        current = nodes.pop(0).output[0]         # raw bytes in (export --input-dtype uint8); the values are the same
    first = _check_scaling(path, nodes, inits, current, description)
    if first:
        current = nodes[first - 1].output[0]
    weights, biases, activations = [], [], []
    for i in range(first, len(nodes), 2):
        gemm, act = nodes[i], nodes[i + 1] if i + 1 < len(nodes) else None
        attrs = {a.name: onnx.helper.get_attribute_value(a) for a in gemm.attribute}
        if gemm.op_type != "Gemm" or attrs.get("transB") != 1 or attrs.get("transA", 0) != 0 \
                or attrs.get("alpha", 1.0) != 1.0 or attrs.get("beta", 1.0) != 1.0:
            raise ValueError(f"{path}: node {i} is {gemm.op_type} {attrs}; deltaprop reads Gemm(transB=1) followed "
                             f"by one of {', '.join(OPS_ACTIVATIONS)} per layer")
        if act is None or act.op_type not in OPS_ACTIVATIONS:
            raise ValueError(f"{path}: unsupported ONNX op {act.op_type if act else 'none'} after node {i}; "
                             f"deltaprop reads {', '.join(OPS_ACTIVATIONS)}")
        if len(gemm.input) != 3 or gemm.input[0] != current or gemm.input[1] not in inits \
                or gemm.input[2] not in inits or list(act.input) != [gemm.output[0]] or len(act.output) != 1:
            raise ValueError(f"{path}: node {i} is not wired as one layer after another")
        weights.append(inits[gemm.input[1]]), biases.append(inits[gemm.input[2]])
        act_attrs = {a.name: onnx.helper.get_attribute_value(a) for a in act.attribute}
        name = OPS_ACTIVATIONS[act.op_type]
        if name == "leaky-relu":
            name = f"leaky-relu:{act_attrs.get('alpha', 0.01):g}"
        activations.append(name)
        current = act.output[0]
    if not weights:
        raise ValueError(f"{path}: the graph has no layers")
    if [str(a).split(":")[0] for a in description.get("activations") or []] != [a.split(":")[0] for a in activations]:
        raise ValueError(f"{path}: the graph's activations {activations} differ from its deltaprop metadata")
    return common.build(description, weights, biases, path)


def _array(onnx, tensor, path):
    """An initializer as an array, its byte count checked against its declared shape before anything is built."""
    dims = [int(d) for d in tensor.dims]
    count = int(np.prod(dims, dtype=object)) if dims else 1
    if any(d < 0 for d in dims) or count > common.MAX_FILE_BYTES:
        raise ValueError(f"{path}: tensor {tensor.name!r} declares the shape {dims}, larger than the file")
    try:
        dtype = onnx.helper.tensor_dtype_to_np_dtype(tensor.data_type)
        stored = len(tensor.raw_data) if tensor.HasField("raw_data") else None
        if stored is not None and stored != count * dtype.itemsize:
            raise ValueError(f"holds {stored} bytes where the shape {dims} of {dtype} needs {count * dtype.itemsize}")
        return onnx.numpy_helper.to_array(tensor)
    except Exception as exc:        # an unknown data type, values that do not fill the shape, ...
        raise ValueError(f"{path}: tensor {tensor.name!r} {str(exc).splitlines()[0] if str(exc) else ''}") from None


def _check_scaling(path, nodes, inits, current, description):
    """The number of leading scaling nodes, checked against the metadata's preprocessing (constant for constant)."""
    found = []
    for node in nodes:
        if node.op_type not in ("Mul", "Div", "Sub"):
            break
        if len(node.input) != 2 or node.input[0] != current or node.input[1] not in inits or len(node.output) != 1:
            raise ValueError(f"{path}: the scaling node {node.name or node.op_type!r} is not wired input → layer 1")
        found.append((node.op_type, inits[node.input[1]]))
        current = node.output[0]
    if not found:
        return 0
    metadata = description.get("metadata") if isinstance(description.get("metadata"), dict) else {}
    try:
        dtype = np.dtype(str(description.get("dtype")))
        expected = [(op, constant) for op, _, constant in scaling(metadata.get("preprocessing"), dtype)]
    except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
        raise ValueError(f"{path}: bad deltaprop metadata ({exc})") from None
    if [op for op, _ in found] != [op for op, _ in expected] or not all(
            a.shape == b.shape and a.dtype == b.dtype and np.array_equal(a, b)
            for (_, a), (_, b) in zip(found, expected)):
        raise ValueError(f"{path}: the graph scales its inputs with {', '.join(op for op, _ in found)} but its "
                         f"metadata's preprocessing is {metadata.get('preprocessing')!r:.80}; they must agree")
    return len(found)
