"""The fast path: speed only, each tested equal to :mod:`deltaprop.core`.

``numpy_sgd`` (plain SGD folded into the NumPy backward pass), ``blas_gemm`` (the one GEMM binding NumPy
lacks), ``compiled_epoch`` (the numba plain-SGD epoch, optional ``[fast]`` extra) with ``compiled_kernels``
and ``compiled_threads``.  The package itself imports nothing.
"""
