"""The same step in tensor form (Nielsen's matrix form of BP1–BP4): whole layers as vectors and matrices, shapes shown.

Column convention, as Nielsen writes it: ``z^l = W^l a^{l-1} + b^l``
with column vectors; for a batch each column is one sample (the engine stores
the transpose, one row per sample).  Every matrix printed is an engine array.
"""

from __future__ import annotations

import numpy as np

from ..core.activations import Softmax
from . import formulas, model
from .document import Eq, Heading, Para
from .expr import ETA, Matrix, Num, Partial, Shape, Sym, Word, call, equation, frac, paren

MAX_WEIGHTS = 4096      # per layer
MAX_SAMPLES = 64


def check_size(trace):
    """Refuse networks whose matrices would not fit on a page."""
    model.check_size(trace, MAX_WEIGHTS, MAX_SAMPLES, "matrix")


def _col(array):
    """Engine rows (n, d) → columns (d, n)."""
    return Matrix(np.asarray(array).T)


def _sym(names, base, l, transpose=False):
    shown = names.layer(l)
    sup = f"{shown}T" if transpose else str(shown)       # W²ᵀ: the transpose of W² (Nielsen's (W^{l+1})ᵀ)
    if base == "W":
        return Sym("W", "", sup)
    if l == 0 and base == "a":
        return Sym("x", "", "T" if transpose else "")
    return Sym(base, "", sup)


def build(trace, names):
    """Blocks for the tensor form."""
    check_size(trace)
    net, n, L = trace.network, trace.n, trace.n_layers
    sizes = net.sizes
    out = [Heading(2, "matrix_form"), Para("matrix_intro" if n == 1 else "matrix_intro_batch", {"n": n}),
           Heading(3, "forward_pass")]
    for l, layer in enumerate(net.layers, start=1):
        z, a, W, b, a_prev = (_sym(names, "z", l), _sym(names, "a", l), _sym(names, "W", l), _sym(names, "b", l),
                              _sym(names, "a", l - 1))
        out.append(Eq(equation(z, "=", W, a_prev, "+", b)))
        out.append(_shapes((z, sizes[l], n), (W, sizes[l], sizes[l - 1]), (a_prev, sizes[l - 1], n),
                           (b, sizes[l], 1)))
        out.append(Eq(equation(z, "=", Matrix(layer.weights), _col(trace.acts[l - 1]), "+",
                               _col(layer.biases[None, :]), "=", _col(trace.zs[l - 1]))))
        fname = formulas.function_name(layer.activation)
        out.append(Eq(equation(a, "=", call(fname, z), "=", _col(trace.acts[l]))))
    out += [Heading(3, "errors"), Eq(equation(names.total(), "=", Num(trace.loss)))]
    out += [Heading(3, "backward_pass")] + _bp1(trace, names)
    for l in range(L - 1, 0, -1):
        above = net.layers[l]
        d, d_above, W_T = (_sym(names, "δ", l), _sym(names, "δ", l + 1), _sym(names, "W", l + 1, transpose=True))
        z = _sym(names, "z", l)
        sigma = call(formulas.function_name(net.layers[l - 1].activation), z, prime=True)
        out.append(Eq(equation(d, "=", paren(W_T, d_above), "⊙", sigma), "BP2"))
        out.append(_shapes((d, sizes[l], n), (W_T, sizes[l], sizes[l + 1]), (d_above, sizes[l + 1], n)))
        out.append(Eq(equation(d, "=", paren(Matrix(above.weights.T), _col(trace.grads.deltas[l])), "⊙",
                               _col(trace.derivatives[l - 1]), "=", _col(trace.grads.deltas[l - 1])), "BP2"))
    out.append(Heading(3, "gradients"))
    mean = [frac(Num(1), Num(n))] if n > 1 else []
    for l in range(L, 0, -1):
        d, b, W, a_prev_T = (_sym(names, "δ", l), _sym(names, "b", l), _sym(names, "W", l),
                             _sym(names, "a", l - 1, transpose=True))
        sum_note = [Word("Σₓ ")] if n > 1 else []
        out.append(Eq(equation(Partial(names.total(), b), "=", mean, sum_note, d, "=",
                               _col(trace.grads.biases[l - 1][None, :])), "BP3"))
        out.append(Eq(equation(Partial(names.total(), W), "=", mean, d, a_prev_T,
                               "=", mean, _col(trace.grads.deltas[l - 1]), Matrix(trace.acts[l - 1]),
                               "=", Matrix(trace.grads.weights[l - 1])), "BP4"))
        out.append(_shapes((Partial(names.total(), W), sizes[l], sizes[l - 1]), (d, sizes[l], n),
                           (a_prev_T, n, sizes[l - 1])))
    out += [Heading(3, "update"), Para("update_intro", {"eta": Num(trace.learning_rate)})]
    for l, (layer, new) in enumerate(zip(net.layers, trace.updated.layers), start=1):
        W = _sym(names, "W", l)
        out.append(Eq(equation(Sym("W", "", f"{names.layer(l)}+"), "=", W, "−", ETA, Partial(names.total(), W), "=",
                               Matrix(layer.weights), "−", Num(trace.learning_rate), Matrix(trace.grads.weights[l - 1]),
                               "=", Matrix(new.weights))))
        if trace.update_biases[l - 1]:
            b = _sym(names, "b", l)
            out.append(Eq(equation(Sym("b", "", f"{names.layer(l)}+"), "=", b, "−", ETA, Partial(names.total(), b), "=",
                                   _col(layer.biases[None, :]), "−", Num(trace.learning_rate),
                                   _col(trace.grads.biases[l - 1][None, :]), "=", _col(new.biases[None, :]))))
    if not all(trace.update_biases):
        out.append(Para("biases_fixed"))
    return out


def _shapes(*items):
    """The shapes of an equation's symbols, on a line of their own under it: ``z¹: 2×1,  W¹: 2×3, …``."""
    out = []
    for i, (sym, rows, cols) in enumerate(items):
        out += [Word(",  ")] if i else []
        out += [sym, Shape(rows, cols)]
    return Eq(equation(out), "shapes")


def _bp1(trace, names):
    net, n, L = trace.network, trace.n, trace.n_layers
    d_L = net.sizes[-1]
    d, a, z = _sym(names, "δ", L), _sym(names, "a", L), _sym(names, "z", L)
    y = Sym("y")
    delta = _col(trace.grads.deltas[L - 1])
    if trace.bp1_is_a_minus_y():
        return [Para("fused_intro"),
                Eq(equation(d, "=", a, "−", y), "BP1"), _shapes((d, d_L, n), (a, d_L, n), (y, d_L, n)),
                Eq(equation(d, "=", _col(trace.acts[L]), "−", _col(trace.Y), "=", delta), "BP1")]
    grad_sym = [Sym("∇", "a", plain=True), Sym(names.cost)]
    if net.layers[-1].activation.elementwise:
        fname = formulas.function_name(net.layers[-1].activation)
        return [Eq(equation(d, "=", grad_sym, "⊙", call(fname, z, prime=True)), "BP1"),
                _shapes((d, d_L, n), (z, d_L, n)),
                Eq(equation(d, "=", _col(trace.loss_gradient), "⊙", _col(trace.derivatives[L - 1]), "=", delta),
                   "BP1")]
    # softmax without its matched loss: the Jacobian J = ∂a/∂z, one per sample
    out = [Eq(equation(d, "=", Sym("J", "", "T"), grad_sym), "BP1"), _shapes((d, d_L, n), (Sym("J"), d_L, d_L))]
    if n == 1:
        jac = Softmax.jacobian(trace.acts[L][0])
        out.append(Eq(equation(d, "=", Matrix(jac.T), _col(trace.loss_gradient), "=", delta), "BP1"))
    else:
        out.append(Eq(equation(grad_sym, "=", _col(trace.loss_gradient)), None))
        out.append(Eq(equation(d, "=", delta), "BP1"))
    return out
