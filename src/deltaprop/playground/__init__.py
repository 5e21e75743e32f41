"""The playground: a local web page to watch and step backprop as a network learns.

``deltaprop playground`` starts it.  The training runs here, in Python, with the
library's own :class:`~deltaprop.Network`; the page (vanilla JavaScript in
``static/``) draws what the small JSON API and its event stream send.

>>> from deltaprop.playground import start_in_thread
>>> server = start_in_thread()          # doctest: +SKIP
>>> server.url                          # doctest: +SKIP
'http://127.0.0.1:54321/'
>>> server.stop()                       # doctest: +SKIP
"""

import sys
import types

from .server import PlaygroundServer, is_loopback, make_server, start_in_thread

__all__ = ["PlaygroundServer", "is_loopback", "make_server", "start_in_thread"]


class _CallableModule(types.ModuleType):
    """``deltaprop.playground(net, X, y)``: the notebook widget (:mod:`.notebook`, needs ``deltaprop[notebook]``)."""

    def __call__(self, network, X, y, **options):
        from .notebook import playground
        return playground(network, X, y, **options)


sys.modules[__name__].__class__ = _CallableModule
