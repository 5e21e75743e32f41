"""Assemble the whole explanation: set-up, the chosen form(s), the result, the rounding note."""

from __future__ import annotations

import numpy as np

from ..teach import mazur
from . import demon, derive, matrix, neuron
from .document import Count, Eq, Figure, Heading, Note, Para, Terms, Printed
from .expr import Matrix, Num, Sym, Word, equation

FORMS = ("neuron", "matrix", "both")
DETAILS = ("concise", "derive")


def check_detail(detail):
    if detail not in DETAILS:
        raise ValueError(f"unknown detail {detail!r}; valid: {', '.join(DETAILS)}")
    return detail


def check_form(form):
    if form not in FORMS:
        raise ValueError(f"unknown form {form!r}; valid: {', '.join(FORMS)}")
    return form


def document(trace, names, form, detail="concise"):
    """Every block of the explanation, in reading order (``detail="derive"`` adds where each factor comes from
    and the demon check)."""
    check_form(form)
    check_detail(detail)
    net = trace.network
    out = [Heading(1, "title_mazur" if is_mazur(trace) else "title"), Para("intro"),
           Para(f"numbering_{names.numbering}"), Para("legend_text"), Para("notation_bridge")]
    out += _setup(trace, names)
    out.append(Figure("before"))
    if form in ("neuron", "both"):
        out += neuron.build(trace, names)
    if form in ("matrix", "both"):
        out += matrix.build(trace, names)
    if detail == "derive":
        out += derive.build(trace, names)
    out.append(Heading(2, "result"))
    out.append(Para("new_parameters"))
    for l, (layer, new) in enumerate(zip(net.layers, trace.updated.layers), start=1):
        if form == "matrix" or layer.weights.size > neuron.MAX_WEIGHTS:
            out.append(Eq(equation(Sym("W", "", f"{names.layer(l)}+"), "=", Matrix(new.weights))))
            if trace.update_biases[l - 1]:
                out.append(Eq(equation(Sym("b", "", f"{names.layer(l)}+"), "=", Matrix(new.biases[:, None]))))
            continue
        for j in range(layer.n_out):
            params = [[names.updated(names.weight(l, j, k)), "=", Num(new.weights[j, k])] for k in range(layer.n_in)]
            if trace.update_biases[l - 1]:
                params.append([names.updated(names.bias(l, j)), "=", Num(new.biases[j])])
            out.append(Eq(_listing(params)))
    out.append(Figure("after"))
    if detail == "derive":
        out += demon.build(trace, names)
    out.append(Para("loss_after_update", {"before": Num(trace.loss), "after": Num(trace.loss_after_update)}))
    if trace.steps:
        out.append(Heading(2, "after_steps", {"steps": trace.steps}))
        out.append(Para("loss_after_steps", {"steps": trace.steps, "loss": Num(trace.loss_after_steps)}))
        out += _outputs(trace, names, trace.output_after_steps, key=None)
    else:
        out += _outputs(trace, names, trace.output_after_update, key="outputs_after_update")
    if is_mazur(trace):
        steps = 10_000
        out.append(Note("rounding_note", {
            "exact1": Num(trace.loss_after_update), "printed1": Printed(mazur.PRINTED_AFTER_ONE_STEP, 9),
            "exact_many": Printed(trace.loss_after(steps), 5), "printed_many": Printed(mazur.PRINTED_AFTER_10000_STEPS, 10, fixed=True),
            "steps": Count(steps), "exact_h1": Printed(float(trace.grads.deltas[1][0, 1] * trace.network.layers[1].weights[1, 0]), 9),
            "printed_h1": Printed(mazur.PRINTED_DE_O2_DOUT_H1, 9)}))
    return out


def _listing(items):
    """``a = 1, b = 2; …`` as one equation; ``items`` are token lists."""
    out = []
    for i, item in enumerate(items):
        if i:
            out.append(Word(",  "))
        out.append(item)
    return equation(out)


def _setup(trace, names):
    net = trace.network
    out = [Para("network", {"sizes": "-".join(map(str, net.sizes)),
                            "activations": Terms(tuple(f"act_{a.split(':')[0]}" for a in net.activations)),
                            "loss": Terms((f"loss_{net.loss.name}",)), "eta": Num(trace.learning_rate)})]
    fixed = "biases_fixed_mazur" if is_mazur(trace) else "biases_fixed_setup"       # "as in the tutorial" for Mazur's
    out.append(Para("biases_trained" if all(trace.update_biases) else fixed))
    for s in range(trace.n):
        S = None if trace.n == 1 else s + 1
        x = [[names.input(k, S), "=", Num(trace.X[s, k])] for k in range(net.sizes[0])]
        y = [[names.target(j, S), "=", Num(trace.Y[s, j])] for j in range(net.sizes[-1])]
        out.append(Eq(equation(_listing(x), Word(";   "), _listing(y))))
    return out


def _outputs(trace, names, outputs, key="outputs_after_steps"):
    out = [Para(key)] if key else []
    L = trace.n_layers
    for s in range(trace.n):
        S = None if trace.n == 1 else s + 1
        items = [[names.a(L, j, S), "=", Num(outputs[s, j])] for j in range(outputs.shape[1])]
        targets = [[names.target(j, S), "=", Num(trace.Y[s, j])] for j in range(outputs.shape[1])]
        out.append(Eq(equation(_listing(items), Word(";   "), _listing(targets))))
    return out


def is_mazur(trace):
    """True for exactly the tutorial's network, pair and learning rate (then the rounding note applies)."""
    net = trace.network
    return (net.sizes == [2, 2, 2] and net.activations == mazur.ACTIVATIONS and net.loss.name == mazur.LOSS
            and trace.learning_rate == mazur.LEARNING_RATE and not any(trace.update_biases)
            and all(np.array_equal(layer.weights, w) for layer, w in zip(net.layers, mazur.WEIGHTS))
            and all(np.array_equal(layer.biases, b) for layer, b in zip(net.layers, mazur.BIASES))
            and trace.n == 1 and np.array_equal(trace.X[0], mazur.INPUT) and np.array_equal(trace.Y[0], mazur.TARGET))
