"""A generated PyTorch training script that goes on where deltaprop stopped, on one process or under torchrun.

``deltaprop export MODEL --format pytorch-script -o train_torch.py`` writes

* ``train_torch.py``: the script (its text is :mod:`deltaprop.interop.torch_template`, filled in here);
* ``train_torch.safetensors``: the weights as an ``nn.Sequential`` state_dict + deltaprop's metadata;
* ``train_torch.optimizer.safetensors`` when MODEL is a checkpoint with optimiser memory: PyTorch's own
  state tensors (SGD's ``momentum_buffer``, Adam's ``exp_avg`` / ``exp_avg_sq``) under the parameter names.

What is carried, as PyTorch's equivalents: the optimiser and its state (the step count too), the schedule and
the epoch reached, dropout rates (``nn.Dropout`` after the activation), L2 weight decay (``weight_decay = λ/n``
on the weights only, ``n`` = the training samples), the input preprocessing and the cost (on logits).  What
cannot be carried is refused (L1 decay) or said on stderr by :func:`notes` (no optimiser state in a saved model,
dropout masks and shuffling drawn by PyTorch's generator, early stopping not done by the script).
"""

from __future__ import annotations

import json
import os

import numpy as np

from ..io.atomic_writes import write_bytes, write_text
from ..core.schedules import Cosine, Step, get_schedule
from . import safetensors_format
from . import torch_model_code as model
from .common import require, sequential_index
from .torch_template import TEMPLATE

STATE_NAMES = {"momentum": {"velocity": "momentum_buffer"}, "nesterov": {"velocity": "momentum_buffer"},
               "adam": {"m": "exp_avg", "v": "exp_avg_sq"}, "sgd": {}}


def save(network, path, metadata, state=None):
    """Write the script, its weights and (from a checkpoint's ``state``) the optimiser state; returns the paths."""
    path = os.fspath(path)
    stem = path[:-3] if path.endswith(".py") else path
    weights_path, state_path = stem + ".safetensors", stem + ".optimizer.safetensors"
    training = _training(network, metadata, state)
    tensors = _optimizer_tensors(network, training, state)
    text = _fill(network, training, os.path.basename(path), os.path.basename(weights_path),
                 os.path.basename(state_path) if tensors else None, metadata)
    safetensors_format.save(network, weights_path, metadata)
    written = [path, weights_path]
    if tensors:
        st = require("safetensors.numpy")
        write_bytes(state_path, st.save(tensors, metadata={"steps": str(training["steps"])}))
        written.append(state_path)
    write_text(path, text)
    return written


def notes(network, metadata, state=None):
    """What the script does not carry exactly, one line each (the export command prints them)."""
    training = _training(network, metadata, state)
    lines = []
    if not (metadata or {}).get("training"):
        lines.append("the model has no training settings: the script uses SGD, η = 0.1, batch 32 (edit TRAINING)")
    if training["optimizer"] != "sgd" and state is None:
        lines.append(f"a saved model carries no {training['optimizer']} state: the script starts it afresh; "
                     f"export a checkpoint (train --checkpoint-dir) to continue exactly")
    if any(layer.dropout for layer in network.layers):
        lines.append("dropout masks are drawn by PyTorch's generator (same rates, other random numbers)")
    validation = ((metadata or {}).get("training") or {}).get("validation")
    if validation:
        lines.append(f"deltaprop held {validation:.3g} of the data out for validation: give the script the same "
                     f"training rows to continue exactly (λ/n and the batches depend on them)")
    if training.get("early_stopping"):
        lines.append("early stopping is not done by the script (it trains every epoch it is given)")
    return lines


# ------------------------------------------------------------------ what deltaprop's run leaves behind
def _training(network, metadata, state):
    """The run's settings and position, as the script's TRAINING dict (plain numbers and strings)."""
    config = dict((metadata or {}).get("training") or {})
    epochs = int(config.get("epochs") or 1)
    if state is not None:
        saved = state.optimizer
        if saved.get("l1_decay"):
            raise ValueError("L1 weight decay cannot be carried to PyTorch (its optimisers have no L1 term)")
        done, name, last = state.epoch, saved["name"], float(saved["learning_rate"])
        base, steps, hyper = state.base_learning_rate, int(saved.get("steps", 0)), dict(saved.get("hyper", {}))
    else:
        done = int(((metadata or {}).get("metrics") or {}).get("epochs", epochs if config else 0))
        name, base = str(config.get("optimizer", "sgd")), float(config.get("lr", 0.1))
        momentum = config.get("momentum")
        last, steps, hyper = base, 0, {"momentum": 0.9 if momentum is None else float(momentum)}
    if name not in STATE_NAMES:
        raise ValueError(f"optimizer {name!r} has no PyTorch equivalent here; valid: {', '.join(STATE_NAMES)}")
    defaults = {"adam": {"beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8}, "momentum": {"momentum": 0.9},
                "nesterov": {"momentum": 0.9}, "sgd": {}}[name]
    hyper = {key: float(hyper.get(key, value)) for key, value in defaults.items()}
    schedule = get_schedule(config.get("schedule") or "constant", max(epochs, 1))
    return {"optimizer": name, "learning_rate": base, "last_learning_rate": last, "schedule": schedule.spec(),
            "epochs": max(epochs, done), "epochs_done": done, "steps": steps,
            "batch_size": int(config.get("batch_size") or 32), "weight_decay": float(config.get("weight_decay") or 0),
            "early_stopping": config.get("early_stopping"), "hyper": hyper, "schedule_object": schedule}


def _optimizer_tensors(network, training, state):
    """PyTorch's optimiser state tensors by parameter name, from deltaprop's (None when there is none)."""
    if state is None or not training["steps"] or training["optimizer"] == "sgd":
        return None
    names = [f"{sequential_index(l)}.{kind}" for l, layer in enumerate(network.layers, start=1)
             for kind in (("weight", "bias") if layer.train_biases else ("weight",))]
    slots = state.optimizer.get("state", {})
    tensors = {}
    for index, name in enumerate(names):
        for ours, theirs in STATE_NAMES[training["optimizer"]].items():
            value = np.asarray(slots[index][ours], dtype=network.dtype)
            if ours == "velocity":          # deltaprop: w += v with v = μv − ηg; PyTorch: w −= η·buf, buf = μbuf + g
                value = -value / training["last_learning_rate"]
            tensors[f"{name}.{theirs}"] = np.ascontiguousarray(value)
    return tensors


# ------------------------------------------------------------------ the script's text
def _fill(network, training, script, weights, state_file, metadata):
    dtype = "float32" if network.dtype == np.float32 else "float64"
    slots = {
        "SCRIPT": script, "WEIGHTS": weights, "DTYPE": dtype,
        "OPTIMIZER_STATE": f'HERE / "{state_file}"   # the optimiser\'s memory, in PyTorch\'s names'
        if state_file else "None                 # a saved model carries no optimiser state",
        "TRAINING": _training_literal(training),
        "PREPROCESSING_NOTE": _preprocessing_note((metadata or {}).get("preprocessing")),
        "POSITION": f"epoch {training['epochs_done']} of {training['epochs']}, {training['steps']} steps, "
                    f"learning rate {training['last_learning_rate']:.6g} ({training['optimizer']}, schedule "
                    f"{training['schedule']}).",
        "CARRIED_NOTE": "The optimiser's state comes from the checkpoint." if state_file else
                        "(The optimiser starts with fresh state: export a checkpoint to carry it.)",
        "LAYERS": model.layers(network), "FROZEN": model.frozen(network), "OUTPUT": model.output(network),
        "COST": model.cost(network), "TARGETS": model.targets(network),
        "SCHEDULE": _schedule(training["schedule_object"]), "OPTIMIZER": _optimizer(training, state_file),
    }
    text = TEMPLATE if isinstance(training["schedule_object"], Cosine) else TEMPLATE.replace("import math\n", "")
    for key, value in slots.items():
        text = text.replace(f"@@{key}@@", value)
    return text


def _training_literal(training):
    keys = {"optimizer": "deltaprop's optimiser", "learning_rate": "η0, the schedule's base rate",
            "last_learning_rate": "η of the last epoch deltaprop trained", "schedule": "deltaprop's --schedule",
            "epochs": "the run's length (the schedule spans it)", "epochs_done": "deltaprop stopped after this epoch",
            "steps": "optimiser steps taken so far", "batch_size": "the global batch",
            "weight_decay": "L2 λ: the weights decay by λ/n per step (n = training samples)"}
    lines = [f"    {json.dumps(key)}: {json.dumps(training[key])},".ljust(48) + f"# {comment}"
             for key, comment in keys.items()]
    lines += [f"    {json.dumps(key)}: {json.dumps(value)}," for key, value in sorted(training["hyper"].items())]
    return "{\n" + "\n".join(lines) + "\n}"


def _preprocessing_note(spec):
    kind = (spec or {}).get("kind", "none")
    if kind == "unit":
        return f"x / {spec['maximum']:g}"
    if kind == "standardize":
        return "(x − mean) / std per feature (the numbers are in the weights' metadata)"
    return "none"


def _schedule(schedule):
    head = 'def learning_rate(epoch, epochs):\n    """η for `epoch` (1-based, counted from the start of deltaprop\'s run)'
    if isinstance(schedule, Cosine):
        return (head + ": deltaprop's cosine schedule,\n"
                '    half a cosine from η0 at epoch 1 down towards its minimum after `epochs` epochs."""\n'
                f"    minimum = {schedule.minimum!r}\n"
                "    progress = min(epoch - 1, epochs) / epochs\n"
                '    return minimum + (TRAINING["learning_rate"] - minimum) * 0.5 * (1.0 + math.cos(math.pi * progress))')
    if isinstance(schedule, Step):
        return (head + f": η0 times {schedule.gamma!r} every\n"
                f'    {schedule.step_size} epochs (deltaprop\'s step schedule)."""\n'
                f'    return TRAINING["learning_rate"] * {schedule.gamma!r} ** ((epoch - 1) // {schedule.step_size})')
    return head + ': constant."""\n    return TRAINING["learning_rate"]'


def _optimizer(training, state_file):
    name = training["optimizer"]
    lines = ['def make_optimizer(model, n):',
             f'    """deltaprop\'s {name}, at the learning rate it last used; L2 weight decay λ/n on the weights only',
             '    (Nielsen ch. 3), n = the number of training samples (all processes together)."""',
             '    weights = [p for name, p in model.named_parameters() if name.endswith("weight")]',
             '    biases = [p for name, p in model.named_parameters() if name.endswith("bias") and p.requires_grad]',
             '    groups = [{"params": weights, "weight_decay": TRAINING["weight_decay"] / n},',
             '              {"params": biases, "weight_decay": 0.0}]']
    if name == "adam":
        lines.append('    optimizer = torch.optim.Adam(groups, lr=TRAINING["last_learning_rate"],\n'
                     '                                 betas=(TRAINING["beta1"], TRAINING["beta2"]), '
                     'eps=TRAINING["epsilon"])')
    elif name in ("momentum", "nesterov"):
        lines.append('    optimizer = torch.optim.SGD(groups, lr=TRAINING["last_learning_rate"], '
                     f'momentum=TRAINING["momentum"],\n                                nesterov={name == "nesterov"})')
    else:
        lines.append('    optimizer = torch.optim.SGD(groups, lr=TRAINING["last_learning_rate"])')
    if state_file and name == "adam":
        lines += ['    saved = load_file(OPTIMIZER_STATE)              # deltaprop\'s moments m and v, as PyTorch names them',
                  '    for name, p in model.named_parameters():',
                  '        if p.requires_grad:',
                  '            optimizer.state[p] = {"step": torch.tensor(float(TRAINING["steps"])),',
                  '                                  "exp_avg": saved[f"{name}.exp_avg"].to(p.device),',
                  '                                  "exp_avg_sq": saved[f"{name}.exp_avg_sq"].to(p.device)}']
    elif state_file:
        lines += ['    saved = load_file(OPTIMIZER_STATE)              # deltaprop\'s velocities v as buffers −v/η',
                  '    for name, p in model.named_parameters():',
                  '        if p.requires_grad:',
                  '            optimizer.state[p] = {"momentum_buffer": saved[f"{name}.momentum_buffer"].to(p.device)}']
    lines.append('    return optimizer')
    lines += ['', '', 'def set_learning_rate(optimizer, rate):']
    if name in ("momentum", "nesterov"):
        lines += ['    """Set η for the epoch.  deltaprop\'s velocity v ← μv − ηg keeps the η it was taken with; PyTorch\'s',
                  '    buffer is multiplied by the current η, so when η changes the buffers are scaled by old/new η:',
                  '    the very same steps."""',
                  '    for group in optimizer.param_groups:',
                  '        for p in group["params"]:',
                  '            if "momentum_buffer" in optimizer.state.get(p, {}):',
                  '                optimizer.state[p]["momentum_buffer"].mul_(group["lr"] / rate)',
                  '        group["lr"] = rate']
    else:
        lines += ['    """Set η for the epoch."""',
                  '    for group in optimizer.param_groups:',
                  '        group["lr"] = rate']
    return "\n".join(lines)
