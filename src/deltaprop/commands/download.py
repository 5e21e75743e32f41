"""``deltaprop download NAME``: fetch mnist or fashion-mnist into the cache, checksums verified."""

from __future__ import annotations

import sys

from ..data.datasets import cache_dir
from ..data.download import SOURCES, download_dataset

HELP = "download mnist or fashion-mnist (checksum-verified, resumable) into a cache directory"


def add_arguments(parser):
    parser.add_argument("name", choices=sorted(SOURCES), help="dataset")
    parser.add_argument("--dir", metavar="DIR", help=f"cache directory (default {cache_dir()}, "
                                                     f"or $DELTAPROP_DATA)")
    parser.add_argument("--url-base", metavar="URL", help="download from this base URL instead (a mirror)")
    parser.add_argument("--quiet", action="store_true")


def run(args):
    def report(filename, done, total):
        if not args.quiet and sys.stderr.isatty():
            size = f"/{total / 1e6:.1f}" if total else ""
            sys.stderr.write(f"\r  {filename}: {done / 1e6:.1f}{size} MB\x1b[K")
            sys.stderr.flush()

    if args.url_base and not args.url_base.lower().startswith(("http://", "https://")):
        raise ValueError(f"--url-base must be an http:// or https:// URL, got {args.url_base!r}")
    target = download_dataset(args.name, args.dir, url_base=args.url_base, report=report)
    if not args.quiet:
        if sys.stderr.isatty():
            sys.stderr.write("\r\x1b[K")
        print(f"{args.name}: the four files are in {target} (checksums verified)")
    return 0
