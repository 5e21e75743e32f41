"""Reading numbers back out of rendered explanations (text, Markdown and HTML alike)."""

import re

NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[+-]\d+)?$")


def normalize(text):
    """Equation text without spacing, underscores, fraction slashes; Unicode minus as '-'."""
    for old, new in (("\u00a0", ""), (" ", ""), ("_", ""), ("/", ""), ("−", "-")):
        text = text.replace(old, new)
    return text


def equations(output, fmt):
    """The equations of a rendered explanation, each as one normalized string."""
    if fmt == "html":
        blocks = re.findall(r'<div class="eq[^"]*">(.*?)</div>', output, flags=re.S)
        return [normalize(re.sub(r"<[^>]+>", "", re.sub(r'<span class="tag".*?</span>', "", b))) for b in blocks]
    return [normalize(re.sub(r"\s+\(BP\d\)$", "", line.strip())) for line in output.splitlines() if "=" in line]


def value_of(eqs, prefix):
    """The number at the end of the one equation starting with ``prefix``."""
    prefix = normalize(prefix)
    found = [e for e in eqs if e.startswith(prefix)]
    assert len(found) == 1, f"{len(found)} equations start with {prefix!r}"
    match = NUMBER.search(found[0])
    assert match, f"no number at the end of {found[0]!r}"
    return float(match.group())
