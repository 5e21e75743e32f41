"""CSV files a batch of lines at a time: memory follows the batch, never the file.

``deltaprop predict`` and ``deltaprop evaluate`` read a CSV file through
:func:`scan_csv`, which makes one cheap pass (the layout from the first lines,
the data rows counted) and hands back a :class:`CsvFile` whose rows are then
parsed ``rows`` lines at a time.  Every rule is :mod:`deltaprop.data.csv`'s,
applied unchanged to each batch (one owner per rule): the delimiter and the
header (:func:`~deltaprop.data.csv.layout`), the label column
(:func:`~deltaprop.data.csv.label_index`), comment lines, and the cells, parsed
by NumPy (:func:`~deltaprop.data.csv.parse_rows`) and, when one is bad, named
by its line number (as ``str.splitlines`` counts the file's lines) and column
exactly as the whole-file reader names it.  The text is decoded as UTF-8 a
chunk at a time (a BOM is skipped); an invalid byte is named by its offset in
the file.
"""

from __future__ import annotations

import codecs
import itertools
from dataclasses import dataclass

import numpy as np

from ..io.safe_read import check_regular_file
from .csv import CSVError, check_header, is_comment, label_index, layout, parse_rows

CHUNK_BYTES = 1 << 18             # bytes of text decoded at a time (cut at the last newline)
PARSE_LINES = 8192                # lines parsed at a time (their Python strings cost ~10× their numbers)
MAX_BYTES = 1 << 40               # nothing in memory grows with the file (evaluate keeps 8 bytes of label a row)


@dataclass
class CsvFile:
    """A CSV file's layout and size, from :func:`scan_csv`; its rows come from :meth:`batches`."""

    path: str
    delimiter: str
    header: list | None
    n_columns: int
    label: int | None             # the label column's index, None when the file has none
    n_rows: int

    @property
    def n_features(self):
        return self.n_columns - (self.label is not None)

    def batches(self, rows):
        """Feature rows ``(rows, n_features)`` float64, a batch at a time (the label column dropped)."""
        for table in self._tables(rows):
            yield table if self.label is None else np.delete(table, self.label, axis=1)

    def labels(self, rows):
        """The label column ``(n_rows,)`` float64, read ``rows`` rows at a time (every cell of every row checked)."""
        if self.label is None:
            raise ValueError(f"{self.path}: no label column")
        return np.concatenate([table[:, self.label].copy() for table in self._tables(rows)])

    def _tables(self, rows):
        """Exactly ``rows`` data rows at a time (the last batch shorter), parsed :data:`PARSE_LINES` lines at a time."""
        lines = _numbered_lines(self.path)
        if self.header:
            next(lines, None)
        held, count, done = [], 0, 0
        for group in _groups(lines, PARSE_LINES):
            held.append(parse_rows(group, self.path, self.delimiter, self.header, self.n_columns))
            count += len(held[-1])
            while count >= rows:
                table = np.concatenate(held) if len(held) > 1 else held[0]
                held, count = [table[rows:]], count - rows
                done += rows
                yield table[:rows]
        if count:
            done += count
            yield np.concatenate(held)
        if done != self.n_rows:
            raise ValueError(f"{self.path}: the file changed while it was read ({self.n_rows:,} data rows, "
                             f"then {done:,})")


def scan_csv(path, label_column=None, *, require_label=True):
    """One pass over the CSV file ``path``: its layout, its label column and how many data rows it has.

    Only the first data row is parsed (its width, checked against the header);
    the others are counted, not parsed.  Raises ``ValueError`` naming the file
    for an empty file, a header without rows, a bad first row or label column.
    """
    path = check_regular_file(path, MAX_BYTES, "CSV file")
    lines = _numbered_lines(path)
    first = next(lines, None)
    if first is None:
        raise CSVError(f"{path}: the CSV file is empty", "empty")
    delimiter, header = layout(first[1])
    if not header:
        lines = itertools.chain([first], lines)
    n_columns, n_rows = None, 0
    for number, line in lines:
        if is_comment(line):
            continue
        if n_columns is None:
            n_columns = parse_rows([(number, line)], path, delimiter, header).shape[1]
            check_header(path, header, n_columns)
        n_rows += 1
    if not n_rows:
        raise CSVError(f"{path}: the CSV file has no data rows", "no_rows")
    index = label_index(path, label_column, header, n_columns, require_label)
    return CsvFile(path, delimiter, header, n_columns, index, n_rows)


def _groups(items, size):
    """Lists of ``size`` items (the last one shorter)."""
    while True:
        group = list(itertools.islice(items, size))
        if not group:
            return
        yield group


def _numbered_lines(path):
    """``(line number, line)`` of every non-blank line, numbered as ``str.splitlines`` numbers the whole text."""
    number = 0
    for text in _decoded_chunks(path, CHUNK_BYTES):
        lines = text.splitlines()
        yield from [(number + i, line) for i, line in enumerate(lines, start=1) if line.strip()]
        number += len(lines)


def _decoded_chunks(path, chunk_bytes):
    """The file's text, UTF-8 decoded, in pieces of about ``chunk_bytes`` that each end after a ``\\n``.

    A line break never straddles two pieces (``\\r\\n`` stays whole), so
    splitting each piece's lines numbers them as splitting the whole text would.
    """
    offset, pending = 0, []
    with open(path, "rb") as handle:
        while True:
            chunk = handle.read(chunk_bytes)
            cut = chunk.rfind(b"\n") + 1 if chunk else 0
            if chunk and not cut:
                pending.append(chunk)                  # a line longer than a chunk: keep reading
                continue
            data = b"".join(pending) + chunk[:cut] if chunk else b"".join(pending)
            pending = [chunk[cut:]] if chunk else []
            start = offset
            if offset == 0 and data.startswith(codecs.BOM_UTF8):
                data, start = data[len(codecs.BOM_UTF8):], len(codecs.BOM_UTF8)
            yield _decode(path, data, start)
            offset = start + len(data)
            if not chunk:
                return


def _decode(path, data, offset):
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not UTF-8 text (byte {offset + exc.start}: {data[exc.start:exc.start + 1]!r})") \
            from None
