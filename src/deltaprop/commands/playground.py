"""``deltaprop playground``: serve the interactive playground on a local port."""

from __future__ import annotations

import sys
import webbrowser

from .errors import CommandError
from ._args import int_in_range

HELP = "open a local web page to watch and step backprop as a network learns"


def add_arguments(parser):
    parser.add_argument("--port", type=int_in_range(0, 65535, "a port number"), default=0,
                        help="port to listen on (default: a free one)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to bind (default 127.0.0.1; anything else exposes the page to your network)")
    parser.add_argument("--max-sessions", type=int_in_range(1, 10_000, "a number of sessions"), default=None,
                        metavar="N", help="sessions (open pages) served at once (default 64: a class of 40 with "
                                          "room for second tabs; ≈ 4 MB each at the largest settings)")
    parser.add_argument("--open", action="store_true", help="open the page in your web browser")
    parser.add_argument("--verbose", action="store_true", help="log every request")


def run(args):
    from ..playground import is_loopback, make_server
    if not is_loopback(args.host):
        print(f"warning: binding to {args.host}, not loopback: anyone who can reach this machine can use the "
              f"playground (and its CPU). Use --host 127.0.0.1 to keep it local.", file=sys.stderr)
    try:
        options = {} if args.max_sessions is None else {"max_sessions": args.max_sessions}
        server = make_server(args.host, args.port, verbose=args.verbose, **options)
    except OSError as exc:
        raise CommandError(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}") from None
    print(f"deltaprop playground: {server.url}  (Ctrl+C to stop)", flush=True)
    if args.open:
        if not webbrowser.open(server.url):
            print(f"deltaprop playground: no web browser found to open; open {server.url} yourself",
                  file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("deltaprop playground: stopped", file=sys.stderr)
    finally:
        server.stopping.set()
        server.api.close_all()
        server.server_close()
    return 0
