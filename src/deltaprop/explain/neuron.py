"""The step written neuron by neuron, as in Mazur's tutorial, each line labelled BP1–BP4.

Forward pass (every net input as its written sum), the error of every output,
then the backward pass layer by layer: for the output layer the chain rule as
three factors and the delta form (BP1, BP4, BP3), for hidden layers the sum
over the neurons each one feeds (BP2).  Every value is the engine's
(:class:`~.model.Trace`); the only arithmetic here is writing out the terms
of a sum whose total the engine computed.
"""

from __future__ import annotations

from ..core.activations import Softmax
from . import formulas, model
from .document import Eq, Heading, Para
from .errors import ExplainError
from .expr import ETA, Num, Partial, Power, Word, call, equation, frac, join, paren

MAX_WEIGHTS = 64        # per layer: beyond this the neuron form is unreadable
MAX_SAMPLES = 16


def check_size(trace):
    """Refuse networks too large to write out weight by weight."""
    model.check_size(trace, MAX_WEIGHTS, MAX_SAMPLES, "neuron", ": use --form matrix")
    for l, layer in enumerate(trace.network.layers[:-1], start=1):
        if not layer.activation.elementwise:
            raise ExplainError("error_softmax_hidden", layer=l)


def build(trace, names):
    """Blocks for the neuron-by-neuron form."""
    check_size(trace)
    out = [Heading(2, "forward_pass")]
    for s in range(trace.n):
        out += _forward(trace, names, s)
    out += [Heading(2, "errors")]
    out += _errors(trace, names)
    out += [Heading(2, "backward_pass"), Para("backward_intro", {"eta": Num(trace.learning_rate)})]
    L = trace.n_layers
    for l in range(L, 0, -1):
        kind = "output_layer" if l == L else "hidden_layer"
        out.append(Heading(3, kind, {"layer": names.layer(l)}))
        if l == L:
            out.append(Para("fused_intro" if trace.bp1_is_a_minus_y() else "output_intro"))
        else:
            out.append(Para("hidden_intro"))
        for j in range(trace.network.sizes[l]):
            out.append(Heading(4, "neuron", {"name": names.unit(l, j)}))
            out += _deltas(trace, names, l, j)
            out += _weights(trace, names, l, j)
        if not trace.update_biases[l - 1]:
            out.append(Para("biases_fixed"))
    return out


def _sample(trace, s):
    return None if trace.n == 1 else s + 1


def _forward(trace, names, s):
    net, S = trace.network, _sample(trace, s)
    out = []
    if S is not None:
        out.append(Heading(3, "sample", {"index": S}))
    for l, layer in enumerate(net.layers, start=1):
        if S is None:
            out.append(Heading(3, "output_layer" if l == trace.n_layers else "hidden_layer",
                               {"layer": names.layer(l)}))
        prev = trace.acts[l - 1][s]
        for j in range(layer.n_out):
            z_sym = names.z(l, j, S)
            terms = [[names.weight(l, j, k), "×", names.a(l - 1, k, S)] for k in range(layer.n_in)]
            values = [[Num(layer.weights[j, k]), "×", Num(prev[k])] for k in range(layer.n_in)]
            out.append(Eq(equation(z_sym, "=", join(terms + [[names.bias(l, j), "×", 1]], "+"))))
            out.append(Eq(equation(z_sym, "=", join(values + [[Num(layer.biases[j]), "×", 1]], "+"),
                                   "=", Num(trace.zs[l - 1][s, j]))))
        fname = formulas.function_name(layer.activation)
        for j in range(layer.n_out):
            z_sym, a_sym = names.z(l, j, S), names.a(l, j, S)
            z, a = trace.zs[l - 1][s, j], trace.acts[l][s, j]
            if layer.activation.elementwise:
                out.append(Eq(equation(a_sym, "=", call(fname, z_sym), "=", call(fname, Num(z)), "=", Num(a))))
            else:
                exps = [Power(Word("e"), names.z(l, k, S)) for k in range(layer.n_out)]
                values = [Power(Word("e"), Num(trace.zs[l - 1][s, k])) for k in range(layer.n_out)]
                out.append(Eq(equation(a_sym, "=", frac(Power(Word("e"), z_sym), join(exps, "+")), "=",
                                       frac(Power(Word("e"), Num(z)), join(values, "+")), "=", Num(a))))
    return out


def _errors(trace, names):
    loss, out, n = trace.network.loss, [], trace.n
    d = trace.network.sizes[-1]
    for s in range(n):
        S = _sample(trace, s)
        if S is not None:
            out.append(Heading(3, "sample", {"index": S}))
        for j in range(d):
            a, y = trace.acts[-1][s, j], trace.Y[s, j]
            sym, num = formulas.loss_term(loss, names.a(trace.n_layers, j, S), names.target(j, S), a, y)
            out.append(Eq(equation(names.cost_of(j, S), "=", sym, "=", num, "=", Num(trace.per_output[s, j]))))
        per_unit = [names.cost_of(j, S) for j in range(d)]
        total = trace.loss if n == 1 else float(trace.per_output[s].sum())
        if d == 1:                      # one output: its term is the whole cost, no sum to spell out
            out.append(Eq(equation(names.total(S), "=", per_unit[0], "=", Num(total))))
        else:
            out.append(Eq(equation(names.total(S), "=", join(per_unit, "+"), "=",
                                   join([Num(v) for v in trace.per_output[s]], "+"), "=", Num(total))))
    if n > 1:
        out.append(Para("batch_mean", {"n": n}))
        out.append(Eq(equation(names.total(), "=", frac(Num(1), Num(n)), paren(join(
            [names.total(s + 1) for s in range(n)], "+")), "=", Num(trace.loss))))
    return out


def _deltas(trace, names, l, j):
    """δ^l_j for every sample: BP1 on the output layer, BP2 below it."""
    net, out, L = trace.network, [], trace.n_layers
    layer = net.layers[l - 1]
    for s in range(trace.n):
        S = _sample(trace, s)
        cost = names.total(S)           # a sample's own cost C_x: δ_x = ∂C_x/∂z_x
        z_sym, a_sym, d_sym = names.z(l, j, S), names.a(l, j, S), names.delta(l, j, S)
        a, z, delta = trace.acts[l][s, j], trace.zs[l - 1][s, j], trace.grads.deltas[l - 1][s, j]
        if l == L and trace.bp1_is_a_minus_y():
            y = trace.Y[s, j]
            out.append(Eq(equation(d_sym, "=", a_sym, "−", names.target(j, S), "=", Num(a), "−", Num(y),
                                   "=", Num(delta)), "BP1"))
            continue
        if l == L:
            grad = trace.loss_gradient[s]
            if layer.activation.elementwise:
                sym, num = formulas.loss_gradient(net.loss, a_sym, names.target(j, S), a, trace.Y[s, j])
                out.append(Eq(equation(Partial(cost, a_sym), "=", sym, "=", num, "=", Num(grad[j]))))
            else:
                out += _softmax_delta(trace, names, s, j)
                continue
            into = grad[j]
        else:
            into = trace.error_into(l)[s, j]
            above = net.layers[l]
            syms = [[names.delta(l + 1, o, S), "×", names.weight(l + 1, o, j)] for o in range(above.n_out)]
            vals = [[Num(trace.grads.deltas[l][s, o]), "×", Num(above.weights[o, j])] for o in range(above.n_out)]
            terms = [Num(trace.grads.deltas[l][s, o] * above.weights[o, j]) for o in range(above.n_out)]
            out.append(Eq(equation(Partial(cost, a_sym), "=", join(syms, "+"), "=", join(vals, "+"),
                                   "=", join(terms, "+") if len(terms) > 1 else [], "=" if len(terms) > 1 else [],
                                   Num(into))))
        sigma = trace.derivatives[l - 1][s, j]
        sym, num = formulas.derivative(layer.activation, a_sym, z, a)
        out.append(Eq(equation(Partial(a_sym, z_sym), "=", sym, "=", num, "=" if num else [], Num(sigma))))
        out.append(Eq(equation(d_sym, "=", Partial(cost, a_sym), "×", Partial(a_sym, z_sym), "=",
                               Num(into), "×", Num(sigma), "=", Num(delta)), "BP1" if l == L else "BP2"))
    return out


def _softmax_delta(trace, names, s, j):
    """BP1 through the softmax Jacobian: δ_j = Σ_i ∂C/∂a_i · ∂a_i/∂z_j."""
    S, L = _sample(trace, s), trace.n_layers
    d = trace.network.sizes[-1]
    jac = Softmax.jacobian(trace.acts[-1][s])              # ∂a_i/∂z_j, (d, d)
    cost = names.total(S)
    out = [] if j else [Eq(equation(Partial(cost, names.a(L, i, S)), "=", Num(trace.loss_gradient[s, i])))
                        for i in range(d)]
    syms = [[Partial(cost, names.a(L, i, S)), "×", Partial(names.a(L, i, S), names.z(L, j, S))] for i in range(d)]
    vals = [[Num(trace.loss_gradient[s, i]), "×", Num(jac[i, j])] for i in range(d)]
    out.append(Eq(equation(names.delta(L, j, S), "=", join(syms, "+"), "=", join(vals, "+"),
                           "=", Num(trace.grads.deltas[L - 1][s, j])), "BP1"))
    return out


def _weights(trace, names, l, j):
    """∂C/∂w (chain rule and BP4), the new weight, then the bias (BP3)."""
    layer, new = trace.network.layers[l - 1], trace.updated.layers[l - 1]
    cost, n, out = names.total(), trace.n, []
    chain = n == 1 and not (l == trace.n_layers and not layer.activation.elementwise) \
        and not (l == trace.n_layers and trace.bp1_is_a_minus_y())
    for k in range(layer.n_in):
        w_sym, grad = names.weight(l, j, k), trace.grads.weights[l - 1][j, k]
        a_sym, z_sym = names.a(l, j), names.z(l, j)
        if chain:
            into = trace.loss_gradient[0, j] if l == trace.n_layers else trace.error_into(l)[0, j]
            out.append(Eq(equation(Partial(cost, w_sym), "=", Partial(cost, a_sym), "×", Partial(a_sym, z_sym),
                                   "×", Partial(z_sym, w_sym), "=", Num(into), "×",
                                   Num(trace.derivatives[l - 1][0, j]), "×", Num(trace.acts[l - 1][0, k]),
                                   "=", Num(grad))))
        out.append(_mean_eq(trace, Partial(cost, w_sym),
                            lambda S: [names.delta(l, j, S), "×", names.a(l - 1, k, S)],
                            lambda s: [Num(trace.grads.deltas[l - 1][s, j]), "×", Num(trace.acts[l - 1][s, k])],
                            grad, "BP4"))
        out.append(_update(trace, names, w_sym, layer.weights[j, k], grad, new.weights[j, k]))
    b_sym, grad = names.bias(l, j), trace.grads.biases[l - 1][j]
    out.append(_mean_eq(trace, Partial(cost, b_sym), lambda S: [names.delta(l, j, S)],
                        lambda s: [Num(trace.grads.deltas[l - 1][s, j])], grad, "BP3"))
    if trace.update_biases[l - 1]:
        out.append(_update(trace, names, b_sym, layer.biases[j], grad, new.biases[j]))
    return out


def _mean_eq(trace, lhs, sym_term, num_term, value, tag):
    """``lhs = sym = num = value``; for a batch the mean over the samples (1/n) Σ_x."""
    if trace.n == 1:
        return Eq(equation(lhs, "=", sym_term(None), "=", num_term(0) if len(num_term(0)) > 1 else [],
                           "=" if len(num_term(0)) > 1 else [], Num(value)), tag)
    n = trace.n
    syms = join([sym_term(s + 1) for s in range(n)], "+")
    nums = join([num_term(s) for s in range(n)], "+")
    return Eq(equation(lhs, "=", frac(Num(1), Num(n)), paren(syms), "=", frac(Num(1), Num(n)), paren(nums),
                       "=", Num(value)), tag)


def _update(trace, names, sym, old, grad, new):
    """``w⁺ = w − η × ∂C/∂w = old − η × grad = new`` (``new`` from the engine's SGD step)."""
    return Eq(equation(names.updated(sym), "=", sym, "−", ETA, "×", Partial(names.total(), sym),
                       "=", Num(old), "−", Num(trace.learning_rate), "×", Num(grad), "=", Num(new)))
