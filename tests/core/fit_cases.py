"""What the tests of ``fit`` (test_fit.py) and of its NumPy loop (test_numpy_loop.py) train on."""

from deltaprop import Network
from deltaprop.data import make_dataset


def small_net(dropout=0.2, seed=0):
    """[2, 16, 16, 3] relu / tanh / softmax + cross-entropy, dropout on both hidden layers."""
    return Network([2, 16, 16, 3], ["relu", "tanh", "softmax"], loss="cross-entropy", seed=seed, dropout=dropout)


def three_blobs():
    """``(X_train, y_train, X_test, y_test)``: 180 and 60 points of three blobs."""
    X, y = make_dataset("blobs", 240, seed=1)
    return X[:180], y[:180], X[180:], y[180:]
