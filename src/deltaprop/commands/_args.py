"""Argument parsers shared by the commands: comma lists with clear errors."""

from __future__ import annotations

import argparse
import math


def int_list(text):
    """``"784,30,10"`` → ``[784, 30, 10]`` (all positive)."""
    try:
        values = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated positive integers like 784,30,10, got {text!r}")
    if any(v <= 0 for v in values):
        raise argparse.ArgumentTypeError(f"layer sizes must be positive, got {text!r}")
    return values


def name_list(text):
    """``"relu,softmax"`` → ``["relu", "softmax"]``."""
    names = [part.strip() for part in text.split(",")]
    if not all(names):
        raise argparse.ArgumentTypeError(f"expected comma-separated names like relu,softmax, got {text!r}")
    return names


def positive_float(text):
    """A float > 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive finite number, got {text!r}")
    return value


def positive_int(text):
    """An int > 0."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def int_in_range(low, high, what="an integer"):
    """An argparse type accepting integers ``low <= value <= high``."""
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what} from {low} to {high}, got {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"expected {what} from {low} to {high}, got {text!r}")
        return value
    parse.__name__ = what.replace(" ", "_")     # argparse names the type in some messages
    return parse


def fraction(text):
    """A number strictly between 0 and 1 (e.g. a validation fraction)."""
    value = number(text)
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"expected a fraction between 0 and 1, got {text!r}")
    return value


def fraction_from_zero(text):
    """A number in [0, 1) (momentum, dropout)."""
    value = number(text)
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1), got {text!r}")
    return value


def non_negative(text):
    """A finite number >= 0."""
    value = number(text)
    if not (value >= 0 and math.isfinite(value)):
        raise argparse.ArgumentTypeError(f"expected a finite number >= 0, got {text!r}")
    return value


def rates(text):
    """``"0.2"`` → 0.2, ``"0.2,0.1"`` → [0.2, 0.1]: rates in [0, 1)."""
    rates = [fraction_from_zero(part) for part in text.split(",")]
    return rates[0] if len(rates) == 1 else rates


def number(text):
    """Any float."""
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None


def seed(text):
    """A random seed: an integer from 0 to 2**32 − 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number from 0 to {2**32 - 1}, got {text!r}") from None
    if not 0 <= value < 2**32:
        raise argparse.ArgumentTypeError(f"expected a whole number from 0 to {2**32 - 1}, got {text!r}")
    return value
