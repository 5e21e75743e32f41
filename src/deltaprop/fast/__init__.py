"""The fast path: speed only, each tested equal to :mod:`deltaprop.core`.

``numpy_sgd`` (plain SGD folded into the NumPy backward pass), ``blas_gemm`` (the one GEMM binding NumPy
lacks), ``compiled_epoch`` (the numba plain-SGD epoch, optional ``[fast]`` extra) with ``compiled_kernels``
and ``compiled_threads``, and ``compiled_engine`` (that epoch as ``fit(engine="compiled")``).

Importing this package plugs the fast path into the core, which never imports it (the core is complete and
readable without it): the fused SGD pass into :func:`deltaprop.core.batch_step.train_batch`, the compiled engine
into :data:`deltaprop.core.engines.ENGINES`.  ``import deltaprop`` does so.
"""

from ..core.batch_step import use_fused_sgd
from .numpy_sgd import backward_pass_sgd
from . import compiled_engine  # noqa: F401  (registers engine="compiled")

use_fused_sgd(backward_pass_sgd)
