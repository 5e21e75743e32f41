"""The network drawn as an inline SVG: neurons, connections, every weight and bias labelled.

Used by the HTML explanation (before and after the update), by
``Network._repr_html_`` in Jupyter and by the playground.  Pure string
building: no external resources, so the SVG works offline and inside one file.
"""

from __future__ import annotations

from html import escape

import numpy as np

from .expr import display_number
from .naming import GenericNames, names_for
from .textmath import symbol_text

MAX_SHOWN = 12          # units drawn per layer; larger layers show the first ones, ⋮ and the last
MAX_LABELLED = 64       # weights per layer beyond which connections carry no numbers
DX, DY, R, MARGIN = 230, 96, 22, 40
POSITIVE, NEGATIVE = "#2563eb", "#dc2626"


def network_svg(network, *, names=None, precision=4, title=None, changed=None):
    """An SVG drawing of ``network``.

    Parameters
    ----------
    network : Network
    names : naming scheme from :mod:`.naming`, optional
        Default: Mazur's names for a 2-2-2 network, Nielsen's otherwise.
    precision : int
        Decimals of the weight and bias labels.
    title : str, optional
        Accessible title (``<title>``) of the drawing.
    changed : Network, optional
        The same network before an update: labels whose value differs are highlighted.

    Returns
    -------
    str
        ``<svg ...>...</svg>``, self-contained.
    """
    names = names or (names_for(network) if network.sizes == [2, 2, 2] else GenericNames(network.sizes))
    sizes = network.sizes
    shown = [_shown_units(d) for d in sizes]
    height = max(len(units) for units in shown) * DY + 2 * MARGIN
    width = (len(sizes) - 1) * DX + 2 * MARGIN + 2 * R + 60
    pos = [{unit: (MARGIN + R + 30 + l * DX, _y(i, len(units), height)) for i, unit in enumerate(units) if unit >= 0}
           for l, units in enumerate(shown)]
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="deltaprop-network" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" role="img" font-family="system-ui, sans-serif" font-size="12">',
             f"<title>{escape(title or repr(network))}</title>"]
    labels, boxes = [], []
    for l, units in enumerate(pos[1:], start=1):            # biases first: they sit under their neuron
        layer = network.layers[l - 1]
        for j, (x, y) in units.items():
            b = float(layer.biases[j])
            hot = changed is not None and changed.layers[l - 1].biases[j] != b
            labels.append(_label(x, y + R + 13, symbol_text(names.bias(l, j)), display_number(b, precision), hot,
                                 boxes))
    for (units) in pos:
        boxes += [(x - R, y - R, x + R, y + R) for x, y in units.values()]      # no label over a neuron
    for l, layer in enumerate(network.layers, start=1):
        scale = max(float(np.abs(layer.weights).max()), 1e-12)
        label = layer.weights.size <= MAX_LABELLED and -1 not in shown[l - 1] + shown[l]
        old = changed.layers[l - 1] if changed is not None else None
        for j, (xj, yj) in pos[l].items():
            for k, (xk, yk) in pos[l - 1].items():
                w = float(layer.weights[j, k])
                colour = POSITIVE if w >= 0 else NEGATIVE
                parts.append(f'<line x1="{xk + R}" y1="{yk}" x2="{xj - R}" y2="{yj}" stroke="{colour}" '
                             f'stroke-opacity="0.55" stroke-width="{0.8 + 2.7 * abs(w) / scale:.2f}"/>')
                if label:
                    hot = old is not None and old.weights[j, k] != w
                    text = f"{symbol_text(names.weight(l, j, k))} = {display_number(w, precision)}"
                    lx, ly = _place(text, (xk + R, yk), (xj - R, yj), boxes)
                    labels.append(_label(lx, ly, symbol_text(names.weight(l, j, k)), display_number(w, precision), hot,
                                         boxes))
    parts += _neurons(pos, shown, names, height)
    parts += labels
    parts.append("</svg>")
    return "".join(parts)


_FILL = {"input": "#e2e8f0", "hidden": "#dbeafe", "output": "#dcfce7"}


def _shown_units(d):
    """Indices drawn for a layer of ``d`` units; ``-1`` marks the ellipsis."""
    if d <= MAX_SHOWN:
        return list(range(d))
    return list(range(MAX_SHOWN - 2)) + [-1, d - 1]


def _y(i, count, height):
    return round(height / 2 + (i - (count - 1) / 2) * DY, 1)


_STOPS = (0.3, 0.22, 0.38, 0.15, 0.46, 0.54, 0.62, 0.7, 0.08, 0.78)     # where along its line a label may sit


def _size(text):
    return 7.0 * len(text) + 10, 16         # system-ui at 12 px: digits are ≈ 6.9 px wide


def _place(text, start, end, boxes):
    """A point on the line ``start → end`` where the label's box overlaps no box placed so far (each label stays
    on its own connection, so no leader line is needed); the first stop if every one collides."""
    w, h = _size(text)
    for t in _STOPS:
        x, y = start[0] + t * (end[0] - start[0]), start[1] + t * (end[1] - start[1])
        box = (x - w / 2, y - h / 2 - 1, x + w / 2, y + h / 2 - 1)
        if not any(_overlap(box, other) for other in boxes):
            return x, y
    t = _STOPS[0]
    return start[0] + t * (end[0] - start[0]), start[1] + t * (end[1] - start[1])


def _overlap(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _label(x, y, name, value, hot, boxes):
    """A name/value pair on a white pill so it stays readable over the lines; its box joins ``boxes``."""
    text = f"{name} = {value}"
    width, height = _size(text)
    boxes.append((x - width / 2, y - 9, x + width / 2, y - 9 + height))
    fill = "#fef3c7" if hot else "#ffffff"
    return (f'<g class="label"><rect x="{x - width / 2:.1f}" y="{y - 9:.1f}" width="{width:.1f}" height="16" rx="4" '
            f'fill="{fill}" fill-opacity="0.92" stroke="#cbd5e1" stroke-width="0.6"/>'
            f'<text x="{x:.1f}" y="{y + 3:.1f}" text-anchor="middle">{escape(text)}</text></g>')


def _neurons(pos, shown, names, height):
    """The neurons as named circles (input, hidden, output), and ⋮ where a layer's middle units are left out."""
    parts = []
    for l, units in enumerate(pos):
        for j, (x, y) in units.items():
            kind = "input" if l == 0 else ("output" if l == len(pos) - 1 else "hidden")
            name = symbol_text(names.a(l, j)).replace("out_", "") if l else symbol_text(names.input(j))
            parts.append(f'<circle cx="{x}" cy="{y}" r="{R}" class="{kind}" fill="{_FILL[kind]}" '
                         f'stroke="#334155" stroke-width="1.5"/>')
            parts.append(f'<text x="{x}" y="{y + 4}" text-anchor="middle" font-weight="600">{escape(name)}</text>')
        for i, unit in enumerate(shown[l]):
            if unit < 0:
                x = MARGIN + R + 30 + l * DX
                parts.append(f'<text x="{x}" y="{_y(i, len(shown[l]), height) + 6}" text-anchor="middle" '
                             f'font-size="20">⋮</text>')
    return parts
