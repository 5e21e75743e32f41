"""scikit-learn estimators: ``DeltapropClassifier`` and ``DeltapropRegressor``.

They wrap :class:`deltaprop.Network` and :func:`deltaprop.core.training.fit` in
scikit-learn's estimator API (``fit``, ``partial_fit``, ``predict``,
``predict_proba``, ``score``, ``get_params``/``set_params``), so they work in
``Pipeline``, ``GridSearchCV`` and ``cross_val_score``.  scikit-learn is the
optional extra ``deltaprop[sklearn]`` and is imported only by this package (``_base``: the shared
hyper-parameters and training loop; ``estimators``: the classifier and the regressor).

>>> from deltaprop.sklearn import DeltapropClassifier
>>> clf = DeltapropClassifier(hidden_layer_sizes=(32,), epochs=100, random_state=0)
"""

from __future__ import annotations

from .estimators import DeltapropClassifier, DeltapropRegressor

__all__ = ["DeltapropClassifier", "DeltapropRegressor"]
