"""The version of deltaprop (one place; the package and the pages that print it import it from here)."""

__version__ = "0.1.0"
