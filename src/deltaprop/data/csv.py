"""CSV datasets: one sample per row, one column holding the label.

The label column is the one named ``label`` (when the file has a header), or
the one given by name or 0-based index.  Every other column is a feature.
Text where a number should be, or a missing value, raises ``ValueError``
naming the file, the row (1-based line number) and the column.
"""

from __future__ import annotations

import csv as _csv
import io

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
    n_columns = table.shape[1]
    index = _label_index(path, label_column, header, n_columns, require_label)
    if index is None:
        return table, None, header
    y = table[:, index]
    X = np.delete(table, index, axis=1)
    if X.shape[1] == 0:
        raise ValueError(f"{path}: no feature columns besides the label column")
    return X, check_targets(path, y, len(y), "labels"), header


def parse_table(text, name):
    """All cells of CSV ``text`` as float64 ``(n, columns)``, and the header (list of str) or None.

    Used for files (:func:`read_csv`) and for the playground's uploads alike.
    Commas separate cells (semicolons when a line has no comma); blank lines
    are skipped; a first line that is not all numbers is the header.  A bad
    cell raises ``ValueError`` naming ``name``, the line and the column.
    """
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise ValueError(f"{name}: the CSV file is empty")
    delimiter = ";" if ";" in lines[0] and "," not in lines[0] else ","
    header = _header(lines[0], delimiter)
    rows = lines[1:] if header else lines
    if not rows:
        raise ValueError(f"{name}: the CSV file has no data rows")
    try:
        table = np.loadtxt(io.StringIO("\n".join(rows)), delimiter=delimiter, dtype=np.float64, ndmin=2)
    except ValueError:
        table = None
    if table is None or not np.isfinite(table).all():
        _report_bad_cell(text, name, delimiter, header)        # raises with line and column
    if header and len(header) != table.shape[1]:
        raise ValueError(f"{name}: the header has {len(header)} columns but the rows have {table.shape[1]}")
    return table, header


def _header(first, delimiter):
    cells = next(_csv.reader([first], delimiter=delimiter))
    for cell in cells:
        try:
            float(cell)
        except ValueError:
            if cell.strip():
                return [c.strip() for c in cells]
    return None


def _report_bad_cell(text, name, delimiter, header):
    width = None
    numbered = [(number, line) for number, line in enumerate(text.splitlines(), start=1) if line.strip()]
    for number, line in numbered[1:] if header else numbered:
        row = next(_csv.reader([line], delimiter=delimiter))
        if width is None:
            width = len(row)
        if len(row) != width:
            raise ValueError(f"{name}: row {number} has {len(row)} columns, expected {width}")
        for column, cell in enumerate(row):
            where = f"{name}: row {number}, column {column}"
            if header and column < len(header):
                where += f" ({header[column]!r})"
            cell_text = cell.strip()
            if not cell_text or cell_text.lower() in ("nan", "na", "null", "none"):
                raise ValueError(f"{where}: missing value {cell!r}")
            try:
                value = float(cell_text)
            except ValueError:
                raise ValueError(f"{where}: {cell!r} is not a number") from None
            if not np.isfinite(value):
                raise ValueError(f"{where}: {cell!r} is not a finite number")
    raise ValueError(f"{name}: could not parse the CSV file as numbers")


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
