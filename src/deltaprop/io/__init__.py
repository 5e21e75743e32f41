"""Files in and out: ``safe_read`` (reading user files safely), ``atomic_writes`` (every file deltaprop
writes), ``persistence`` (models and checkpoints as ``.npz`` + JSON metadata).

``deltaprop.io`` does not shadow the standard library's :mod:`io`: every import in the package is absolute or
explicitly relative.  The package itself imports nothing.
"""
