"""The explainer: one step of backpropagation written out with every number (Mazur's tutorial, any network).

``deltaprop.explain`` is this package *and* the function: calling the module
calls :func:`~.explanation.explain`, so both ``deltaprop.explain(net, x, y)``
and ``from deltaprop import explain; explain(net, x, y)`` work, while
``deltaprop.explain.diagram`` and the other modules stay importable.

Modules: :mod:`.model` (the engine's numbers), :mod:`.neuron` and :mod:`.matrix`
(the two written forms), :mod:`.build` (the whole document), :mod:`.text`,
:mod:`.markdown`, :mod:`.html` with :mod:`.mathml` and :mod:`.diagram`
(renderers), :mod:`.spec` (the JSON network format), :mod:`.i18n` (languages).
"""

from __future__ import annotations

import sys
import types

from ..core.network import Network
from . import spec
from .build import DETAILS, FORMS
from .diagram import network_svg
from .errors import ExplainError
from .explanation import FORMATS, Explanation, explain
from .expr import FixedDecimals
from .i18n import LANGUAGES, check_language, translate
from .model import MAX_STEPS, Trace
from .html import fragment as html_fragment
from .naming import names_for

Network.html_renderer = network_svg     # a Network in Jupyter draws as this diagram (the core never imports us)

# The public API: what the other faces (the command line, the playground) may use; they import nothing else of
# this package (tests/architecture/test_import_graph.py).
__all__ = ["DETAILS", "Explanation", "ExplainError", "FORMATS", "FORMS", "FixedDecimals", "LANGUAGES", "MAX_STEPS",
           "Trace", "check_language", "explain", "html_fragment", "names_for", "spec", "translate"]


class _CallableModule(types.ModuleType):
    """This package's module type: ``deltaprop.explain(...)`` calls :func:`explain`."""

    def __call__(self, network, x, y, **options):
        return explain(network, x, y, **options)


sys.modules[__name__].__class__ = _CallableModule
