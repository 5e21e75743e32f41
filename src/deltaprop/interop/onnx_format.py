"""ONNX: one ``Gemm`` (transB = 1, so ``z = a Wᵀ + b`` with ``W`` stored as ``(n_out, n_in)``) and one activation
node per layer, built with the ``onnx`` package's helper API and checked with ``onnx.checker``.

Input ``input`` ``(batch, d_0)``, output ``output`` ``(batch, d_L)``: the same
numbers as ``Network.predict``.  Opset :data:`OPSET`.  Our metadata (loss,
activations, sizes) rides in ``metadata_props`` under the key ``deltaprop``.
Reading back accepts exactly this shape of graph and names any other op.
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


def build_model(network, metadata=None):
    """The ``onnx.ModelProto`` for ``network`` (checked)."""
    onnx = require("onnx")
    helper, numpy_helper = onnx.helper, onnx.numpy_helper
    elem = onnx.TensorProto.FLOAT if network.dtype == np.float32 else onnx.TensorProto.DOUBLE
    nodes, inits, current = [], [], "input"
    for l, layer in enumerate(network.layers, start=1):
        inits += [numpy_helper.from_array(layer.weights, f"W{l}"), numpy_helper.from_array(layer.biases, f"b{l}")]
        z = f"z{l}"
        nodes.append(helper.make_node("Gemm", [current, f"W{l}", f"b{l}"], [z], name=f"layer{l}_gemm", transB=1))
        out = "output" if l == len(network.layers) else f"a{l}"
        act = layer.activation
        attrs = {"axis": 1} if act.name == "softmax" else {"alpha": act.slope} if act.name == "leaky-relu" else {}
        nodes.append(helper.make_node(ACTIVATION_OPS[act.name], [z], [out], name=f"layer{l}_{act.name}", **attrs))
        current = out
    graph = helper.make_graph(nodes, "deltaprop", [helper.make_tensor_value_info("input", elem, ["batch",
                                                                                              network.sizes[0]])],
                              [helper.make_tensor_value_info("output", elem, ["batch", network.sizes[-1]])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="deltaprop")
    model.ir_version = min(model.ir_version, 10)            # readable by current ONNX runtimes
    helper.set_model_props(model, {"deltaprop": common.dumps(common.describe(network, metadata))})
    onnx.checker.check_model(model)
    return model


def save(network, path, metadata):
    write_bytes(path, build_model(network, metadata).SerializeToString())
    return [str(path)]


def load(path):
    onnx = require("onnx")
    path = common.check_file(path)
    try:
        model = onnx.load(path)
        onnx.checker.check_model(model)
    except Exception as exc:        # protobuf's DecodeError, onnx's ValidationError, ...
        raise ValueError(f"{path}: not a valid ONNX model ({type(exc).__name__}: "
                         f"{str(exc).splitlines()[0] if str(exc) else ''})") from None
    props = {p.key: p.value for p in model.metadata_props}
    description = loads_json(props.get("deltaprop", "null"), f"{path}: the deltaprop metadata")
    inits = {t.name: onnx.numpy_helper.to_array(t) for t in model.graph.initializer}
    nodes = list(model.graph.node)
    weights, biases, activations = [], [], []
    current = model.graph.input[0].name if model.graph.input else None
    for i in range(0, len(nodes), 2):
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
                or gemm.input[2] not in inits or list(act.input) != [gemm.output[0]]:
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
    if isinstance(description, dict) and [a.split(":")[0] for a in description.get("activations", [])] != \
            [a.split(":")[0] for a in activations]:
        raise ValueError(f"{path}: the graph's activations {activations} differ from its deltaprop metadata")
    return common.build(description, weights, biases, path)
