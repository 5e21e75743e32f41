"""Teaching tools and oracles built on the core.

``scalar_reference`` (the per-neuron scalar twin of BP1–BP4, a test oracle), ``gradcheck`` (central finite
differences), ``nudge`` (Nielsen's demon), ``mazur`` (Mazur's tutorial network and its printed numbers).
The package itself imports nothing.
"""
