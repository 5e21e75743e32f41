import numpy as np
import pytest

from deltaprop.data import load_data, read_csv, read_inputs


def _write(tmp_path, text, name="d.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_label_column_named_label(tmp_path):
    X, y, header = read_csv(_write(tmp_path, "a,label,b\n1,0,2\n3,1,4\n"))
    np.testing.assert_array_equal(X, [[1, 2], [3, 4]])
    assert y.tolist() == [0, 1] and y.dtype == np.int64 and header == ["a", "label", "b"]


def test_label_column_by_index_without_header(tmp_path):
    X, y, header = read_csv(_write(tmp_path, "1,2,0\n3,4,1\n"), label_column=-1)
    assert header is None and y.tolist() == [0, 1] and X.shape == (2, 2)


def test_label_column_by_name_and_real_targets(tmp_path):
    X, y, _ = read_csv(_write(tmp_path, "x,t\n1,0.5\n2,1.5\n"), label_column="t")
    assert y.shape == (2, 1) and y[1, 0] == 1.5


@pytest.mark.parametrize("text, label_column, message", [
    ("a,label\n1,0\n2,cat\n", None, r"row 3, column 1 \('label'\): 'cat' is not a number"),
    ("a,label\n1,0\nnan,1\n", None, r"row 3, column 0 \('a'\): missing value 'nan'"),
    ("a,label\n1,0\n,1\n", None, r"row 3, column 0 \('a'\): missing value"),
    ("1,0\n2,1\n", None, "no column named 'label'"),
    ("a,b\n1,0\n", "c", "no column named 'c'"),
    ("1,0\n2,1\n", "c", "has no header"),
    ("1,0\n2,1\n", 5, "out of range"),
    ("a,label\n1,0\n1,2,3\n", None, "row 3 has 3 columns, expected 2"),
])
def test_bad_csv_names_row_and_column(tmp_path, text, label_column, message):
    path = _write(tmp_path, text)
    with pytest.raises(ValueError, match=message) as info:
        read_csv(path, label_column)
    assert str(path) in str(info.value)


def test_npz_dataset_with_test_split(tmp_path):
    path = tmp_path / "d.npz"
    np.savez(path, X_train=np.ones((4, 3)), y_train=np.array([0, 1, 0, 1]), X_test=np.zeros((2, 3)),
             y_test=np.array([1, 0]))
    data = load_data(str(path))
    assert data.X_train.shape == (4, 3) and data.X_test.shape == (2, 3) and data.y_test.tolist() == [1, 0]


def test_npz_refuses_object_arrays_and_mismatches(tmp_path):
    path = tmp_path / "evil.npz"
    np.savez(path, X=np.array([{"a": 1}, None], dtype=object), y=np.array([0, 1]))
    with pytest.raises(ValueError, match="object array"):
        load_data(str(path))
    np.savez(path, X=np.ones((3, 2)), y=np.array([0, 1]))
    with pytest.raises(ValueError, match="3 samples but 2 train labels"):
        load_data(str(path))
    np.savez(path, features=np.ones((3, 2)))
    with pytest.raises(ValueError, match="expected arrays 'X' and 'y'"):
        load_data(str(path))


def test_read_inputs_drops_the_label_column(tmp_path):
    X = read_inputs(_write(tmp_path, "a,label,b\n1,0,2\n"))
    np.testing.assert_array_equal(X, [[1, 2]])
    X = read_inputs(_write(tmp_path, "1,2,3\n4,5,6\n", "plain.csv"))
    assert X.shape == (2, 3)
