"""Numbers as the pages write them, read back: a real minus sign (−), a French decimal comma, and a power of ten
as a teacher writes it (3.00888 × 10⁻⁸)."""

import re

_POWER = re.compile(r"^(?P<mantissa>\S+) × 10(?P<exponent>[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)$")
_DIGITS = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")


def read_number(text):
    """The float a page's number ``text`` stands for."""
    text = text.strip().replace("−", "-").replace(",", ".")
    match = _POWER.match(text)
    if match:
        return float(match["mantissa"]) * 10.0 ** int(match["exponent"].translate(_DIGITS))
    return float(text)
