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

from .server import PlaygroundServer, is_loopback, make_server, start_in_thread

__all__ = ["PlaygroundServer", "is_loopback", "make_server", "start_in_thread"]
