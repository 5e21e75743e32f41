"""One learner's training state: data, network, optimiser, and the mini-batch walk.

A :class:`Session` is driven by API calls (step, epoch, reset, edit a weight)
and, while playing, by its own background thread.  Every method that touches
the network holds ``self.lock``; the thread takes the lock for short slices of
steps so that requests are never kept waiting long.  ``self.changed`` (a
condition on the same lock) wakes the event streams after each change.

The "current mini-batch" is the last batch a step trained on, together with
the weights the network had *before* that step (so the neuron panel shows the
very numbers that produced the update).  After a reset or a hand-edited
weight it is the next batch to be trained, with the current weights.
"""

from __future__ import annotations

import threading
import time

import numpy as np

from ..core.batch_step import DivergenceError, check_divergence
from ..core.batches import BatchWalk
from ..core.labels import is_classification
from ..core.losses import get_loss
from ..core.network import Network
from ..core.optimizers import get_optimizer
from ..teach import mazur
from . import schema
from .datasets import build_dataset, output_layer
from .loss_curves import record_point
from .messages import NAMES, RESTART_KEYS, notice
from .playing import Playing
from .schema import RequestError
from .stall_hints import stall_hint

LIVE_KEYS = ("learning_rate", "optimizer", "batch_size", "l2", "l1")   # changed while training: the weights stay
VIEW_KEYS = ("speed", "discretize")                              # how it plays or looks: nothing to retrain


class Session(Playing):
    """Training state for one configuration (see :func:`.schema.validate_config`); plays as :class:`.Playing`."""

    def __init__(self, config, upload=None):
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self.upload = upload                  # parsed CSV (X, t) or None
        self.client = None                    # the address of the client that made it (for per-client quotas)
        self.version = 0
        self.playing = False
        self.thread = None
        self.last_seen = time.monotonic()
        self.configure(config)

    # ------------------------------------------------------------ building
    def configure(self, config, upload=None):
        """Apply a validated ``config``.

        When only the learning rate, optimiser, batch size, L1/L2 or a loss that keeps the output layer change,
        training goes on from the same weights, step count and loss history (a marker on the loss chart says what
        changed; an optimiser's momentum or Adam state starts afresh).  Anything else (data, architecture, a loss
        that needs another output layer, seed) rebuilds the network from scratch, and ``self.notice`` names the
        change that did it.
        """
        with self.lock:
            old = getattr(self, "config", None)
            changed = {k for k in config if old is not None and config[k] != old.get(k)}
            if old is not None and upload is None and changed and changed <= set(VIEW_KEYS):
                self.config = config                    # a new playing speed: nothing else changes
                self._touch()
                return
            live = set(LIVE_KEYS + VIEW_KEYS) | ({"loss"} if old is not None and self._loss_keeps_network(config)
                                                  else set())
            if old is not None and upload is None and config["preset"] != "mazur" and changed and changed <= live:
                self._change_live(config)
                return
            self.pause()
            if config["preset"] == "mazur":
                config = {**config, "hidden": [2], "activations": ["sigmoid"], "loss": mazur.LOSS,
                          "optimizer": "sgd", "learning_rate": mazur.LEARNING_RATE, "batch_size": 1, "l2": 0.0}
            data = build_dataset(config, self.upload if upload is None else upload)   # may refuse: nothing changed
            if data.n_classes == 0 and config["preset"] != "mazur":
                schema.check_regression(config["loss"])
            if not all(np.isfinite(a).all() for a in (data.X_train, data.X_test, data.Y_train, data.Y_test)):
                raise RequestError("the data overflow to infinity when scaled; keep values within ±1e300",
                                   code="data_overflow")
            if upload is not None:
                self.upload = upload
            causes = ["upload"] if upload is not None else [k for k in RESTART_KEYS if k in changed]
            self.config, self.data = config, data
            self.reset()
            if old is not None:
                self.notice = notice("restarted", [[key, _shown(old.get(key)), _shown(config.get(key))]
                                                   for key in causes])

    def _loss_keeps_network(self, config):
        """A new loss keeps the network when the output layer stays the same (quadratic ↔ binary cross-entropy)."""
        old = self.config
        if config["loss"] == old["loss"] or old["preset"] == "mazur" or not self.data.n_classes:
            return False
        return output_layer(self.data.n_classes, config["loss"]) == output_layer(self.data.n_classes, old["loss"])

    def reset(self):
        """Fresh weights (same seed, same network), epoch 0, empty loss curves."""
        with self.lock:
            self.pause()
            config = self.config
            if config["preset"] == "mazur":
                self.network = mazur.mazur_network()
            else:
                units, out_act = output_layer(self.data.n_classes, config["loss"])
                self.network = Network([len(config["features"]), *config["hidden"], units],
                                       [*config["activations"], out_act], loss=config["loss"], seed=config["seed"])
            self._start_run()

    def _start_run(self):
        """Epoch 0 on the current weights: a fresh optimiser, batch walk, curves and books (call with the lock)."""
        config = self.config
        self.optimizer = self._optimizer(config)
        self.before = self.network.copy()                      # weights before the current batch
        # the same mini-batch walk as fit(): a fresh permutation per epoch from the seed
        self.walk = BatchWalk(len(self.data.X_train), config["batch_size"], np.random.default_rng(config["seed"]))
        self.walk.start_epoch()
        self.epoch, self.steps = 0, 0
        self.history, self.error, self.markers, self.notice = [], None, [], None
        self.diagnostics = []
        self._preview_next_batch()
        self._record()
        self._touch()

    def _change_live(self, config):
        """New optimiser settings (or a loss with the same output layer) on the same weights: a chart marker."""
        old, self.config = self.config, config
        keys = [key for key in LIVE_KEYS + ("loss",) if config[key] != old[key]]
        if "loss" in keys:
            self.network.loss = get_loss(config["loss"])
            self.before.loss = self.network.loss
        self.optimizer = self._optimizer(config)
        if config["batch_size"] != old["batch_size"]:
            position = self.walk.position
            self.walk.batch_size = min(config["batch_size"], self.walk.n)
            self.walk.position = position
        changes = [[key, _shown(old[key]), _shown(config[key])] for key in keys]
        self.markers.append([round(self.epoch + self.walk.position / self.walk.n, 4),
                             ", ".join(f"{NAMES[key]} {config[key]}" for key in keys), changes])
        self.markers = self.markers[-20:]
        self.notice = notice("live", changes)
        self._preview_next_batch()
        self._record()
        self._touch()

    def _optimizer(self, config):
        """The configured optimiser with Nielsen's λ/n for L2 (weight decay) and L1 (n = training points)."""
        optimizer = get_optimizer(config["optimizer"], config["learning_rate"])
        optimizer.set_regularization(config["l2"], len(self.data.X_train), l1=config["l1"])
        return optimizer

    # ------------------------------------------------------------ training
    @property
    def batch_size(self):
        return self.walk.batch_size

    @property
    def position(self):
        """Index of the next sample in this epoch's order."""
        return self.walk.position

    def step(self):
        """Train exactly one mini-batch (the next one of this epoch); returns its loss before the step."""
        with self.lock:
            self.notice = None                  # a notice lasts until the next action
            loss = self._step()
            self._record()
            self._touch()
            return loss

    def run_epoch(self):
        """Train the rest of the current epoch (a whole epoch when at its start)."""
        with self.lock:
            self.notice = None
            start = self.epoch
            while self.epoch == start and self.error is None:
                self._step()
            self._touch()

    def _step(self):
        idx = self.walk.next_indices()
        X, Y = self.data.X_train[idx], self.data.Y_train[idx]
        for saved, param in zip(self.before.parameters(), self.network.parameters()):
            np.copyto(saved, param)
        loss = self.network.train_step(X, Y, self.optimizer)
        self.batch = {"indices": idx.copy(), "loss": float(loss)}
        try:            # fit()'s rule: a non-finite loss or weight; the weights before the step are kept
            check_divergence(self.network, loss, self.before.parameters(), f"at step {self.steps + 1}")
        except DivergenceError as exc:
            for param, saved in zip(self.network.parameters(), self.before.parameters()):
                np.copyto(param, saved)
            self.playing = False
            self.error = f"{exc} (it is {self.config['learning_rate']:g})."
            self.error_code = {"code": "diverged", "params": {"step": self.steps + 1,
                                                              "eta": self.config["learning_rate"]}}
            self._preview_next_batch()
            self._touch()
            raise RequestError(self.error, 409, "diverged", **self.error_code["params"]) from None
        self.steps += 1
        if self.walk.advance():
            self.epoch += 1
            self._record()
        return float(loss)

    def _preview_next_batch(self):
        """Make the next batch the current one, with the current weights (nothing trained)."""
        for saved, param in zip(self.before.parameters(), self.network.parameters()):
            np.copyto(saved, param)
        idx = self.walk.next_indices()
        self.batch = {"indices": idx.copy(), "loss": None}

    def current_batch(self):
        """``(network with the batch's weights, X, Y, indices)`` of the current mini-batch."""
        idx = self.batch["indices"]
        return self.before, self.data.X_train[idx], self.data.Y_train[idx], idx

    # ------------------------------------------------------------ editing
    def set_weight(self, layer, to, frm, value):
        """Set ``w^l_{to,from}`` (or the bias ``b^l_to`` for ``frm == -1``) by hand."""
        with self.lock:
            dense = self.network.layers[layer - 1]
            if frm < 0:
                dense.biases[to] = value
            else:
                dense.weights[to, frm] = value
            self.notice = None
            self._preview_next_batch()
            self._record()
            self._touch()

    # ------------------------------------------------------------ bookkeeping
    def losses(self):
        """Current train/test loss (and accuracy for classes) with the current weights."""
        d = self.data
        train, test = self.network.evaluate(d.X_train, d.Y_train), self.network.evaluate(d.X_test, d.Y_test)
        out = {"train": train["loss"], "test": test["loss"]}
        if "accuracy" in train and is_classification(d.Y_train):
            out["train_accuracy"], out["test_accuracy"] = train["accuracy"], test["accuracy"]
        return out

    def hint(self):
        """Advice when the training loss has stalled, from the diagnosis (:func:`.stall_hints.stall_hint`)."""
        return stall_hint(self)

    def _record(self):
        """A point of the loss curves and of the diagnostics for the current weights (:mod:`.loss_curves`)."""
        record_point(self)

    def _touch(self):
        """Mark a change: a new version for the streams, and wake them."""
        self.version += 1
        self.changed.notify_all()


def _shown(value):
    return ",".join(map(str, value)) if isinstance(value, list) else value
