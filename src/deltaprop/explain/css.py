"""Scoped style sheets: every rule of a sheet applies only inside one root element.

deltaprop's HTML is shown inside other pages -- a notebook, a course site, a
blog that pastes an explanation or an exercise sheet.  Its style sheets are
written as for a page of their own (``:root``, ``body``, ``h1``, ``p`` ...);
:func:`scope_css` rewrites them so that nothing outside the element with the
root class changes:

==========================  ======================================
written                     scoped under ``.root``
==========================  ======================================
``:root``, ``html``, ``body``  ``.root``
``*``                       ``.root, .root *``
``:lang(ja) body``          ``.root:lang(ja)``
``:lang(ja) h1``            ``.root:lang(ja) h1``
``h1``, ``.eq math``        ``.root h1``, ``.root .eq math``
``@media`` blocks           their rules, scoped the same way
``@page``                   dropped (it would set the host's print margins)
==========================  ======================================

The sheets are ours and simple (no comments, no braces inside strings); a
sheet this function cannot read raises ``ValueError`` rather than leaking a
page-wide rule.
"""

from __future__ import annotations

import re

_PAGE = {":root", "html", "body"}
_LANG = re.compile(r"^(:lang\([^)]*\))$")


def scope_css(css, root):
    """``css`` with every selector limited to the element of class ``root`` (given as ``".name"``) and below."""
    if not root.startswith(".") or not re.fullmatch(r"\.[A-Za-z][\w-]*", root):
        raise ValueError(f"root must be a class selector such as '.deltaprop-explanation', got {root!r}")
    return "\n".join(_scope_block(css, root)) + "\n"


def _scope_block(css, root):
    out, i = [], 0
    while True:
        start = css.find("{", i)
        if start < 0:
            if css[i:].strip():
                raise ValueError(f"cannot read the style sheet near {css[i:i + 40].strip()!r}")
            return out
        head, end = css[i:start].strip(), _closing(css, start)
        body = css[start + 1:end]
        if head.startswith("@media") or head.startswith("@supports"):
            out.append(f"{head} {{\n" + "\n".join(_scope_block(body, root)) + "\n}")
        elif head.startswith("@page"):
            pass
        elif head.startswith("@"):
            raise ValueError(f"cannot scope the at-rule {head!r}")
        else:
            selectors = ", ".join(_scope_selector(s.strip(), root) for s in head.split(","))
            out.append(f"{selectors} {{{body}}}")
        i = end + 1


def _closing(css, start):
    depth = 0
    for k in range(start, len(css)):
        depth += {"{": 1, "}": -1}.get(css[k], 0)
        if depth == 0:
            return k
    raise ValueError("unbalanced braces in the style sheet")


def _scope_selector(selector, root):
    parts = selector.split()
    if not parts:
        raise ValueError("an empty selector in the style sheet")
    if parts == ["*"]:
        return f"{root}, {root} *"
    lang = ""
    if _LANG.match(parts[0]) and len(parts) > 1:
        lang, parts = parts[0], parts[1:]
    if parts[0] in _PAGE:
        parts = parts[1:]
    elif any(p in _PAGE for p in parts):
        raise ValueError(f"cannot scope the selector {selector!r}")
    return " ".join([root + lang, *parts])
