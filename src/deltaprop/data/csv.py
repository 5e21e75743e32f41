"""CSV datasets: one sample per row, one column holding the label.

The label column is the one named ``label`` (when the file has a header), or
the one given by name or 0-based index.  Every other column is a feature.
Text where a number should be, or a missing value, raises ``ValueError``
naming the file, the row (1-based line number) and the column.
"""

from __future__ import annotations

import csv as _csv
import itertools

import numpy as np


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
    header = _read_header(path)
    table = _parse_numbers(path, skip=1 if header else 0, header=header)
    n_columns = table.shape[1]
    index = _label_index(path, label_column, header, n_columns, require_label)
    if index is None:
        return table, None, header
    y = table[:, index]
    X = np.delete(table, index, axis=1)
    if X.shape[1] == 0:
        raise ValueError(f"{path}: no feature columns besides the label column")
    if np.all(np.mod(y, 1) == 0):
        y = y.astype(np.int64)
    else:
        y = y[:, None]
    return X, y, header


def _read_header(path):
    with open(path, newline="") as handle:
        first = next(_csv.reader(handle), None)
    if first is None:
        raise ValueError(f"{path}: the CSV file is empty")
    for field in first:
        try:
            float(field)
        except ValueError:
            if field.strip():
                return [f.strip() for f in first]
    return None


def _parse_numbers(path, skip, header):
    """All cells as float64 ``(n, columns)``; the fast path is NumPy's C parser."""
    try:
        table = np.loadtxt(path, delimiter=",", skiprows=skip, dtype=np.float64, ndmin=2, encoding="utf-8")
    except ValueError:
        table = None
    if table is None or not np.isfinite(table).all():
        _report_bad_cell(path, skip, header)        # raises with row and column
    if table.shape[0] == 0:
        raise ValueError(f"{path}: the CSV file has no data rows")
    return table


def _report_bad_cell(path, skip, header):
    with open(path, newline="", encoding="utf-8") as handle:
        rows = _csv.reader(handle)
        width = None
        for line, row in enumerate(itertools.islice(rows, skip, None), start=skip + 1):
            if width is None:
                width = len(row)
            if len(row) != width:
                raise ValueError(f"{path}: row {line} has {len(row)} columns, expected {width}")
            for column, cell in enumerate(row):
                where = f"{path}: row {line}, column {column}"
                if header and column < len(header):
                    where += f" ({header[column]!r})"
                text = cell.strip()
                if not text or text.lower() in ("nan", "na", "null", "none"):
                    raise ValueError(f"{where}: missing value {cell!r}")
                try:
                    value = float(text)
                except ValueError:
                    raise ValueError(f"{where}: {cell!r} is not a number") from None
                if not np.isfinite(value):
                    raise ValueError(f"{where}: {cell!r} is not a finite number")
    raise ValueError(f"{path}: could not parse the CSV file as numbers")


def _label_index(path, label_column, header, n_columns, require_label):
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
