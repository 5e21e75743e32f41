"""The explained step: one mini-batch step cut into the stages a learner walks with Prev / Next / Auto-play.

forward (layer by layer: z and a on the neurons) → cost → BP1 (δ of the output layer) → BP2 (δ layer by layer,
backwards) → gradients (BP3, BP4 on the links) → update (the new weights).  Every number is the engine's for the
session's current mini-batch: ``Network.forward`` and ``Network.backward`` on the weights the batch was (or will
be) trained with, and the update the session's own optimiser makes (already made, or made on copies).  One sample
of the batch is shown on the neurons; gradients and the update are the batch means, as the step uses them.
"""

from __future__ import annotations

import copy

from ..explain import check_language, translate
from .lessons import texts

EQUATIONS = {
    "forward": "z^l = W^l a^(l−1) + b^l,   a^l = σ(z^l)",
    "cost": "C = (1/n) Σₓ Cₓ",
    "bp1": "δ^L = ∇ₐC ⊙ σ'(z^L)",
    "bp2": "δ^l = ((W^(l+1))ᵀ δ^(l+1)) ⊙ σ'(z^l)",
    "gradients": "∂C/∂b^l_j = δ^l_j (BP3),   ∂C/∂w^l_jk = a^(l−1)_k δ^l_j (BP4)",
    "update": "w ← w − η ∂C/∂w,   b ← b − η ∂C/∂b",
}


def explained_step(session, sample=0, lang="en"):
    """The stages of the current mini-batch's step, for sample ``sample`` of the batch (0-based)."""
    check_language(lang)
    network, X, Y, idx = session.current_batch()
    sample = min(sample, len(idx) - 1)
    zs, acts = network.forward(X)
    grads = network.backward(Y, zs, acts)
    per_sample = network.loss.per_output(acts[-1], Y).sum(axis=1)
    if session.batch["loss"] is not None:           # already trained: the session's network is the result
        after = session.network
    else:                                           # not yet: the same step on copies (optimiser state too)
        after = network.copy()
        after.train_step(X, Y, copy.deepcopy(session.optimizer))
    words, L = texts(lang)["explained_step"], len(network.layers)
    out = []

    def stage(kind, layer=None, **values):
        label = {"bp1": "BP1", "bp2": "BP2", "gradients": "BP3, BP4"}.get(kind)
        out.append({"stage": kind, "layer": layer, "title": words[f"{kind}_title"].format(layer=layer),
                    "text": words[kind].format(layer=layer, eta=session.optimizer.learning_rate, n=len(idx)),
                    "equation": EQUATIONS[kind], "label": label,
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
          before_weights=[w.tolist() for w in network.weights])
    return {"sample": sample, "index": int(idx[sample]), "batch_size": len(idx), "x": X[sample].tolist(),
            "before_weights": [w.tolist() for w in network.weights],
            "y": Y[sample].tolist(), "trained": session.batch["loss"] is not None, "stages": out}
