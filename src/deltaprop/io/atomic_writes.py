"""Atomic file writes: the old file or the new one, never half of one.

Every file deltaprop writes (models, checkpoints, predictions, reports,
explanations, plots, exports) goes through :func:`atomic_write`:

1. the bytes go to a temporary file in the target's own folder (same file
   system, so the rename below is atomic), named ``.NAME.<random>.tmp``;
2. it is flushed and ``fsync``-ed, then given the mode a plain ``open``
   would give under the current umask;
3. ``os.replace`` puts it in place of the target in one step;
4. on any failure (a full disk, an interrupted write) the temporary file is
   removed and the old target is untouched, and the error propagates.

A process killed with SIGKILL between 1 and 3 leaves a ``.NAME.*.tmp``
file: :func:`remove_stale_temporaries` clears those of our own name pattern.
"""

from __future__ import annotations

import contextlib
import glob
import os
import tempfile

TEMP_SUFFIX = ".tmp"


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_write(path, mode="wb", encoding=None):
    """Open a temporary file for writing; on success it replaces ``path`` atomically.

    Parameters
    ----------
    path : str or os.PathLike
    mode : {"wb", "w"}
    encoding : str, optional
        For text mode (default UTF-8).

    Yields
    ------
    file object
    """
    if mode not in ("wb", "w"):
        raise ValueError(f"atomic_write mode must be 'wb' or 'w', got {mode!r}")
    path = os.fspath(path)
    if os.path.lexists(path) and not os.path.isfile(path):
        raise ValueError(f"{path}: not a regular file; refusing to replace it (give a file name)")
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{os.path.basename(path)}.", suffix=TEMP_SUFFIX)
    try:
        with os.fdopen(fd, mode, encoding=(encoding or "utf-8") if mode == "w" else None,
                       newline="" if mode == "w" else None) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())             # what open() would have given, not mkstemp's 0600
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_bytes(path, data):
    """Write ``data`` to ``path`` atomically."""
    with atomic_write(path, "wb") as handle:
        handle.write(data)


def write_text(path, text, encoding="utf-8"):
    """Write ``text`` to ``path`` atomically."""
    with atomic_write(path, "w", encoding=encoding) as handle:
        handle.write(text)


def remove_stale_temporaries(path):
    """Remove ``.NAME.*.tmp`` files that an interrupted :func:`atomic_write` of ``path`` left; returns their count."""
    path = os.fspath(path)
    pattern = os.path.join(os.path.dirname(os.path.abspath(path)),
                           f".{glob.escape(os.path.basename(path))}.*{TEMP_SUFFIX}")
    removed = 0
    for stale in glob.glob(pattern):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(stale)
            removed += 1
    return removed
