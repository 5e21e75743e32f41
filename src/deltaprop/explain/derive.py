"""``detail="derive"``: where each factor of the chain rule comes from, for any network and pair.

Mazur derives every factor before he multiplies: the power rule gives
``−(target − out)``, the sigmoid's derivative is ``out(1 − out)``, ``∂net/∂w``
is the input the weight carries, a hidden output reaches the cost through every
neuron above it.  Nielsen (ch. 2) writes the same in general form.  This module
does both for the network at hand: for each factor the function as the network
defines it, its derivative in general form (Nielsen's notation), then the
numbers of this step.  The numbers are the engine's (:class:`~.model.Trace`);
:func:`factors` lists them with what each one is, for the JSON output and for
the tests that check each against finite differences.  Short remarks point at
what the numbers show: a saturated unit, a dead ReLU, a negative δ, a weight
whose sign the step flips.
"""

from __future__ import annotations

import numpy as np

from ..core.activations import Softmax
from ..core.diagnostics import UNIT_HEALTH
from . import formulas
from .document import Eq, Heading, Note, Para, Terms, Percent
from .expr import Matrix, Num, Partial, Power, Sym, Word, equation, frac, join, paren

MAX_UNITS = 6               # numbers shown per layer; the rest follow the same formula

# Nielsen's general symbols (layer letters, not numbers)
C = Sym("C")
a_L, y_j, z_L = Sym("a", "j", "L"), Sym("y", "j"), Sym("z", "j", "L")
a_j, z_j, w_jk, a_k, b_j = Sym("a", "j", "l"), Sym("z", "j", "l"), Sym("w", "jk", "l"), Sym("a", "k", "l−1"), \
    Sym("b", "j", "l")
d_j, d_L = Sym("δ", "j", "l"), Sym("δ", "j", "L")


def factors(trace):
    """Every number the derivations show, as dicts ``{"factor", "layer", "unit", ...,"value"}`` (sample 1;
    layers numbered as the engine does, units from 0).  The factors: ``dC/da`` (output), ``da/dz``
    (element-wise σ'), ``J`` (softmax Jacobian, ``unit`` i and ``input`` j), ``delta`` (output δ after any
    cancellation), ``dz/dw`` (``input`` k) and ``dC/da hidden`` (a hidden output's share of the cost)."""
    net, L = trace.network, trace.n_layers
    out = [{"factor": "dC/da", "layer": L, "unit": j, "value": float(trace.loss_gradient[0, j])}
           for j in range(net.sizes[-1])]
    for l, layer in enumerate(net.layers, start=1):
        if layer.activation.elementwise:
            out += [{"factor": "da/dz", "layer": l, "unit": j, "value": float(trace.derivatives[l - 1][0, j])}
                    for j in range(layer.n_out)]
        else:
            jac = Softmax.jacobian(trace.acts[l][0])
            out += [{"factor": "J", "layer": l, "unit": i, "input": j, "value": float(jac[i, j])}
                    for i in range(layer.n_out) for j in range(layer.n_out)]
        out += [{"factor": "dz/dw", "layer": l, "unit": j, "input": k, "value": float(trace.acts[l - 1][0, k])}
                for j in range(layer.n_out) for k in range(layer.n_in)]
        if l < L:
            out += [{"factor": "dC/da hidden", "layer": l, "unit": k, "value": float(trace.error_into(l)[0, k])}
                    for k in range(layer.n_out)]
    out += [{"factor": "delta", "layer": L, "unit": j, "value": float(trace.grads.deltas[L - 1][0, j])}
            for j in range(net.sizes[-1])]
    return out


def build(trace, names):
    """The section's blocks, in the order the chain rule uses the factors."""
    out = [Heading(2, "derive_heading"), Para("derive_intro")]
    if trace.n > 1:
        out.append(Para("derive_sample_one", {"n": trace.n}))
    out += _cost(trace, names)
    seen = []
    for l, layer in enumerate(trace.network.layers, start=1):
        if layer.activation.name not in seen:
            seen.append(layer.activation.name)
            out += _activation(trace, names, l)
    out += _output_error(trace, names)
    out += _weighted_input(trace, names)
    if trace.n_layers > 1:
        out += _hidden(trace, names)
    out += remarks(trace, names)
    return out


def _S(trace):
    return None if trace.n == 1 else 1


def _units(count):
    return range(min(count, MAX_UNITS))


def _cost(trace, names):
    loss, L, S = trace.network.loss.name, trace.n_layers, _S(trace)
    sum_j = Word("Σⱼ ")
    general = {
        "quadratic": [C, "=", sum_j, frac(1, 2), Power(paren(y_j, "−", a_L), "2")],
        "cross-entropy": [C, "=", Word("−"), sum_j, y_j, "·", Word("ln "), a_L],
        "binary-cross-entropy": [C, "=", Word("−"), sum_j, paren(y_j, "·", Word("ln "), a_L, "+",
                                                                  paren(1, "−", y_j), "·", Word("ln"), paren(1, "−", a_L))],
    }[loss]
    derivative = {
        "quadratic": [Partial(C, a_L), "=", 2, "×", frac(1, 2), paren(y_j, "−", a_L), "×", paren(-1), "=",
                      Word("−"), paren(y_j, "−", a_L), "=", a_L, "−", y_j],
        "cross-entropy": [Partial(C, a_L), "=", Word("−"), frac(y_j, a_L)],
        "binary-cross-entropy": [Partial(C, a_L), "=", Word("−"), frac(y_j, a_L), "+", frac([1, "−", y_j],
                                 [1, "−", a_L]), "=", frac([a_L, "−", y_j], [a_L, paren(1, "−", a_L)])],
    }[loss]
    out = [Heading(3, "derive_cost"), Eq(equation(general)), Para(f"derive_cost_{loss}"), Eq(equation(derivative))]
    for j in _units(trace.network.sizes[-1]):
        a_sym = names.a(L, j, S)
        sym, num = formulas.loss_gradient(trace.network.loss, a_sym, names.target(j, S), trace.acts[-1][0, j],
                                          trace.Y[0, j])
        out.append(Eq(equation(Partial(names.total(S), a_sym), "=", sym, "=", num, "=",
                               Num(trace.loss_gradient[0, j]))))
    return out


def _activation(trace, names, l):
    """σ and σ' (or the softmax Jacobian), general form, then the numbers of every layer using it."""
    layer = trace.network.layers[l - 1]
    name, S = layer.activation.name, _S(trace)
    out = [Heading(3, "derive_activation", {"name": Terms((f"act_{name}",))}),
           Para(f"derive_act_{name}", {"slope": getattr(layer.activation, "slope", 0)})]
    fname = formulas.function_name(layer.activation)
    if name == "softmax":
        out.append(Eq(equation(Sym("J", "ij"), "=", Partial(Sym("a", "i", "L"), z_L), "=", Sym("a", "i", "L"),
                               paren(Word("[i = j]"), "−", a_L))))
        jac = Softmax.jacobian(trace.acts[l][0])
        out.append(Eq(equation(Sym("J"), "=", Matrix(jac))))
        return out
    general = {"sigmoid": [a_j, paren(1, "−", a_j)], "tanh": [1, "−", Power(paren(a_j), "2")],
               "relu": [Word("1 (z > 0);  0 (z ≤ 0)")], "leaky-relu": [Word("1 (z > 0);  α (z ≤ 0)")],
               "linear": [1]}[name]
    out.append(Eq(equation(Partial(a_j, z_j), "=", Word(f"{fname}'"), paren(z_j), "=", general)))
    for l2, layer2 in enumerate(trace.network.layers, start=1):
        if layer2.activation.name != name:
            continue
        for j in _units(layer2.n_out):
            a_sym, z_sym = names.a(l2, j, S), names.z(l2, j, S)
            z, a = trace.zs[l2 - 1][0, j], trace.acts[l2][0, j]
            sym, num = formulas.derivative(layer2.activation, a_sym, z, a)
            out.append(Eq(equation(Partial(a_sym, z_sym), "=", sym, "=", num, "=" if num else [],
                                   Num(trace.derivatives[l2 - 1][0, j]))))
    return out


def _output_error(trace, names):
    net, L, S = trace.network, trace.n_layers, _S(trace)
    act, loss = net.layers[-1].activation, net.loss
    out = [Heading(3, "derive_output")]
    delta = trace.grads.deltas[L - 1][0]
    if trace.bp1_is_a_minus_y() and act.name == "sigmoid":
        out += [Para("derive_fused_bce"),
                Eq(equation(d_L, "=", frac([a_L, "−", y_j], [a_L, paren(1, "−", a_L)]), "×", a_L, paren(1, "−", a_L),
                            "=", a_L, "−", y_j), "BP1")]
    elif trace.bp1_is_a_minus_y():
        a_i, y_i = Sym("a", "i", "L"), Sym("y", "i")
        out += [Para("derive_fused_ce"),
                Eq(equation(d_L, "=", Word("Σᵢ "), Partial(C, a_i), Sym("J", "ij"), "=", Word("Σᵢ "),
                            paren(Word("−"), frac(y_i, a_i)), a_i, paren(Word("[i = j]"), "−", a_L), "=",
                            Word("−"), y_j, "+", a_L, Word(" Σᵢ "), y_i, "=", a_L, "−", y_j), "BP1")]
    elif act.elementwise:
        key = "derive_slow_quadratic" if loss.name == "quadratic" and act.name in ("sigmoid", "tanh") else \
            "derive_elementwise_output"
        out += [Para(key), Eq(equation(d_L, "=", Partial(C, a_L), "×", Partial(a_L, z_L)), "BP1")]
    else:
        out += [Para("derive_softmax_other", {"loss": Terms((f"loss_{loss.name}",))}),
                Eq(equation(Sym("δ", "", "L"), "=", Sym("J", "", "T"), Sym("∇", "a", plain=True), C), "BP1")]
    for j in _units(net.sizes[-1]):
        d_sym, a_sym = names.delta(L, j, S), names.a(L, j, S)
        if trace.bp1_is_a_minus_y():
            out.append(Eq(equation(d_sym, "=", a_sym, "−", names.target(j, S), "=", Num(trace.acts[-1][0, j]), "−",
                                   Num(trace.Y[0, j]), "=", Num(delta[j])), "BP1"))
        elif act.elementwise:
            out.append(Eq(equation(d_sym, "=", Num(trace.loss_gradient[0, j]), "×", Num(trace.derivatives[L - 1][0, j]),
                                   "=", Num(delta[j])), "BP1"))
        else:
            jac = Softmax.jacobian(trace.acts[-1][0])
            terms = [[Num(trace.loss_gradient[0, i]), "×", Num(jac[i, j])] for i in range(net.sizes[-1])]
            out.append(Eq(equation(d_sym, "=", join(terms, "+"), "=", Num(delta[j])), "BP1"))
    return out


def _weighted_input(trace, names):
    out = [Heading(3, "derive_net"), Eq(equation(z_j, "=", Word("Σₖ "), w_jk, a_k, "+", b_j)), Para("derive_net_why"),
           Eq(equation(Partial(z_j, w_jk), "=", a_k, ",   ", Partial(z_j, b_j), "=", 1, ",   ",
                       Partial(z_j, a_k), "=", w_jk)),
           Eq(equation(Partial(C, w_jk), "=", Partial(C, z_j), "×", Partial(z_j, w_jk), "=", a_k, d_j), "BP4"),
           Eq(equation(Partial(C, b_j), "=", Partial(C, z_j), "×", Partial(z_j, b_j), "=", d_j), "BP3")]
    S = _S(trace)
    for l, layer in enumerate(trace.network.layers, start=1):
        for k in _units(layer.n_in):
            out.append(Eq(equation(Partial(names.z(l, 0, S), names.weight(l, 0, k)), "=", names.a(l - 1, k, S), "=",
                                   Num(trace.acts[l - 1][0, k]))))
    return out


def _hidden(trace, names):
    a_next = Sym("z", "j", "l+1")
    out = [Heading(3, "derive_hidden"), Para("derive_hidden_why"),
           Eq(equation(Partial(C, Sym("a", "k", "l")), "=", Word("Σⱼ "), Partial(C, a_next), Partial(a_next, Sym("a", "k", "l")),
                       "=", Word("Σⱼ "), Sym("w", "jk", "l+1"), Sym("δ", "j", "l+1"))),
           Para("derive_hidden_matrix")]
    S = _S(trace)
    net = trace.network
    for l in range(trace.n_layers - 1, 0, -1):
        above = net.layers[l]
        for k in _units(net.sizes[l]):
            syms = [[names.delta(l + 1, j, S), "×", names.weight(l + 1, j, k)] for j in range(above.n_out)]
            vals = [[Num(trace.grads.deltas[l][0, j]), "×", Num(above.weights[j, k])] for j in range(above.n_out)]
            out.append(Eq(equation(Partial(names.total(S), names.a(l, k, S)), "=", join(syms, "+"), "=",
                                   join(vals, "+"), "=", Num(trace.error_into(l)[0, k]))))
    return out


def remarks(trace, names):
    """Notes where the numbers call for one: saturation, dead ReLU units, the sign of δ, a flipped weight."""
    net, out = trace.network, []
    for l, layer in enumerate(net.layers, start=1):
        z, a = trace.zs[l - 1], trace.acts[l]
        saturated = UNIT_HEALTH.saturated_units(layer.activation, z, a)        # the library's one definition
        for j in ([] if saturated is None else map(int, np.flatnonzero(saturated))):
            slope, peak = trace.derivatives[l - 1][0, j], UNIT_HEALTH.peak_slope[layer.activation.name]
            out.append(Note("remark_saturated", {"name": names.unit_label(l, j), "slope": Num(slope),
                                                 "max": Num(peak), "ratio": Percent(float(slope) / peak),
                                                 "z": Num(z[0, j])}))
        dead = UNIT_HEALTH.dead_units(layer.activation, z)
        for j in ([] if dead is None else map(int, np.flatnonzero(dead & np.any(z < 0, axis=0)))):
            out.append(Note("remark_dead", {"name": names.unit_label(l, j)}))     # (all z = 0: the kink note)
    for l, s, j in trace.kinks():
        slope = net.layers[l - 1].activation.slope if net.layers[l - 1].activation.name == "leaky-relu" else 0.0
        out.append(Note("remark_kink", {"name": names.unit_label(l, j), "slope": Num(slope),
                                        "z": names.z(l, j, s if trace.n > 1 else None)}))
    L = trace.n_layers
    negative = np.flatnonzero(trace.grads.deltas[L - 1][0] < 0)
    if negative.size:
        j = int(negative[0])
        out.append(Note("remark_negative", {"delta": names.delta(L, j, _S(trace)), "value": Num(trace.grads.deltas[L - 1][0, j])}))
    for l, (old, new) in enumerate(zip(net.layers, trace.updated.layers), start=1):
        flipped = np.argwhere(np.sign(old.weights) * np.sign(new.weights) < 0)
        for j, k in flipped[:3]:
            out.append(Note("remark_flip", {"weight": names.weight(l, int(j), int(k)), "old": Num(old.weights[j, k]),
                                            "new": Num(new.weights[j, k])}))
    return out
