"""Reading user files safely: regular files only, a size cap, JSON with bounded depth and no NaN.

One place for the checks every reader of a small file makes before looking
inside it, so that ``/dev/zero``, a FIFO, a directory, a 10 GB file or a
JSON document nested 100,000 deep each end in one ``ValueError`` line naming
the file -- never a hang, a memory blow-up or a ``RecursionError``.
"""

from __future__ import annotations

import json
import os
import stat

MAX_JSON_DEPTH = 64


def check_regular_file(path, max_bytes, what="file"):
    """``path`` as a string if it is a regular file of at most ``max_bytes``; else ``ValueError``/``FileNotFoundError``."""
    path = os.fspath(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: no such {what}") from None
    if not stat.S_ISREG(info.st_mode):
        kind = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file (a device, FIFO or socket)"
        raise ValueError(f"{path}: {kind}; give a {what} path")
    if info.st_size > max_bytes:
        raise ValueError(f"{path}: {info.st_size:,} bytes; a {what} may be at most {max_bytes:,} bytes")
    return path


def read_bytes(path, max_bytes, what="file"):
    """The bytes of a regular file of at most ``max_bytes`` (re-checked while reading: the file may grow)."""
    path = check_regular_file(path, max_bytes, what)
    with open(path, "rb") as handle:
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValueError(f"{path}: larger than {max_bytes:,} bytes; a {what} may be at most that")
    return data


def read_text(path, max_bytes, what="file"):
    """UTF-8 text of a small regular file; a decoding error names the file and the byte."""
    data = read_bytes(path, max_bytes, what)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{os.fspath(path)}: not UTF-8 text (byte {exc.start}: {data[exc.start:exc.start + 1]!r})") \
            from None


def loads_json(text, source, max_depth=MAX_JSON_DEPTH):
    """Parse JSON: no NaN/Infinity tokens, integers of at most 300 digits, nesting at most ``max_depth``."""
    depth = _max_depth(text)
    if depth > max_depth:
        raise ValueError(f"{source}: JSON nested {depth} levels deep; at most {max_depth} are allowed")
    try:
        return json.loads(text, parse_constant=_no_constant, parse_int=_bounded_int)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{source}: not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except (ValueError, RecursionError) as exc:
        raise ValueError(f"{source}: {exc}") from None


def _max_depth(text):
    """Deepest nesting of ``[``/``{`` outside strings (a linear scan, no recursion)."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def _no_constant(name):
    raise ValueError(f"{name} is not a number JSON allows")


def _bounded_int(text):
    if len(text.lstrip("-")) > 300:
        raise ValueError(f"an integer with {len(text.lstrip('-'))} digits is too large")
    return int(text)


# ------------------------------------------------------------------ .npz archives
def read_npz(path, what=".npz file", max_file_bytes=16 << 30, expect=None):
    """All arrays of an ``.npz`` (never unpickling), every member's size checked before it is decompressed.

    Parameters
    ----------
    path : str or PathLike
    what : str
        What the file is, for messages.
    max_file_bytes : int
        Cap on the archive itself.
    expect : callable(name, shape, dtype), optional
        Called with each member's header before any data is read; raises to refuse.

    A member whose header declares more bytes than half the RAM (a "zip bomb")
    is refused before decompression (:func:`deltaprop.core.validation.check_memory`).
    """
    import zipfile

    import numpy as np

    from ..core.validation import check_memory

    path = check_regular_file(path, max_file_bytes, what)
    with open(path, "rb") as handle:
        magic = handle.read(4)
    if magic[:2] != b"PK":
        raise ValueError(f"{path}: not an .npz archive (a zip file starts with PK; this file starts with {magic!r})")
    try:
        with zipfile.ZipFile(path) as archive:
            total = 0
            for info in archive.infolist():
                if not info.filename.endswith(".npy"):
                    raise ValueError(f"member {info.filename!r} is not a .npy array")
                with archive.open(info) as member:
                    version = np.lib.format.read_magic(member)
                    read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                                   else np.lib.format.read_array_header_2_0)
                    shape, _, dtype = read_header(member, max_header_size=1 << 16)
                if dtype.hasobject:
                    raise ValueError(f"member {info.filename[:-4]!r} is an object array (pickled data), "
                                     f"which is refused")
                n_bytes = int(np.prod(shape, dtype=object)) * dtype.itemsize
                total += n_bytes
                check_memory(total, f"{path}: its arrays ({info.filename[:-4]!r} declares shape {shape})")
                if expect is not None:
                    expect(info.filename[:-4], shape, dtype)
        with np.load(path, allow_pickle=False) as archive:
            return {name: archive[name] for name in archive.files}
    except ValueError as exc:
        message = str(exc)
        raise ValueError(message if message.startswith(path) else f"{path}: {message}") from None
    except Exception as exc:        # zipfile.BadZipFile, EOFError, OSError, zlib.error from a corrupt archive
        raise ValueError(f"{path}: corrupt or truncated .npz archive ({type(exc).__name__}: {exc})") from None
