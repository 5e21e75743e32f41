"""The playground in a notebook, on the learner's own network and data: ``dp.playground(net, X, y)``.

Works wherever anywidget does (JupyterLab, Notebook 7, VS Code, Colab, marimo); the extra ``deltaprop[notebook]``
installs it.  The engine runs in the kernel: Step, Play and Epoch train the learner's ``net`` itself (or a copy
with ``copy=True``), so the next cell continues from the weights they watched change.  Modules:
:mod:`.learner` (the learner's arrays as a playground session), :mod:`.widget` (the widget: the page's protocol
over widget messages) and ``bridge.js`` (the page's own files in an iframe, fetch and EventSource over the widget).
"""

from __future__ import annotations

from ..schema import DEFAULTS, RequestError, validate_config
from .learner import learner_config, learner_dataset

MAX_POINTS = 5000       # every sample is drawn on the page and sent once: more is a sample's job


def playground(network, X, y, *, X_test=None, y_test=None, copy=False, learning_rate=0.1, optimizer="sgd",
               batch_size=10, seed=0):
    """A playground widget training ``network`` on ``X (n, d)``, ``y`` (labels, one-hot rows or targets).

    Parameters
    ----------
    network : Network
        Trained in place by the widget's Step / Play / Epoch (``copy=True``: a copy, as ``widget.network``).
    X, y : array_like
        The training data; ``y`` as :meth:`Network.fit` takes it.  Two inputs get the decision boundary; other
        inputs are drawn by their first two, the rest held at their mean.
    X_test, y_test : array_like, optional
        Shown as the test set (default: the training data).
    learning_rate, optimizer, batch_size, seed
        The starting settings (the widget changes the first three; ``seed`` orders the mini-batches).

    Returns
    -------
    PlaygroundWidget
        Display it (the last expression of a cell).  ``widget.network`` is the network it trains.
    """
    try:
        from .widget import PlaygroundWidget
    except ImportError as exc:
        if "anywidget" not in str(exc) and "traitlets" not in str(exc):
            raise
        raise ImportError("dp.playground needs anywidget: pip install 'deltaprop[notebook]'") from None
    if len(X) > MAX_POINTS:
        raise ValueError(f"the notebook playground draws every sample: at most {MAX_POINTS}, got {len(X)}; "
                         f"pass a sample, e.g. X[:{MAX_POINTS}], y[:{MAX_POINTS}]")
    try:
        settings = validate_config({**DEFAULTS, "learning_rate": learning_rate, "optimizer": optimizer,
                                    "batch_size": batch_size, "seed": seed})
    except RequestError as exc:
        raise ValueError(str(exc)) from None
    net = network.copy() if copy else network
    data = learner_dataset(net, X, y, X_test, y_test)
    config = learner_config(net, data, settings["learning_rate"], settings["optimizer"],
                            min(settings["batch_size"], len(data.X_train)), settings["seed"])
    return PlaygroundWidget(net, data, config)


__all__ = ["playground"]
