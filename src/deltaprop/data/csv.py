"""CSV datasets: one sample per row, one column holding the label.

The label column is the one named ``label`` (when the file has a header), or
the one given by name or 0-based index.  Every other column is a feature.
Text where a number should be, or a missing value, raises ``ValueError``
naming the file, the row (1-based line number) and the column.
"""

from __future__ import annotations

import csv as _csv

import numpy as np

from ..io.safe_read import read_text
from .checks import check_targets


def read_csv(path, label_column=None, *, require_label=True):
    """Read a numeric CSV file.

    Parameters
    ----------
    path : str or Path
    label_column : str or int, optional
        Column name (needs a header) or 0-based index; default: the column named
        ``label``.  Pass ``require_label=False`` to read features only when no
        label column is found.
    require_label : bool, default True

    Returns
    -------
    X : ndarray, shape (n, d) float64
    y : ndarray or None
        Integer labels ``(n,)`` if every label is a whole number, else float
        targets ``(n, 1)``; None when there is no label column.
    header : list of str or None
    """
    path = str(path)
    text = read_text(path, 8 << 30, "CSV file")
    table, header = parse_table(text, path)
    index = label_index(path, label_column, header, table.shape[1], require_label)
    if index is None:
        return table, None, header
    y = table[:, index]
    X = np.delete(table, index, axis=1)
    return X, check_targets(path, y, len(y), "labels"), header


class CSVError(ValueError):
    """A CSV :func:`parse_table` refuses: the English message, and the same as data a face words in its own language
    (the playground does): ``kind`` (``empty``, ``no_rows``, ``header_width``, ``row_width``, ``missing``,
    ``not_number``, ``not_finite``, ``unparsed``) and ``details`` (``row`` (from 1, as the message), ``column``
    (from 0, as the message), ``cell``, ``found``, ``expected``, ``header``)."""

    def __init__(self, message, kind, **details):
        super().__init__(message)
        self.kind, self.details = kind, details


def parse_table(text, name):
    """All cells of CSV ``text`` as float64 ``(n, columns)``, and the header (list of str) or None.

    Used for files (:func:`read_csv`) and for the playground's uploads alike;
    :mod:`deltaprop.data.csv_stream` applies the same rules to a file a batch
    of lines at a time.  Commas separate cells (semicolons when the first line
    has no comma); blank lines are skipped, and so are lines starting with
    ``#`` (NumPy's comment rule); a first line that is not all numbers is the
    header.  A bad cell raises :class:`CSVError` (a ``ValueError``) naming ``name``, the line and the column.
    """
    numbered = [(number, line) for number, line in enumerate(text.splitlines(), start=1) if line.strip()]
    if not numbered:
        raise CSVError(f"{name}: the CSV file is empty", "empty")
    delimiter, header = layout(numbered[0][1])
    table = parse_rows(numbered[1:] if header else numbered, name, delimiter, header)
    if not len(table):
        raise CSVError(f"{name}: the CSV file has no data rows", "no_rows")
    check_header(name, header, table.shape[1])
    return table, header


def layout(first_line):
    """``(delimiter, header)`` decided from the first non-blank line: ``;`` when it has one and no comma, else ``,``;
    the header is its cells (stripped) when any cell is not a number, else None."""
    delimiter = ";" if ";" in first_line and "," not in first_line else ","
    return delimiter, _header(first_line, delimiter)


def is_comment(line):
    """NumPy's ``loadtxt`` skips a line starting with ``#`` (and ignores what follows a ``#`` in a row)."""
    return line.startswith("#")


def parse_rows(rows, name, delimiter, header, width=None):
    """The cells of ``rows`` (``[(line number, line)]``, non-blank) as float64 ``(k, columns)``.

    ``width`` (the columns of the rows before these) is enforced when given.  A
    bad cell, a missing value or a row of another width raises :class:`CSVError`
    naming ``name``, the line number and the column (and its header name).
    """
    data = [line for _, line in rows if not is_comment(line)]
    if not data:
        return np.empty((0, width or 0))
    try:
        table = np.loadtxt(data, delimiter=delimiter, dtype=np.float64, ndmin=2)
    except ValueError:
        table = None
    if table is None or not np.isfinite(table).all() or (width is not None and table.shape[1] != width):
        _report_bad_cell(rows, name, delimiter, header, width)       # raises with line and column
    return table


def check_header(name, header, n_columns):
    if header and len(header) != n_columns:
        raise CSVError(f"{name}: the header has {len(header)} columns but the rows have {n_columns}", "header_width",
                       header=len(header), found=int(n_columns))


def _header(first, delimiter):
    cells = next(_csv.reader([first], delimiter=delimiter))
    for cell in cells:
        try:
            float(cell)
        except ValueError:
            if cell.strip():
                return [c.strip() for c in cells]
    return None


def _report_bad_cell(rows, name, delimiter, header, width=None):
    for number, line in rows:
        if is_comment(line):
            continue
        row = next(_csv.reader([line.split("#", 1)[0]], delimiter=delimiter))
        if width is None:
            width = len(row)
        if len(row) != width:
            raise CSVError(f"{name}: row {number} has {len(row)} columns, expected {width}", "row_width", row=number,
                           found=len(row), expected=width)
        for column, cell in enumerate(row):
            where = f"{name}: row {number}, column {column}"
            if header and column < len(header):
                where += f" ({header[column]!r})"
            cell_text = cell.strip()
            if not cell_text or cell_text.lower() in ("nan", "na", "null", "none"):
                raise CSVError(f"{where}: missing value {cell!r}", "missing", row=number, column=column, cell=cell)
            try:
                value = float(cell_text)
            except ValueError:
                raise CSVError(f"{where}: {cell!r} is not a number", "not_number", row=number, column=column,
                               cell=cell) from None
            if not np.isfinite(value):
                raise CSVError(f"{where}: {cell!r} is not a finite number", "not_finite", row=number, column=column,
                               cell=cell)
    raise CSVError(f"{name}: could not parse the CSV file as numbers", "unparsed")


def label_index(path, label_column, header, n_columns, require_label=True):
    """The label column's 0-based index (None when there is none and ``require_label`` is false).

    Default: the column named ``label``; else ``label_column`` by name (needs a
    header) or by index (negative counts from the end).  A file whose only
    column is the label has no features: refused.
    """
    index = _label_column(path, label_column, header, n_columns, require_label)
    if index is not None and n_columns == 1:
        raise ValueError(f"{path}: no feature columns besides the label column")
    return index


def _label_column(path, label_column, header, n_columns, require_label):
    if label_column is None:
        if header and "label" in header:
            return header.index("label")
        if not require_label:
            return None
        raise ValueError(f"{path}: no column named 'label'; choose one with --label-column NAME|INDEX")
    if isinstance(label_column, str) and not label_column.lstrip("-").isdigit():
        if not header:
            raise ValueError(f"{path}: label column {label_column!r} given by name but the file has no header; "
                             f"give its 0-based index instead")
        if label_column not in header:
            raise ValueError(f"{path}: no column named {label_column!r}; columns: {', '.join(header)}")
        return header.index(label_column)
    index = int(label_column)
    if not -n_columns <= index < n_columns:
        raise ValueError(f"{path}: label column index {index} is out of range for {n_columns} columns")
    return index % n_columns
