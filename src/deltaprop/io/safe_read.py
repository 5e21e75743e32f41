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


def read_bytes(path, max_bytes, what="file", chunk_bytes=1 << 20):
    """The bytes of a regular file of at most ``max_bytes``.

    The read is sized by the file, never by the cap: ``handle.read(n)`` reserves
    ``n`` bytes up front, so asking for ``max_bytes + 1`` would reserve the cap in
    address space (a ``MemoryError`` under ``ulimit -v``).  The file is read in
    chunks of at most ``chunk_bytes`` and the cap is enforced on the bytes actually
    read, so a file that grows while it is read is still refused.
    """
    path = check_regular_file(path, max_bytes, what)
    chunks, total = [], 0
    with open(path, "rb") as handle:
        expected = os.fstat(handle.fileno()).st_size
        while True:
            size = min(chunk_bytes, max_bytes - total + 1)
            if total <= expected:                   # what stat promised (+1 to see the end); then chunks again
                size = min(size, expected - total + 1)
            chunk = handle.read(size)
            if not chunk:
                break
            total += len(chunk)
            if total > max_bytes:
                raise ValueError(f"{path}: larger than {max_bytes:,} bytes; a {what} may be at most that")
            chunks.append(chunk)
    return b"".join(chunks)


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
def npz_headers(path, what=".npz file", max_file_bytes=16 << 30):
    """``{name: (shape, fortran_order, dtype)}`` of every member of an ``.npz``, from the headers alone.

    Nothing is decompressed beyond each member's first bytes; an object
    (pickled) array, a member that is not ``.npy`` or a corrupt archive is
    refused with a ``ValueError`` naming the file.
    """
    import zipfile

    import numpy as np

    path = check_regular_file(path, max_file_bytes, what)
    with open(path, "rb") as handle:
        magic = handle.read(4)
    if magic[:2] != b"PK":
        raise ValueError(f"{path}: not an .npz archive (a zip file starts with PK; this file starts with {magic!r})")
    try:
        headers = {}
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if not info.filename.endswith(".npy"):
                    raise ValueError(f"member {info.filename!r} is not a .npy array")
                with archive.open(info) as member:
                    version = np.lib.format.read_magic(member)
                    read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                                   else np.lib.format.read_array_header_2_0)
                    shape, fortran, dtype = read_header(member, max_header_size=1 << 16)
                    header_bytes = member.tell()
                if dtype.hasobject:
                    raise ValueError(f"member {info.filename[:-4]!r} is an object array (pickled data), "
                                     f"which is refused")
                declared = int(np.prod(shape, dtype=object)) * dtype.itemsize
                if header_bytes + declared > info.file_size:      # the zip directory says how much there is
                    raise ValueError(f"array {info.filename[:-4]!r} declares shape {shape} ({declared:,} bytes) "
                                     f"but its member holds {max(0, info.file_size - header_bytes):,}: "
                                     f"corrupt or truncated")
                headers[info.filename[:-4]] = (shape, fortran, dtype)
        return headers
    except ValueError as exc:
        raise ValueError(_named(path, exc)) from None
    except Exception as exc:        # zipfile.BadZipFile, EOFError, OSError, zlib.error from a corrupt archive
        raise ValueError(f"{path}: corrupt or truncated .npz archive ({type(exc).__name__}: {exc})") from None


def read_npz(path, what=".npz file", max_file_bytes=16 << 30, expect=None, names=None):
    """The arrays of an ``.npz`` (never unpickling), every member's size checked before it is decompressed.

    Parameters
    ----------
    path : str or PathLike
    what : str
        What the file is, for messages.
    max_file_bytes : int
        Cap on the archive itself.
    expect : callable(name, shape, dtype), optional
        Called with each member's header before any data is read; raises to refuse.
    names : iterable of str, optional
        Decompress only these members (those present); default: all.  So a
        caller can check small arrays (labels) before it decompresses a large one.

    A member whose header declares more bytes than half the RAM (a "zip bomb")
    is refused before decompression (:func:`deltaprop.core.validation.check_memory`).
    """
    import numpy as np

    from ..core.validation import check_memory

    headers = npz_headers(path, what, max_file_bytes)
    path = os.fspath(path)
    wanted = list(headers) if names is None else [name for name in headers if name in names]
    try:
        total = 0
        for name in wanted:
            shape, _, dtype = headers[name]
            total += int(np.prod(shape, dtype=object)) * dtype.itemsize
            check_memory(total, f"{path}: its arrays ({name!r} declares shape {shape})")
        for name, (shape, _, dtype) in headers.items():
            if expect is not None:
                expect(name, shape, dtype)
        with np.load(path, allow_pickle=False) as archive:
            return {name: archive[name] for name in wanted}
    except ValueError as exc:
        raise ValueError(_named(path, exc)) from None
    except Exception as exc:        # zipfile.BadZipFile, EOFError, OSError, zlib.error from a corrupt archive
        raise ValueError(f"{path}: corrupt or truncated .npz archive ({type(exc).__name__}: {exc})") from None


def _named(path, exc):
    message = str(exc)
    return message if message.startswith(path) else f"{path}: {message}"
