"""The model half of the generated PyTorch script: the network as ``nn.Sequential`` source, its output
function, deltaprop's cost on the logits and the targets' conversion (filled into
:mod:`deltaprop.interop.torch_template` by :mod:`deltaprop.interop.pytorch_script`)."""

from __future__ import annotations

from .common import sequential_index

TORCH_MODULES = {"sigmoid": "nn.Sigmoid()", "tanh": "nn.Tanh()", "relu": "nn.ReLU()", "linear": "nn.Identity()",
                 "softmax": "nn.Softmax(dim=1)"}
TORCH_FUNCTIONS = {"sigmoid": "torch.sigmoid(logits)", "tanh": "torch.tanh(logits)", "relu": "torch.relu(logits)",
                   "linear": "logits", "softmax": "torch.softmax(logits, dim=1)"}

def activation_module(name, dropout):
    base, _, slope = name.partition(":")
    module = f"nn.LeakyReLU({float(slope or 0.01)!r})" if base == "leaky-relu" else TORCH_MODULES[base]
    return f"nn.Sequential({module}, nn.Dropout({dropout!r}))" if dropout else module


def layers(network):
    lines = []
    for l, (layer, activation) in enumerate(zip(network.layers, network.activations), start=1):
        n_out, n_in = layer.weights.shape
        lines.append(f"        nn.Linear({n_in}, {n_out}),".ljust(40) + f"# {sequential_index(l)}: W of layer {l + 1} "
                     f"in Nielsen's numbering, ({n_out}, {n_in})")
        if l < len(network.layers):
            lines.append(f"        {activation_module(activation, layer.dropout)},")
    return "\n".join(lines)


def frozen(network):
    return "".join(f"    model[{sequential_index(l)}].bias.requires_grad_(False)   # deltaprop keeps these biases fixed\n"
                   for l, layer in enumerate(network.layers, start=1) if not layer.train_biases)


def output(network):
    name = network.activations[-1]
    base, _, slope = name.partition(":")
    expression = (f"nn.functional.leaky_relu(logits, {float(slope or 0.01)!r})" if base == "leaky-relu"
                  else TORCH_FUNCTIONS[base])
    labels = ("(predict(logits)[:, 0] >= 0.5).long()" if network.sizes[-1] == 1
              else "predict(logits).argmax(dim=1)")
    return (f'def predict(logits):\n    """The network\'s outputs a^L: {name} of the logits."""\n'
            f"    return {expression}\n\n\n"
            f'def predicted_labels(logits):\n    """Class labels, as deltaprop: the largest output '
            f'(one output: a >= 0.5)."""\n    return {labels}')


def cost(network):
    loss, output = network.loss.name, network.activations[-1]
    head = 'def cost(logits, y):\n    """deltaprop\'s cost C'
    if loss == "cross-entropy" and output == "softmax":
        return (head + " = −Σ_j y_j ln a_j, a = softmax(z), mean over the batch: PyTorch's cross_entropy on\n"
                '    the logits (y: class indices or probability rows)."""\n'
                "    return nn.functional.cross_entropy(logits, y)")
    if loss == "binary-cross-entropy" and output == "sigmoid":
        return (head + " = −Σ_j [y_j ln a_j + (1 − y_j) ln(1 − a_j)], a = sigmoid(z): summed over the outputs,\n"
                '    mean over the batch (PyTorch\'s mean would also divide by the number of outputs)."""\n'
                "    return nn.functional.binary_cross_entropy_with_logits(logits, y, reduction=\"sum\") / len(y)")
    if loss == "quadratic":
        return (head + ' = ½‖a − y‖², summed over the outputs, mean over the batch (Nielsen\'s eq. 6)."""\n'
                "    return 0.5 * nn.functional.mse_loss(predict(logits), y, reduction=\"sum\") / len(y)")
    if loss == "binary-cross-entropy":
        return (head + " = −Σ_j [y_j ln a_j + (1 − y_j) ln(1 − a_j)], summed over the outputs, mean over\n"
                '    the batch."""\n'
                "    return nn.functional.binary_cross_entropy(predict(logits), y, reduction=\"sum\") / len(y)")
    return (head + ' = −Σ_j y_j ln a_j, summed over the outputs, mean over the batch."""\n'
            "    return -(y * torch.log(predict(logits))).sum() / len(y)")


def targets(network):
    n = network.sizes[-1]
    head = "def targets(y):\n"
    if network.loss.name == "cross-entropy" and network.activations[-1] == "softmax":
        return (head + '    """Class labels (any integer type) as class indices; probability rows as they are."""\n'
                "    y = np.asarray(y)\n"
                "    if y.ndim == 1 and np.issubdtype(y.dtype, np.integer):\n"
                "        return torch.from_numpy(y.astype(np.int64))\n"
                "    return torch.from_numpy(np.array(y, dtype=np.float64)).to(DTYPE)")
    if n == 1:
        return (head + '    """Labels 0/1 or real targets as one column."""\n'
                "    y = np.asarray(y)\n"
                "    return torch.from_numpy(np.array(y, dtype=np.float64).reshape(len(y), 1)).to(DTYPE)")
    return (head + '    """Class labels (any integer type) as one-hot rows; real targets as they are."""\n'
            "    y = np.asarray(y)\n"
            "    if y.ndim == 1 and np.issubdtype(y.dtype, np.integer):\n"
            f"        return nn.functional.one_hot(torch.from_numpy(y.astype(np.int64)), {n}).to(DTYPE)\n"
            "    return torch.from_numpy(np.array(y, dtype=np.float64).reshape(len(y), -1)).to(DTYPE)")
