"""The playground's data: the synthetic 2-D sets, Mazur's single pair, or an uploaded CSV.

An uploaded CSV is parsed here, in memory, from the request body (never from a
path): exactly three columns ``x1, x2, label``, an optional header line, at most
:data:`~.schema.MAX_UPLOAD_ROWS` rows.  Integer labels with at most
:data:`~.schema.MAX_CLASSES` distinct values make a classification task (labels
renumbered 0..K-1); anything else is regression.  Features are rescaled to
``[-1, 1]`` so the pictures share one frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..teach import mazur
from ..core.losses import default_output
from ..data import make_dataset
from ..data.csv import CSVError, parse_table
from ..data.preprocessing import train_validation_split
from .features import LABELS, featurize
from .schema import MAX_CLASSES, MAX_UPLOAD_BYTES, MAX_UPLOAD_ROWS, REGRESSION_DATASETS, REGRESSION_SETS, RequestError


@dataclass
class Dataset:
    """Train and test data: ``X`` the network's inputs (the chosen features of each point), ``Y`` ``(n, d_L)``
    float targets ready for the network, ``points`` the 2-D points themselves (for the pictures)."""

    X_train: np.ndarray
    Y_train: np.ndarray
    X_test: np.ndarray
    Y_test: np.ndarray
    labels_train: np.ndarray     # (n,) int class labels, or (n,) real targets for regression
    labels_test: np.ndarray
    n_classes: int               # 0 for regression
    extent: float                # pictures cover [-extent, extent]²
    points_train: np.ndarray = None   # (n, 2); None: the same as X (Mazur's pair)
    points_test: np.ndarray = None
    features: tuple = ("x1", "x2")
    preprocessing: dict = None   # how the page rescaled the raw columns (the model file carries it)

    def inputs(self, points):
        """The network's inputs for any points ``(n, 2)`` (e.g. a picture's grid)."""
        return featurize(points, self.features)

    def input_names(self):
        """The inputs' names as the page shows them (x₁, x₂, x₁², ...)."""
        return [LABELS[name] for name in self.features]

    @property
    def task(self):
        return "regression" if self.n_classes == 0 else "classification"


def parse_csv(data):
    """``(X (n, 2), t (n,))`` from CSV bytes (x1, x2, label), or :class:`RequestError` naming the bad line.

    The cells are read by the data package's CSV reader (:func:`deltaprop.data.csv.parse_table`).
    """
    if len(data) > MAX_UPLOAD_BYTES:
        raise RequestError(f"the CSV is larger than {MAX_UPLOAD_BYTES // 1024} KiB", 413, code="csv_size",
                           kib=MAX_UPLOAD_BYTES // 1024)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RequestError("the CSV must be UTF-8 text", code="csv_utf8") from None
    try:
        table, _ = parse_table(text, "the CSV")
    except CSVError as exc:           # the reader's refusal as data: the page words it (rows and columns from 1)
        details = {**exc.details, **({"column": exc.details["column"] + 1} if "column" in exc.details else {})}
        raise RequestError(str(exc), code=f"csv_{exc.kind}", **details) from None
    if table.shape[1] != 3:
        raise RequestError(f"the CSV needs 3 columns (x1, x2, label), found {table.shape[1]}", code="csv_columns",
                           found=int(table.shape[1]))
    if len(table) > MAX_UPLOAD_ROWS:
        raise RequestError(f"the CSV has more than {MAX_UPLOAD_ROWS} rows", 413, code="csv_rows", limit=MAX_UPLOAD_ROWS)
    if len(table) < 4:
        raise RequestError(f"the CSV needs at least 4 data rows, found {len(table)}", code="csv_few_rows",
                           found=len(table))
    return table[:, :2], table[:, 2]


def build_dataset(config, upload=None):
    """The :class:`Dataset` a configuration describes (``upload``: parsed CSV ``(X, t)``)."""
    if config["preset"] == "mazur":
        X, Y = mazur.mazur_data()
        return Dataset(X, Y, X.copy(), Y.copy(), np.zeros(1), np.zeros(1), 0, 1.0, X, X.copy())
    if config["dataset"] == "upload":
        if upload is None:
            raise RequestError("no CSV uploaded in this session yet; upload one first (POST .../upload)", 409,
                               code="no_upload")
        X, t = upload
        X, preprocessing = _scale_features(X)
    elif config["dataset"] in REGRESSION_SETS:
        X, t = regression_set(config["dataset"], config["samples"], config["noise"],
                              (config["seed"] + config["data_seed"]) % 2**32)
        preprocessing = {"kind": "none"}
    else:
        options = {"n_classes": config["classes"]} if config["dataset"] == "blobs" else {}
        X, t = make_dataset(config["dataset"], config["samples"], config["noise"],
                            (config["seed"] + config["data_seed"]) % 2**32, **options)
        t = t.reshape(len(X), -1)[:, 0] if t.ndim == 2 else t
        preprocessing = {"kind": "none"}
    classes = np.unique(t)
    integers = bool(np.all(np.equal(np.mod(t, 1), 0)))
    if config["dataset"] == "upload" and integers and len(classes) > MAX_CLASSES \
            and config["loss"] != "quadratic":
        raise RequestError(f"the CSV's labels have {len(classes)} classes; the playground takes at most {MAX_CLASSES} "
                           f"(or real-valued targets with the quadratic loss)", code="too_many_classes",
                           classes=len(classes), limit=MAX_CLASSES)
    classification = config["dataset"] not in REGRESSION_DATASETS and len(classes) <= MAX_CLASSES \
        and integers
    if classification:
        t = np.searchsorted(classes, t).astype(np.int64)      # labels 0..K-1
        if len(classes) < 2:
            raise RequestError("the labels have a single class; a classifier needs at least two", code="one_class")
    if len(X) < 4:
        raise RequestError("too few points to split into training and test sets", code="too_few_points")
    X_tr, t_tr, X_te, t_te = train_validation_split(X, t, 1.0 - config["train_fraction"], seed=config["seed"])
    n_classes = len(classes) if classification else 0
    extent = float(np.ceil(max(1.0, np.abs(X).max()) * 10) / 10)
    features = tuple(config["features"])
    return Dataset(featurize(X_tr, features), targets(t_tr, n_classes, config["loss"]), featurize(X_te, features),
                   targets(t_te, n_classes, config["loss"]), t_tr, t_te, n_classes, extent, X_tr, X_te, features,
                   preprocessing)


# TensorFlow Playground's two regression sets: a tilted plane, and bumps of six Gaussians of either sign.
GAUSSIANS = [(-0.6, 0.6, 1.0), (0.6, 0.6, -1.0), (-0.6, -0.6, -1.0), (0.6, -0.6, 1.0), (0.0, 0.0, 1.0),
             (0.0, 0.75, -0.5)]


def regression_set(name, n, noise, seed):
    """``(X (n, 2) in [−1, 1]², t (n,))``: ``plane`` t = (x₁ + x₂)/2, ``gaussians`` a sum of six bumps (width 0.3);
    plus Gaussian noise of standard deviation ``noise``."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1.0, 1.0, (n, 2))
    if name == "plane":
        t = (X[:, 0] + X[:, 1]) / 2
    else:
        t = sum(a * np.exp(-((X[:, 0] - cx) ** 2 + (X[:, 1] - cy) ** 2) / (2 * 0.3 ** 2)) for cx, cy, a in GAUSSIANS)
    return X, t + noise * rng.standard_normal(n)


def output_layer(n_classes, loss):
    """``(units, activation)`` of the output layer for a task (``n_classes``, 0 = regression) and a loss.

    One unit for regression and for two classes (except with cross-entropy,
    which needs a unit per class); the activation is the loss module's choice
    (:func:`deltaprop.core.losses.default_output`).
    """
    units = 1 if n_classes == 0 or (n_classes == 2 and loss != "cross-entropy") else n_classes
    return units, default_output(loss, units, classification=n_classes > 0)


def targets(labels, n_classes, loss):
    """Float targets ``(n, units)`` for the output layer :func:`output_layer` chooses."""
    if n_classes == 0:
        return labels.astype(np.float64).reshape(-1, 1)
    units, _ = output_layer(n_classes, loss)
    if units == 1:
        return labels.astype(np.float64).reshape(-1, 1)
    return np.eye(units)[labels]


def _scale_features(X):
    """Each column onto [−1, 1]; first divided by its largest magnitude, so ±1e308 cannot overflow.

    Returns the scaled columns and the same map as the library's ``standardize`` preprocessing
    (``(X − mean) / std`` with ``mean = m (lo + hi) / 2``, ``std = m (hi − lo) / 2`` in the raw units), so an
    exported model evaluated on the raw CSV sees the inputs the page trained on.
    """
    magnitude = np.max(np.abs(X), axis=0)
    m = np.where(magnitude > 0, magnitude, 1.0)
    X = X / m
    lo, hi = X.min(axis=0), X.max(axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    with np.errstate(over="ignore"):                  # ±1e308 columns: checked just below
        spec = {"kind": "standardize", "mean": (m * (lo + span / 2)).tolist(), "std": (m * span / 2).tolist()}
    if not all(np.isfinite(spec["mean"])) or not all(np.isfinite(spec["std"])):
        spec = None                                   # beyond float range in raw units: not expressible
    return 2.0 * (X - lo) / span - 1.0, spec
