"""The core: the model, its equations and the training loop — NumPy only.

``activations`` and ``losses`` (registries; ``losses`` owns the output/loss pairing), ``layers``,
``initializers``, ``backprop`` (BP1–BP4), ``network``, ``optimizers``, ``schedules``, ``batch_step`` (one
mini-batch step and the divergence rule), ``batches``, ``training`` (``fit``), ``history`` (History,
TrainingState, EarlyStopping), ``diagnostics``, ``validation``, ``labels``.

Nothing here imports a module above it (fast path, teaching tools, I/O or a face).  The package itself
imports nothing: use the façade (``import deltaprop as dp``) or the modules.
"""
