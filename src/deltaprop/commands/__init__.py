"""One module per ``deltaprop`` sub-command (see :mod:`deltaprop.cli`)."""
