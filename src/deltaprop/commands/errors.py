"""What a command raises for a failure the user can fix, and the exit codes (see :mod:`deltaprop.cli`)."""

EXIT_USAGE = 2          # bad input: flags, files, values
EXIT_FAILED = 1         # the command ran and reports failure (e.g. gradcheck above threshold)


class CommandError(Exception):
    """A user-facing failure; the message is printed as is (one line, non-zero exit)."""
