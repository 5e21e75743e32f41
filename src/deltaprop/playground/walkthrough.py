"""The explained step: one mini-batch step cut into the stages a learner walks with Prev / Next / Auto-play.

forward (layer by layer: z and a on the neurons) → cost → BP1 (δ of the output layer) → BP2 (δ layer by layer,
backwards) → gradients (BP3, BP4 on the links) → update (the new weights).  Every number is the engine's for the
session's current mini-batch, read from the explainer's record of the step (:class:`deltaprop.explain.Trace`,
through :mod:`.batch_trace`, the same record the inspector reads): ``Network.forward`` and ``Network.backward`` on
the weights the batch was (or will be) trained with; the update is the session's own optimiser's (already made, or
made on copies).  One sample
of the batch is shown on the neurons; gradients and the update are the batch means, as the step uses them.
"""

from __future__ import annotations

import copy

import numpy as np

from ..explain import check_language, translate
from .batch_trace import batch_trace
from .lessons import texts


def _sup(text):
    return f"<sup>{text}</sup>"


def equations(kind, layer, L, offset, loss, config, fused):
    """The stage's equation, typeset in HTML, with the layer numbers the learner reads (``offset`` 1: Nielsen's)."""
    n = None if layer is None else layer + offset
    top = L + offset
    if kind == "forward":
        return (f"z{_sup(n)} = W{_sup(n)} a{_sup(n - 1)} + b{_sup(n)},&emsp;a{_sup(n)} = σ(z{_sup(n)})"
                if n - 1 >= 1 or offset else f"z{_sup(n)} = W{_sup(n)} x + b{_sup(n)},&emsp;a{_sup(n)} = σ(z{_sup(n)})")
    if kind == "cost":
        per = {"quadratic": f"C<sub>x</sub> = ½‖a{_sup(top)} − y‖²",
               "cross-entropy": f"C<sub>x</sub> = −Σ<sub>j</sub> y<sub>j</sub> ln a{_sup(top)}<sub>j</sub>",
               "binary-cross-entropy": f"C<sub>x</sub> = −Σ<sub>j</sub> [y<sub>j</sub> ln a{_sup(top)}<sub>j</sub> + "
                                       f"(1 − y<sub>j</sub>) ln(1 − a{_sup(top)}<sub>j</sub>)]"}[loss]
        return f"C = (1/n) Σ<sub>x</sub> C<sub>x</sub>,&emsp;{per}"
    if kind == "bp1":
        return (f"δ{_sup(top)} = a{_sup(top)} − y" if fused else f"δ{_sup(top)} = ∇<sub>a</sub>C ⊙ σ′(z{_sup(top)})")
    if kind == "bp2":
        return f"δ{_sup(n)} = ((W{_sup(n + 1)}){_sup('T')} δ{_sup(n + 1)}) ⊙ σ′(z{_sup(n)})"
    if kind == "gradients":
        return (f"∂C/∂b{_sup('l')}<sub>j</sub> = δ{_sup('l')}<sub>j</sub> (BP3),&emsp;"
                f"∂C/∂w{_sup('l')}<sub>jk</sub> = a{_sup('l−1')}<sub>k</sub> δ{_sup('l')}<sub>j</sub> (BP4)")
    return update_equation(config)


def update_equation(config):
    """The optimiser's real rule, with the L2 and L1 terms the step adds to the gradient (Nielsen ch. 3)."""
    g = "g"
    parts = ["g = ∂C<sub>0</sub>/∂w" + (" + (λ<sub>2</sub>/n) w" if config["l2"] else "")
             + (" + (λ<sub>1</sub>/n) sgn(w)" if config["l1"] else "")]
    rule = {"sgd": f"w ← w − η {g}",
            "momentum": f"v ← μv − η {g},&emsp;w ← w + v",
            "nesterov": f"v ← μv − η {g},&emsp;w ← w + μv − η {g}",
            "adam": (f"m ← β<sub>1</sub>m + (1 − β<sub>1</sub>) {g},&emsp;v ← β<sub>2</sub>v + (1 − β<sub>2</sub>) {g}²,&emsp;"
                     f"w ← w − η m̂ / (√v̂ + ε),&emsp;m̂ = m / (1 − β<sub>1</sub>{_sup('t')}),&emsp;"
                     f"v̂ = v / (1 − β<sub>2</sub>{_sup('t')})")}.get(config["optimizer"], f"w ← w − η {g}")
    return ",&emsp;".join(parts + [rule]) + ";&emsp;b ← b − η ∂C/∂b" * (config["optimizer"] == "sgd")


def update_detail(before, grads, optimizer, after):
    """The update of the first weight ``w^1_11`` term by term, from the optimiser's own state after the step.

    Returns the numbers the page writes into the rule: the gradient, its L2/L1 terms, the optimiser's state
    (velocity, or Adam's m, v, m̂, v̂ and t) and the weight after; ``engine`` is the weight the step really made.
    """
    w, g0 = float(before.weights[0][0, 0]), float(grads.weights[0][0, 0])
    l2, l1 = optimizer.weight_decay * w, optimizer.l1_decay * float(np.sign(w))
    g, eta, name = g0 + l2 + l1, optimizer.learning_rate, optimizer.name
    out = {"optimizer": name, "w": w, "grad": g0, "l2_term": l2, "l1_term": l1, "g": g, "eta": eta,
           "engine": float(after.weights[0][0, 0])}
    state = optimizer.state.get(0, {})
    if name == "sgd":
        out["after"] = w - eta * g
    elif name in ("momentum", "nesterov"):
        v = float(state["velocity"][0, 0])
        out.update(mu=optimizer.momentum, velocity=v,
                   after=w + v if name == "momentum" else w + optimizer.momentum * v - eta * g)
    elif name == "adam":
        t = optimizer.steps
        m, v = float(state["m"][0, 0]), float(state["v"][0, 0])
        m_hat, v_hat = m / (1 - optimizer.beta1 ** t), v / (1 - optimizer.beta2 ** t)
        out.update(t=t, beta1=optimizer.beta1, beta2=optimizer.beta2, epsilon=optimizer.epsilon, m=m, v=v,
                   m_hat=m_hat, v_hat=v_hat, after=float(w - eta * m_hat / (np.sqrt(v_hat) + optimizer.epsilon)))
    return out


def explained_step(session, sample=0, lang="en", numbering="nielsen"):
    """The stages of the current mini-batch's step, for sample ``sample`` of the batch (0-based).

    Layers are numbered as the learner reads them: Nielsen's (input = layer 1) or, with ``numbering="engine"``,
    the engine's (first hidden layer = 1).
    """
    check_language(lang)
    if numbering not in ("nielsen", "engine"):
        raise ValueError(f"unknown numbering {numbering!r}; valid: nielsen, engine")
    offset = 1 if numbering == "nielsen" else 0
    network, X, Y, idx = session.current_batch()
    sample = min(sample, len(idx) - 1)
    trace = batch_trace(session)
    zs, acts, grads = trace.zs, trace.acts, trace.grads
    per_sample = trace.per_output.sum(axis=1)
    if session.batch["loss"] is not None:           # already trained: the session's network is the result
        after, optimizer = session.network, session.optimizer
    else:                                           # not yet: the same step on copies (optimiser state too)
        after, optimizer = network.copy(), copy.deepcopy(session.optimizer)
        after.train_step(X, Y, optimizer)
    fused = trace.bp1_is_a_minus_y()
    words, L = texts(lang)["explained_step"], len(network.layers)
    out = []

    def stage(kind, layer=None, **values):
        label = {"bp1": "BP1", "bp2": "BP2", "gradients": "BP3, BP4"}.get(kind)
        shown = None if layer is None else layer + offset
        if kind == "update":                        # the optimiser's own rule, and the L2/L1 terms it adds
            text = " ".join([words[f"update_{optimizer.name}"]] + [words[f"update_{r}"] for r in ("l2", "l1")
                                                                    if session.config[r]])
        else:
            text = words[kind].format(layer=shown, n=len(idx))
        out.append({"stage": kind, "layer": layer, "shown_layer": shown,
                    "title": words[f"{kind}_title"].format(layer=shown), "text": text,
                    "equation": equations(kind, layer, L, offset, network.loss.name, session.config, fused),
                    "label": label,
                    "bp": translate(lang, label) if label in ("BP1", "BP2") else None, **values})

    for l in range(1, L + 1):
        stage("forward", l, z=zs[l - 1][sample].tolist(), a=acts[l][sample].tolist())
    stage("cost", None, sample_cost=float(per_sample[sample]), batch_cost=float(per_sample.mean()))
    stage("bp1", L, delta=grads.deltas[L - 1][sample].tolist())
    for l in range(L - 1, 0, -1):
        stage("bp2", l, delta=grads.deltas[l - 1][sample].tolist())
    stage("gradients", None, grad_weights=[g.tolist() for g in grads.weights],
          grad_biases=[g.tolist() for g in grads.biases])
    stage("update", None, weights=[w.tolist() for w in after.weights], biases=[b.tolist() for b in after.biases],
          before_weights=[w.tolist() for w in network.weights],
          detail=update_detail(network, grads, optimizer, after))
    return {"sample": sample, "index": int(idx[sample]), "batch_size": len(idx), "x": X[sample].tolist(),
            "before_weights": [w.tolist() for w in network.weights],
            "y": Y[sample].tolist(), "trained": session.batch["loss"] is not None, "stages": out}
