"""``Network``: a stack of dense layers, a loss, and the operations on them."""

from __future__ import annotations

import copy

import numpy as np

from .backprop import Gradients, Workspace, backward_pass, forward_pass
from .construction import layers_from_weights, new_layers
from .labels import is_classification, outputs_to_labels
from .layers import Dense
from .losses import get_loss
from .batch_step import train_batch
from .training import fit
from .validation import check_inputs, check_positive_int, check_targets


class Network:
    """A fully connected feed-forward network trained by backpropagation.

    Parameters
    ----------
    sizes : sequence of int
        Units per layer, input first: ``[784, 30, 10]`` is 784 inputs, a hidden
        layer of 30 and an output layer of 10 (Nielsen's ``sizes``).
    activations : str or sequence of str, optional
        One per weight layer (``len(sizes) - 1``); a single name is used for all.
        Default: sigmoid everywhere.
    loss : str, default "quadratic"
        ``quadratic`` (½‖a − y‖²), ``binary-cross-entropy`` or ``cross-entropy``.
    init : str, default "auto"
        Initialiser (:mod:`deltaprop.core.initializers`).
    seed : int, optional
        Seed for the initial weights; same seed, same network.
    dtype : float32 or float64, default float64
        Precision of the parameters and of all computation.
    dropout : float or sequence of float, optional
        Dropout rate per hidden layer (the output layer never drops).

    Examples
    --------
    >>> net = Network([2, 3, 1], activations=["tanh", "sigmoid"], seed=0)
    >>> zs, activations = net.forward([[0.5, -1.0]])
    >>> [a.shape for a in activations]
    [(1, 2), (1, 3), (1, 1)]
    """

    def __init__(self, sizes, activations=None, *, loss="quadratic", init="auto", seed=None,
                 dtype=np.float64, dropout=None):
        self._setup(new_layers(sizes, activations, init, seed, dtype, dropout), loss)

    # ----------------------------------------------------------------- building
    @classmethod
    def from_layers(cls, layers, *, loss="quadratic"):
        """A network made of existing :class:`Dense` layers (all of one dtype)."""
        net = cls.__new__(cls)
        net._setup(list(layers), loss)
        return net

    @classmethod
    def from_weights(cls, weights, biases, activations, *, loss="quadratic", dtype=np.float64,
                     train_biases=True):
        """Build from explicit parameters: ``weights[l]`` is ``(n_out, n_in)``, ``biases[l]`` ``(n_out,)``.

        Example: Mazur's network is
        ``Network.from_weights([[[.15, .2], [.25, .3]], [[.4, .45], [.5, .55]]],
        [[.35, .35], [.6, .6]], ["sigmoid", "sigmoid"])``.
        """
        return cls.from_layers(layers_from_weights(weights, biases, activations, dtype, train_biases), loss=loss)

    def _setup(self, layers, loss):
        if not layers:
            raise ValueError("a network needs at least one layer")
        for l, (below, above) in enumerate(zip(layers[:-1], layers[1:]), start=2):
            if above.n_in != below.n_out:
                raise ValueError(f"layer {l} expects {above.n_in} inputs but layer {l - 1} has {below.n_out} outputs")
        dtypes = {layer.weights.dtype for layer in layers}
        if len(dtypes) != 1:
            raise ValueError(f"all layers must share one dtype, got {sorted(map(str, dtypes))}")
        if layers[-1].dropout:
            raise ValueError("the output layer cannot use dropout")
        self.layers = layers
        self.loss = get_loss(loss)
        self.loss.check_output(layers[-1].activation)      # e.g. cross-entropy needs outputs in (0, 1)
        self.dtype = dtypes.pop()
        self._workspaces = {}       # (batch size, training) -> Workspace, reused across batches
        self._grads = None

    # -------------------------------------------------------------- properties
    @property
    def sizes(self):
        """Units per layer, input first, e.g. ``[784, 30, 10]``."""
        return [self.layers[0].n_in] + [layer.n_out for layer in self.layers]

    @property
    def activations(self):
        """Activation names per weight layer."""
        return [layer.activation.spec() for layer in self.layers]

    @property
    def weights(self):
        """List of ``W^l``, ``(n_out, n_in)`` each (live arrays, not copies)."""
        return [layer.weights for layer in self.layers]

    @property
    def biases(self):
        """List of ``b^l``, ``(n_out,)`` each (live arrays)."""
        return [layer.biases for layer in self.layers]

    def parameters(self):
        """Every parameter array, live, in layer order: ``[W1, b1, W2, b2, ...]``."""
        return [array for layer in self.layers for array in (layer.weights, layer.biases)]

    def trainable_parameters(self):
        """The arrays an optimiser updates, in its order: ``W1, (b1,) W2, (b2,) ...`` (frozen biases left out)."""
        return [array for layer in self.layers
                for array in ((layer.weights, layer.biases) if layer.train_biases else (layer.weights,))]

    def check_targets(self, Y, n_samples, name="Y"):
        """``Y`` as ``(n_samples, d_L)`` of this network's dtype, refused unless the loss is defined for it.

        Integer labels ``(n,)`` are one-hot encoded; the loss then checks its
        own rules (:meth:`deltaprop.core.losses.Loss.check_targets`: e.g.
        cross-entropy rows must sum to 1).  Raises ``ValueError``/``TypeError``.
        """
        Y = check_targets(Y, n_samples, self.sizes[-1], self.dtype, name=name)
        return self.loss.check_targets(Y, name)

    def copy(self):
        """An independent deep copy."""
        twin = copy.deepcopy(self)
        twin._workspaces, twin._grads = {}, None
        return twin

    def astype(self, dtype):
        """A copy of this network with parameters in ``dtype`` (float32 or float64)."""
        layers = [Dense(layer.weights, layer.biases, layer.activation, dropout=layer.dropout,
                        train_biases=layer.train_biases, dtype=dtype) for layer in self.layers]
        return Network.from_layers(layers, loss=self.loss)

    # ----------------------------------------------------------------- compute
    def forward(self, X):
        """Feed a batch forward.

        Parameters
        ----------
        X : array_like, shape (n, n_in)

        Returns
        -------
        zs : list of L arrays
            ``zs[l-1]`` is ``z^l`` (weighted inputs of layer ``l``), ``(n, d_l)``.
        activations : list of L + 1 arrays
            ``activations[0]`` is ``X``; ``activations[l]`` is ``a^l = σ(z^l)``.
        """
        X = check_inputs(X, self.sizes[0], self.dtype)
        ws = Workspace(self.layers, X.shape[0], self.dtype)
        forward_pass(self.layers, X, ws)
        return ws.z[1:], ws.a

    def backward(self, Y, zs, activations):
        """Backpropagate one batch: BP1–BP4 (see :mod:`deltaprop.core.backprop`).

        Parameters
        ----------
        Y : array_like, shape (n, d_L) or integer labels (n,)
        zs, activations : lists returned by :meth:`forward`

        Returns
        -------
        Gradients
            ``.weights[l-1]`` = ∂C/∂W^l ``(d_l, d_{l-1})``, ``.biases[l-1]`` = ∂C/∂b^l,
            averaged over the batch, and ``.deltas[l-1]`` = per-sample δ^l ``(n, d_l)``.
        """
        n = activations[0].shape[0]
        Y = self.check_targets(Y, n)
        ws = Workspace(self.layers, n, self.dtype)
        ws.z[1:], ws.a = list(zs), list(activations)
        ws.act = ws.a
        grads = backward_pass(self.layers, self.loss, Y, ws, Gradients(self.layers, self.dtype))
        grads.deltas = [d * n for d in ws.delta[1:]]          # undo the 1/n: Nielsen's per-sample δ
        return grads

    def gradients(self, X, Y):
        """``backward(Y, *forward(X))``: the batch-mean gradients for ``(X, Y)``."""
        zs, activations = self.forward(X)
        return self.backward(Y, zs, activations)

    def predict(self, X, batch_size=4096):
        """Output activations ``a^L`` for ``X``: ``(n, d_L)``, computed in chunks of ``batch_size`` rows."""
        batch_size = check_positive_int(batch_size, "batch_size")
        X = check_inputs(X, self.sizes[0], self.dtype)
        out = np.empty((X.shape[0], self.sizes[-1]), self.dtype)
        for start in range(0, X.shape[0], batch_size):
            chunk = X[start:start + batch_size]
            out[start:start + chunk.shape[0]] = forward_pass(self.layers, chunk, self.workspace(chunk.shape[0]))
        return out

    def classify(self, X, batch_size=4096):
        """Predicted class labels ``(n,)``: argmax of the outputs (threshold 0.5 for one output)."""
        return outputs_to_labels(self.predict(X, batch_size))

    def compute_loss(self, X, Y):
        """Mean cost ``C`` over the samples of ``(X, Y)``."""
        return self.evaluate(X, Y)["loss"]

    def evaluate(self, X, Y, batch_size=4096):
        """``{"loss": C, "accuracy": ...}`` on ``(X, Y)``; accuracy only for class targets."""
        X = check_inputs(X, self.sizes[0], self.dtype)
        Y = self.check_targets(Y, X.shape[0])
        outputs = self.predict(X, batch_size)
        result = {"loss": self.loss.value(outputs, Y)}
        if is_classification(Y):
            result["accuracy"] = float(np.mean(outputs_to_labels(outputs) == outputs_to_labels(Y)))
        return result

    # ---------------------------------------------------------------- training
    def train_step(self, X, Y, optimizer, rng=None):
        """One gradient step on the batch ``(X, Y)`` (:func:`deltaprop.core.batch_step.train_batch`); returns the batch
        loss *before* the step."""
        X = check_inputs(X, self.sizes[0], self.dtype)
        Y = self.check_targets(Y, X.shape[0])
        output = train_batch(self, X, Y, optimizer, rng)             # computed before the step
        return self.loss.value(output, Y)

    def fit(self, X, Y, epochs, batch_size, optimizer="sgd", learning_rate=0.1, **options):
        """Train by mini-batch gradient descent; see :func:`deltaprop.core.training.fit`."""
        return fit(self, X, Y, epochs, batch_size, optimizer=optimizer, learning_rate=learning_rate, **options)

    def gradient_buffers(self):
        """The reused :class:`Gradients` that training steps fill."""
        if self._grads is None:
            self._grads = Gradients(self.layers, self.dtype)
        return self._grads

    def workspace(self, n, training=False):
        """The reused :class:`Workspace` for batches of ``n`` rows (with dropout masks when ``training``)."""
        dropout = training and any(layer.dropout for layer in self.layers)
        key = (n, dropout)
        ws = self._workspaces.get(key)
        if ws is None:
            if len(self._workspaces) >= 8:      # e.g. many odd last-batch sizes: keep memory bounded
                self._workspaces.clear()
            ws = self._workspaces[key] = Workspace(self.layers, n, self.dtype, dropout)
        return ws

    # ---------------------------------------------------------------- display
    def __repr__(self):
        acts = ", ".join(self.activations)
        return f"Network({self.sizes}, activations=[{acts}], loss={self.loss.name}, dtype={self.dtype.name})"

    html_renderer = None    # set by the explainer (deltaprop.explain): draws the network in Jupyter
    playground_opener = None    # set by the façade (deltaprop/__init__.py): the notebook playground

    def playground(self, X, y, **options):
        """This network in the notebook playground on ``X``, ``y``: the same as ``dp.playground(net, X, y)``."""
        return Network.playground_opener(self, X, y, **options)

    def _repr_html_(self):
        renderer = Network.html_renderer
        return None if renderer is None else renderer(self)

