import numpy as np
import pytest

from deltaprop.data import datasets, load_data, load_mnist_format
from deltaprop.data.idx import write_idx

from .helpers import tiny_mnist


@pytest.mark.parametrize("gz", [True, False])
def test_loads_four_standard_files(tmp_path, gz):
    tiny_mnist(tmp_path, gz=gz)
    data = load_mnist_format("mnist", tmp_path)
    assert data.X_train.shape == (120, 784) and data.X_test.shape == (40, 784)
    assert data.y_train.dtype == np.int64 and set(data.y_train) == set(range(10))
    assert data.pixel_max == 255.0 and len(data.class_names) == 10


def test_data_dir_subdirectory_named_after_the_dataset(tmp_path):
    tiny_mnist(tmp_path / "fashion-mnist")
    assert load_data("fashion-mnist", data_dir=tmp_path).class_names[0] == "T-shirt/top"


def test_missing_data_says_where_it_looked_and_how_to_get_it(tmp_path):
    with pytest.raises(FileNotFoundError) as info:
        load_mnist_format("mnist", tmp_path / "nowhere")
    message = str(info.value)
    assert "nowhere" in message and "deltaprop download mnist" in message and "--data-dir" in message


def test_fashion_mnist_system_directory_is_searched(tmp_path, monkeypatch):
    tiny_mnist(tmp_path / "system")
    monkeypatch.setenv("DELTAPROP_DATA", str(tmp_path / "empty-cache"))
    monkeypatch.setitem(datasets.SYSTEM_DIRS, "fashion-mnist", [str(tmp_path / "system")])
    assert load_mnist_format("fashion-mnist").X_train.shape == (120, 784)
    monkeypatch.setitem(datasets.SYSTEM_DIRS, "fashion-mnist", [str(tmp_path / "gone")])
    with pytest.raises(FileNotFoundError, match="dataset-fashion-mnist"):
        load_mnist_format("fashion-mnist")


def test_debian_fashion_mnist_location_is_the_default():
    assert datasets.SYSTEM_DIRS["fashion-mnist"] == ["/usr/share/datasets/fashion-mnist"]


def test_label_count_must_match_image_count(tmp_path):
    tiny_mnist(tmp_path)
    write_idx(tmp_path / "train-labels-idx1-ubyte.gz", np.zeros(119, np.uint8))
    with pytest.raises(ValueError, match="120 images but .* 119 labels"):
        load_mnist_format("mnist", tmp_path)


def test_synthetic_names_and_unknown_names(tmp_path):
    data = load_data("moons", n_samples=50, seed=3)
    assert data.X_train.shape == (50, 2) and data.X_test.shape == (25, 2)
    with pytest.raises(FileNotFoundError, match="valid names: mnist, fashion-mnist, xor"):
        load_data("imagenet")
