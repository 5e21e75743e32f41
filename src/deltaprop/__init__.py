"""deltaprop: fully connected networks trained by backpropagation in tensor form.

NumPy is the only dependency.  The four equations of backpropagation (BP1-BP4)
live in :mod:`deltaprop.core.backprop`; everything else is built on them.  The folders
say which part is which: ``core`` (the model, its equations, the training loop),
``fast`` (speed only, tested equal to the core, plugged in below), ``teach``
(oracles and teaching tools), ``io``, ``data``, ``interop``, then the faces
``explain``, ``playground``, ``commands`` and ``sklearn`` (docs/architecture.md).
This module is the façade: the public names, ``import deltaprop as dp``.

>>> import deltaprop as dp
>>> net = dp.Network([2, 8, 2], activations=["tanh", "softmax"], loss="cross-entropy", seed=0)
"""

from .core.activations import ACTIVATIONS, Activation, get_activation
from .core.backprop import Gradients
from .teach.gradcheck import gradcheck
from .core.layers import Dense
from .core.losses import LOSSES, Loss, get_loss
from .teach.mazur import mazur_data, mazur_network
from .core.network import Network
from .teach.nudge import Nudge, nudge
from .core.optimizers import OPTIMIZERS, SGD, Adam, Momentum, Nesterov, Optimizer, get_optimizer
from .core.training import DivergenceError, History, TrainingState, fit, train_batch
from .io.persistence import load_checkpoint, load_model, read_metadata, save_checkpoint, save_model
from .core.schedules import get_schedule
from . import fast  # noqa: F401  (plugs the fast path into the core: fused SGD, engine="compiled")
from . import explain  # the explainer package, callable: explain(network, x, y) -> Explanation
from .explain import exercise  # the exercises (built on the explainer), callable: exercise(level, seed)

from ._version import __version__  # noqa: F401  (deltaprop.__version__)


def __getattr__(name):
    """``deltaprop.playground``, imported when first used: ``dp.playground(net, X, y)`` opens the notebook widget."""
    if name == "playground":
        import importlib
        return importlib.import_module(".playground", __name__)     # also sets deltaprop.playground
    raise AttributeError(f"module 'deltaprop' has no attribute {name!r}")


def _open_playground(network, X, y, **options):
    from .playground.notebook import playground
    return playground(network, X, y, **options)


Network.playground_opener = _open_playground     # net.playground(X, y) (the core never imports the playground)


def _notebook_view(obj):
    """The interactive view of an explanation or an exercise inside a Jupyter kernel ({} elsewhere, or without
    anywidget): deltaprop.playground.notebook.views, imported when first shown."""
    try:
        from .playground.notebook import views
    except ImportError:
        return {}
    return views.mimebundle(obj)


explain.Explanation.notebook_view = exercise.Exercise.notebook_view = _notebook_view

__all__ = [
    "ACTIVATIONS", "Activation", "Dense", "DivergenceError", "Gradients", "History", "LOSSES", "Loss",
    "Network", "OPTIMIZERS", "Optimizer", "SGD", "fit", "get_activation", "get_loss", "get_optimizer",
    "gradcheck", "mazur_data", "mazur_network",
    "explain", "exercise",
    "Adam", "Momentum", "Nesterov", "TrainingState", "get_schedule", "load_checkpoint", "load_model",
    "read_metadata", "save_checkpoint", "save_model", "Nudge", "nudge", "train_batch", "playground",
]
