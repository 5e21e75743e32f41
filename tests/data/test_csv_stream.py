"""CSV read a batch at a time (data/csv_stream.py) gives what the whole-file reader (data/csv.py) gives.

The same arrays, bit for bit, and the same one-line errors (line number, column, header name), whatever the
batch size and wherever the file's chunks are cut: a line, a ``\\r\\n`` or a multi-byte character split between two
chunks of bytes, a line longer than a chunk.
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deltaprop.data import csv_stream
from deltaprop.data.csv import read_csv
from deltaprop.data.csv_stream import scan_csv


@pytest.fixture
def tiny_chunks(monkeypatch):
    monkeypatch.setattr(csv_stream, "CHUNK_BYTES", 7)          # cut inside lines, line breaks and characters
    monkeypatch.setattr(csv_stream, "PARSE_LINES", 3)


def _streamed(path, label_column=None, require_label=True, rows=4):
    table = scan_csv(path, label_column, require_label=require_label)
    X = np.concatenate(list(table.batches(rows)))
    y = table.labels(rows) if table.label is not None else None
    return table, X, y


def _error(function):
    with pytest.raises((ValueError, FileNotFoundError)) as info:
        function()
    return str(info.value)


TEXTS = {
    "header, label in the middle": "a,label,b\n1,0,2\n3,1,4.5\n-1e3,2,0.25\n",
    "no header, label by index": ("1,2,0\n3,4,1\n5,6,2\n7,8,0\n", -1),
    "label by name": ("a,t,b\n1,0,2\n3,1,4\n", "t"),
    "semicolons": "x;y;label\n0.5;1;1\n2;3;0\n",
    "crlf, blank lines, BOM": "\ufeffa,b,label\r\n\r\n1,2,0\r\n  \r\n3,4,1\r\n5,6,0",
    "comments": "a,b,label\n1,2,0\n# a note\n3,4,1 # trailing\n5,6,0\n",
    "non-ASCII header": "größe,poids,label\n1,2,0\n3,4,1\n",
    "one row": "a,label\n7,1\n",
    "real targets": "a,label\n1,0.5\n2,1.5\n3,-2.25\n",
    "old Mac line breaks": "a,label\r1,0\r2,1\r",
}


@pytest.mark.parametrize("name", TEXTS)
@pytest.mark.parametrize("rows", [1, 2, 4, 100])
def test_streamed_rows_equal_the_whole_file(tmp_path, tiny_chunks, name, rows):
    path = tmp_path / "d.csv"
    text, label_column = TEXTS[name] if isinstance(TEXTS[name], tuple) else (TEXTS[name], None)
    path.write_bytes(text.encode())
    X, y, header = read_csv(path, label_column)
    table, X_streamed, y_streamed = _streamed(path, label_column, rows=rows)
    assert table.n_rows == len(X) and table.n_features == X.shape[1] and table.header == header
    np.testing.assert_array_equal(X_streamed, X)
    np.testing.assert_array_equal(y_streamed.reshape(y.shape), y)
    sizes = [len(batch) for batch in table.batches(rows)]
    assert sizes == [rows] * (len(X) // rows) + ([len(X) % rows] if len(X) % rows else [])


def test_label_column_by_index_and_features_only(tmp_path, tiny_chunks):
    path = tmp_path / "d.csv"
    path.write_text("1,2,0\n3,4,1\n5,6,1\n")
    X, y, _ = read_csv(path, label_column=-1)
    _, X_streamed, y_streamed = _streamed(path, label_column=-1)
    np.testing.assert_array_equal(X_streamed, X)
    np.testing.assert_array_equal(y_streamed, y)
    table, X_all, y_none = _streamed(path, require_label=False)
    assert table.label is None and y_none is None and X_all.shape == (3, 3)


BAD = [
    "a,label\n1,0\n2,cat\n",
    "a,label\n1,0\nnan,1\n",
    "a,label\n1,0\n,1\n",
    "a,label\n1,0\n2,\n",
    "a,label\n1,0\n1,2,3\n",
    "a,label\n1,0\n1,1\n1,1\n1,1\n1,1\n1,1\n4\n",
    "a,label\nhello,1\n",
    "a,label\n1,0\n1,inf\n",
    "1,0\n2,1\n",
    "a,b,label\n1,0\n",
    "a,label\n",
    "\n\n  \n",
    "a,label\n1,0\n\n\n# c\n\n3;4\n",
    "label\n1\n2\n",
]


@pytest.mark.parametrize("text", BAD)
def test_the_same_errors_as_the_whole_file(tmp_path, tiny_chunks, text):
    path = tmp_path / "d.csv"
    path.write_text(text)
    expected = _error(lambda: read_csv(path))
    assert _error(lambda: _streamed(path)) == expected
    assert str(path) in expected and "\n" not in expected


def test_invalid_utf8_is_named_by_its_byte_in_the_file(tmp_path, tiny_chunks):
    path = tmp_path / "d.csv"
    path.write_bytes(b"a,label\n1,0\n" * 3 + b"2,\xff\n")
    assert _error(lambda: _streamed(path)) == _error(lambda: read_csv(path))
    path.write_bytes(b"\xef\xbb\xbfa,label\n1,0\n2,\xe9\n")            # after a BOM: still the byte in the file
    assert _error(lambda: _streamed(path)) == f"{path}: not UTF-8 text (byte 17: b'\\xe9')"


def test_not_a_regular_file(tmp_path):
    assert "a directory" in _error(lambda: scan_csv(tmp_path))
    assert "no such CSV file" in _error(lambda: scan_csv(tmp_path / "nope.csv"))


def test_a_file_that_changes_between_passes_is_refused(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("a,label\n1,0\n2,1\n")
    table = scan_csv(path)
    path.write_text("a,label\n1,0\n2,1\n3,0\n")
    assert "changed while it was read (2 data rows, then 3)" in _error(lambda: list(table.batches(10)))


def _csv_text(rows, header, delimiter, newline, blank_every):
    lines = [delimiter.join(f"c{j}" for j in range(len(rows[0])))] if header else []
    for i, row in enumerate(rows):
        lines.append(delimiter.join(repr(float(v)) for v in row))
        if blank_every and i % blank_every == 0:
            lines.append(" ")
    return newline.join(lines) + newline


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.integers(1, 12).flatmap(lambda width: st.lists(
           st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=width, max_size=width), min_size=1, max_size=30)),
       header=st.booleans(), delimiter=st.sampled_from([",", ";"]), newline=st.sampled_from(["\n", "\r\n", "\r"]),
       blank_every=st.integers(0, 4), chunk=st.integers(1, 64), parse=st.integers(1, 9), batch=st.integers(1, 40))
def test_fuzzed_files_stream_as_they_parse_whole(tmp_path, monkeypatch, rows, header, delimiter, newline, blank_every,
                                                 chunk, parse, batch):
    monkeypatch.setattr(csv_stream, "CHUNK_BYTES", chunk)
    monkeypatch.setattr(csv_stream, "PARSE_LINES", parse)
    path = tmp_path / "f.csv"
    path.write_text(_csv_text(rows, header, delimiter, newline, blank_every), newline="")
    X, _, _ = read_csv(path, require_label=False)
    _, X_streamed, _ = _streamed(path, require_label=False, rows=batch)
    np.testing.assert_array_equal(X_streamed, X)
    np.testing.assert_array_equal(X, np.asarray(rows, dtype=np.float64))
