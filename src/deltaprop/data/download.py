"""Download the standard MNIST-format files with checksum checks, resumable and atomic.

A file is fetched into ``<name>.part`` next to its destination; an
interrupted download resumes from there with an HTTP ``Range`` request.  Only
after its checksum matches is it renamed (``os.replace``, atomic) to the final
name, so a half-downloaded or corrupt file never looks like a good one.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import urllib.error
import urllib.request
from pathlib import Path

from .datasets import STANDARD_FILES

# name -> (base URL, {file name: (algorithm, hex digest)}); MD5s as published by the datasets' authors.
SOURCES = {
    "mnist": ("https://ossci-datasets.s3.amazonaws.com/mnist/", {
        "train-images-idx3-ubyte.gz": ("md5", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
        "train-labels-idx1-ubyte.gz": ("md5", "d53e105ee54ea40749a09fcbcd1e9432"),
        "t10k-images-idx3-ubyte.gz": ("md5", "9fb629c4189551a2d022fa330f9573f3"),
        "t10k-labels-idx1-ubyte.gz": ("md5", "ec29112dd5afa0611ce80d1b7f02629c"),
    }),
    "fashion-mnist": ("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/", {
        "train-images-idx3-ubyte.gz": ("md5", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
        "train-labels-idx1-ubyte.gz": ("md5", "25c81989df183df01b3e8a0aad5dffbe"),
        "t10k-images-idx3-ubyte.gz": ("md5", "bef4ecab320f06d8554ea6380940ec79"),
        "t10k-labels-idx1-ubyte.gz": ("md5", "bb300cfdad3c16e7a12a480ee83cd310"),
    }),
}
_CHUNK = 1 << 16
assert all(set(files) == {f"{stem}.gz" for stem in STANDARD_FILES.values()} for _, files in SOURCES.values())


def file_digest(path, algorithm="sha256"):
    """Hex digest of a file (``sha256`` or ``md5``), read in chunks."""
    digest = hashlib.new(algorithm)
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def download_file(url, dest, checksum=None, *, timeout=30.0, report=None):
    """Fetch ``url`` to ``dest`` (atomic; resumes a previous ``dest.part``).

    Parameters
    ----------
    url : str
    dest : str or Path
    checksum : (algorithm, hex digest), optional
        ``("sha256", "...")`` or ``("md5", "...")``; a mismatch deletes the
        partial file and raises ``ValueError``.
    report : callable(done_bytes, total_bytes or None), optional

    Returns
    -------
    Path
        ``dest``.  If it exists already with the right checksum nothing is fetched.
    """
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    if dest.exists() and (checksum is None or file_digest(dest, checksum[0]) == checksum[1].lower()):
        return dest
    part = dest.with_name(dest.name + ".part")
    done = part.stat().st_size if part.exists() else 0
    response = _open(url, done, timeout)
    if response is not None:
        with response:
            _receive(url, response, part, done, report)
    if checksum is not None:
        _check_digest(part, dest, checksum)
    os.replace(part, dest)
    return dest


def _open(url, done, timeout):
    """The HTTP response for ``url`` from byte ``done`` on (a ``Range`` request), or None if nothing is left."""
    request = urllib.request.Request(url, headers={"Range": f"bytes={done}-"} if done else {})
    try:
        return urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as exc:
        if exc.code == 416 and done:            # the partial file is already complete
            return None
        raise OSError(f"download of {url} failed: HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        raise OSError(f"download of {url} failed: {exc.reason}") from None


def _receive(url, response, part, done, report):
    """The body into ``part``: appended after its ``done`` bytes when the server resumed (206), else from the start.

    Whatever arrived before an interruption stays (fsync-ed) for the next run to resume from.
    """
    resumed = response.status == 206
    length = response.headers.get("Content-Length")
    total = (int(length) + (done if resumed else 0)) if length else None
    with open(part, "ab" if resumed else "wb") as out:
        done = done if resumed else 0
        try:
            for block in iter(lambda: response.read(_CHUNK), b""):
                out.write(block)
                done += len(block)
                if report is not None:
                    report(done, total)
        except (http.client.IncompleteRead, OSError) as exc:
            out.write(getattr(exc, "partial", b"") or b"")
            raise OSError(f"download of {url} was interrupted ({type(exc).__name__}); run again to resume") from None
        finally:
            out.flush()
            os.fsync(out.fileno())
    if total is not None and done != total:
        raise OSError(f"download of {url} stopped after {done} of {total} bytes; run again to resume")


def _check_digest(part, dest, checksum):
    """A ``part`` file whose digest is not ``checksum`` is deleted: ``ValueError`` naming ``dest``."""
    actual = file_digest(part, checksum[0])
    if actual != checksum[1].lower():
        part.unlink()
        raise ValueError(f"{dest.name}: {checksum[0]} checksum mismatch (got {actual}, expected {checksum[1]}); "
                         f"the partial file was deleted, try again")


def download_dataset(name, directory=None, *, url_base=None, checksums=None, report=None):
    """Download the four files of ``name`` into ``directory/name`` (default: the cache dir).

    ``url_base`` replaces the official base URL (a mirror, or a test server);
    ``checksums`` ({file: (algorithm, digest)}) replaces the official digests.
    Returns the dataset directory.
    """
    from .datasets import cache_dir
    if name not in SOURCES:
        raise ValueError(f"unknown dataset {name!r}; valid: {', '.join(SOURCES)}")
    base, official = SOURCES[name]
    base = url_base or base
    if not base.endswith("/"):
        base += "/"
    target = Path(directory) if directory is not None else cache_dir()
    target = target / name
    for filename, checksum in (checksums or official).items():
        download_file(base + filename, target / filename, checksum,
                      report=None if report is None else (lambda d, t, f=filename: report(f, d, t)))
    return target
