"""A faithful re-implementation of the per-sample training loop of Michael Nielsen's ``network.py``.

From *Neural Networks and Deep Learning*, chapter 1 (MIT licence): each
mini-batch update loops over its samples in Python, backpropagating one
column vector at a time, and sums the per-sample gradients.  This is the
baseline the book starts from; the benchmark times it on a subset of the
data and scales to a full epoch (it is labelled so in the report).

The code keeps Nielsen's structure and arithmetic: column vectors ``(d, 1)``,
``np.dot``, sigmoid everywhere, quadratic cost, float64 parameters (his
``np.random.randn``), lists rebuilt every sample.  Only the initial
parameters are passed in, so all engines start from the same network.
"""

from __future__ import annotations

import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_prime(z):
    return sigmoid(z) * (1 - sigmoid(z))


class NielsenNetwork:
    """Nielsen's ``Network``; ``weights[l]`` is ``(n_out, n_in)``, ``biases[l]`` is ``(n_out, 1)``."""

    def __init__(self, weights, biases):
        self.num_layers = len(weights) + 1
        self.weights = [np.array(w, dtype=np.float64) for w in weights]
        self.biases = [np.array(b, dtype=np.float64).reshape(-1, 1) for b in biases]

    def SGD_epoch(self, training_data, mini_batch_size, eta, rng):
        """One epoch of ``Network.SGD``: shuffle, slice mini-batches, update on each."""
        order = rng.permutation(len(training_data))
        training_data = [training_data[i] for i in order]
        n = len(training_data)
        mini_batches = [training_data[k:k + mini_batch_size] for k in range(0, n, mini_batch_size)]
        for mini_batch in mini_batches:
            self.update_mini_batch(mini_batch, eta)

    def update_mini_batch(self, mini_batch, eta):
        nabla_b = [np.zeros(b.shape) for b in self.biases]
        nabla_w = [np.zeros(w.shape) for w in self.weights]
        for x, y in mini_batch:
            delta_nabla_b, delta_nabla_w = self.backprop(x, y)
            nabla_b = [nb + dnb for nb, dnb in zip(nabla_b, delta_nabla_b)]
            nabla_w = [nw + dnw for nw, dnw in zip(nabla_w, delta_nabla_w)]
        self.weights = [w - (eta / len(mini_batch)) * nw for w, nw in zip(self.weights, nabla_w)]
        self.biases = [b - (eta / len(mini_batch)) * nb for b, nb in zip(self.biases, nabla_b)]

    def backprop(self, x, y):
        nabla_b = [np.zeros(b.shape) for b in self.biases]
        nabla_w = [np.zeros(w.shape) for w in self.weights]
        activation = x
        activations = [x]
        zs = []
        for b, w in zip(self.biases, self.weights):
            z = np.dot(w, activation) + b
            zs.append(z)
            activation = sigmoid(z)
            activations.append(activation)
        delta = self.cost_derivative(activations[-1], y) * sigmoid_prime(zs[-1])
        nabla_b[-1] = delta
        nabla_w[-1] = np.dot(delta, activations[-2].transpose())
        for l in range(2, self.num_layers):
            z = zs[-l]
            sp = sigmoid_prime(z)
            delta = np.dot(self.weights[-l + 1].transpose(), delta) * sp
            nabla_b[-l] = delta
            nabla_w[-l] = np.dot(delta, activations[-l - 1].transpose())
        return (nabla_b, nabla_w)

    def cost_derivative(self, output_activations, y):
        return output_activations - y


def training_data(X, labels, n_classes=10):
    """Nielsen's data layout: a list of ``(x (784, 1), y (10, 1) one-hot)`` pairs."""
    pairs = []
    for x, label in zip(X, labels):
        y = np.zeros((n_classes, 1))
        y[label] = 1.0
        pairs.append((x.reshape(-1, 1), y))
    return pairs
