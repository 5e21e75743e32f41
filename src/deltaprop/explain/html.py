"""HTML rendering: one self-contained page (no scripts, fonts or CDN), MathML equations, SVG diagrams."""

from __future__ import annotations

from html import escape

from . import mathml
from .css import scope_css
from .diagram import network_svg
from .document import BP_TAGS, Eq, Figure, Heading, Note, Para
from .i18n import translate
from .text import phrase

# The four equations in Nielsen's form, for the legend at the top of the page.
_LEGEND = {
    "BP1": "<msup><mi>δ</mi><mi>L</mi></msup><mo>=</mo><msub><mo>∇</mo><mi>a</mi></msub><mi>C</mi><mo>⊙</mo>"
           "<msup><mi>σ</mi><mo>′</mo></msup><mo>(</mo><msup><mi>z</mi><mi>L</mi></msup><mo>)</mo>",
    "BP2": "<msup><mi>δ</mi><mi>l</mi></msup><mo>=</mo><mo>(</mo><msup><mrow><mo>(</mo><msup><mi>W</mi><mrow>"
           "<mi>l</mi><mo>+</mo><mn>1</mn></mrow></msup><mo>)</mo></mrow><mi mathvariant=\"normal\">T</mi></msup>"
           "<msup><mi>δ</mi><mrow><mi>l</mi><mo>+</mo><mn>1</mn></mrow></msup><mo>)</mo><mo>⊙</mo>"
           "<msup><mi>σ</mi><mo>′</mo></msup><mo>(</mo><msup><mi>z</mi><mi>l</mi></msup><mo>)</mo>",
    "BP3": "<mfrac><mrow><mo>∂</mo><mi>C</mi></mrow><mrow><mo>∂</mo><msubsup><mi>b</mi><mi>j</mi><mi>l</mi>"
           "</msubsup></mrow></mfrac><mo>=</mo><msubsup><mi>δ</mi><mi>j</mi><mi>l</mi></msubsup>",
    "BP4": "<mfrac><mrow><mo>∂</mo><mi>C</mi></mrow><mrow><mo>∂</mo><msubsup><mi>w</mi><mrow><mi>j</mi><mi>k</mi>"
           "</mrow><mi>l</mi></msubsup></mrow></mfrac><mo>=</mo><msubsup><mi>a</mi><mi>k</mi><mrow><mi>l</mi>"
           "<mo>−</mo><mn>1</mn></mrow></msubsup><msubsup><mi>δ</mi><mi>j</mi><mi>l</mi></msubsup>",
}

STYLE = """
:root { color-scheme: light; --ink: #1e293b; --muted: #64748b; --line: #e2e8f0; --accent: #2563eb; }
* { box-sizing: border-box; }
body { margin: 0; background: #f8fafc; color: var(--ink);
       font: 16px/1.6 system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK SC", "Noto Sans CJK JP",
             "Source Han Sans", "PingFang SC", "Hiragino Sans", "Microsoft YaHei", "Yu Gothic", sans-serif; }
main { max-width: 62rem; margin: 0 auto; padding: 2.5rem 2rem 4rem; background: #fff; min-height: 100vh;
       box-shadow: 0 0 0 1px var(--line); }
h1 { font-size: 1.9rem; line-height: 1.25; margin: 0 0 1rem; }
h2 { font-size: 1.35rem; margin: 2.4rem 0 .8rem; padding-bottom: .3rem; border-bottom: 2px solid var(--line); }
h3 { font-size: 1.08rem; margin: 1.6rem 0 .5rem; color: #334155; }
p { margin: .6rem 0; }
math { font-size: 1.12em; }
.eqs { margin: .6rem 0 1rem; }
.eq { display: flex; align-items: center; gap: 1rem; padding: .15rem .6rem; overflow-x: auto;
      border-left: 3px solid transparent; }
.eq:hover { background: #f1f5f9; }
.eq math { margin: .25rem 0; text-align: left; }
.eq.tagged { border-left-color: var(--tag); }
.tag { flex: none; margin-left: auto; position: sticky; right: 0; font: 600 .75rem/1 system-ui, sans-serif; padding: .3rem .5rem;
       border-radius: 999px; color: #fff; background: var(--tag); }
.BP1 { --tag: #ea580c; } .BP2 { --tag: #7c3aed; } .BP3 { --tag: #0d9488; } .BP4 { --tag: #2563eb; }
.shape { color: var(--muted); }
.eq.shapes { color: var(--muted); font-size: .85em; padding-left: 2.2rem; margin-top: -.2rem; gap: .4rem; }
mtable.matrix { margin: 0 .25em; padding: .1em .2em; border-left: 1.5px solid; border-right: 1.5px solid;
  background: linear-gradient(currentColor, currentColor) left top / .3em 1.5px no-repeat,
              linear-gradient(currentColor, currentColor) left bottom / .3em 1.5px no-repeat,
              linear-gradient(currentColor, currentColor) right top / .3em 1.5px no-repeat,
              linear-gradient(currentColor, currentColor) right bottom / .3em 1.5px no-repeat; }
mtable.aligned { math-style: normal; }
mtable.aligned mtd { padding: .12em 0; text-align: left; }
mtable.aligned mtd:first-child { text-align: right; }
mtable.matrix mtd { padding: .08em .4em; }
.legend { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: .5rem 1.5rem;
          margin: 1.2rem 0; padding: .8rem 1rem; background: #f8fafc; border: 1px solid var(--line);
          border-radius: .6rem; }
.legend h2 { grid-column: 1 / -1; font-size: .95rem; margin: 0; border: 0; padding: 0; color: var(--muted); }
.legend div { display: flex; align-items: center; justify-content: flex-start; gap: .7rem; }
.legend .tag { margin-left: 0; }
h4 { font-size: .95rem; margin: 1.1rem 0 .2rem; color: var(--muted); }
figure { margin: 1.4rem 0; text-align: center; }
figure svg { max-width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: .9rem; }
.diagram-legend { display: flex; flex-wrap: wrap; justify-content: center; gap: .3rem 1.2rem; margin: .3rem 0 0;
                  color: var(--muted); font-size: .82rem; }
.diagram-legend .key { display: inline-flex; align-items: center; gap: .4rem; }
.diagram-legend i { display: inline-block; width: 1.6rem; height: 3px; background: #2563eb; opacity: .7; }
.diagram-legend .legend_negative i { background: #dc2626; }
.diagram-legend .legend_width i { height: 1px; box-shadow: 0 5px 0 1.5px #94a3b8; margin-bottom: 6px; background: #94a3b8; }
.diagram-legend .legend_changed i { width: 1.2rem; height: .8rem; background: #fef3c7; border: 1px solid #cbd5e1;
                                    border-radius: 3px; opacity: 1; }
.note { margin: 1.6rem 0; padding: .8rem 1rem; background: #fffbeb; border: 1px solid #fcd34d;
        border-radius: .6rem; }
footer { margin-top: 3rem; color: var(--muted); font-size: .8rem; }
@media print {
  @page { margin: 1.6cm; }
  body { background: #fff; font-size: 11pt; }
  main { box-shadow: none; max-width: none; padding: 0; }
  .eq:hover { background: none; }
  .eq { overflow: visible; flex-wrap: wrap; break-inside: avoid; }
  figure, .legend, .note, .eqs > .eq.shapes { break-inside: avoid; }
  h2, h3, h4 { break-after: avoid; }
  .tag, .legend, .note, .diagram-legend i { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
}
h1 { text-wrap: balance; }
:lang(ja) h1, :lang(ja) h2, :lang(ja) h3 { word-break: auto-phrase; }
:lang(ja) body { font-family: system-ui, "Noto Sans CJK JP", "Noto Sans JP", "Hiragino Sans", "Yu Gothic",
                 "Source Han Sans JP", "Noto Sans", sans-serif; }
:lang(zh) body { font-family: system-ui, "Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei",
                 "Source Han Sans SC", "Noto Sans", sans-serif; }
@media (max-width: 640px) {
  main { padding: 1.2rem .75rem 3rem; }
  h1 { font-size: 1.45rem; }
  .legend { grid-template-columns: minmax(0, 1fr); }
  .legend div { overflow-x: auto; }
  p, figcaption { overflow-wrap: anywhere; }
}
"""


ROOT = "deltaprop-explanation"     # every rule of STYLE applies inside this class only (explain/css.py)
PAGE_STYLE = ".deltaprop-page { margin: 0; background: #f8fafc; }\n"    # the standalone page's <body> only


def render(blocks, trace, names, lang="en", precision=9, version=""):
    """The explanation as one HTML page."""
    title = next((phrase(b, lang, precision) for b in blocks if isinstance(b, Heading) and b.level == 1), "deltaprop")
    body, eqs = [], []

    def flush():
        if eqs:
            body.append('<div class="eqs">' + "".join(eqs) + "</div>")
            eqs.clear()

    for block in blocks:
        if isinstance(block, Eq):
            eqs.append(_equation(block, lang, precision))
            continue
        flush()
        if isinstance(block, Heading):
            level = block.level
            body.append(f"<h{level}>{mathml.prose(phrase(block, lang, precision))}</h{level}>")
            if level == 1:
                continue
        elif isinstance(block, Para) and block.key == "legend_text":
            continue                                # the legend above shows the same four equations as MathML
        elif isinstance(block, Para):
            body.append(f"<p>{mathml.prose(phrase(block, lang, precision))}</p>")
            if block.key == "intro":
                body.append(_legend(lang))
        elif isinstance(block, Note):
            body.append(f'<aside class="note"><strong>{escape(translate(lang, "note"))}{translate(lang, "label_sep").rstrip()}</strong> '
                        f"{mathml.prose(phrase(block, lang, precision))}</aside>")
        elif isinstance(block, Figure):
            body.append(_figure(block, trace, names, lang, precision))
    flush()
    footer = escape(translate(lang, "generated", version=version))
    return (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(title)}</title>\n<style>{PAGE_STYLE}{scope_css(STYLE, '.' + ROOT)}</style>\n</head>\n"
            f'<body class="deltaprop-page">\n<div class="{ROOT}">\n<main>\n'
            + "\n".join(body) + f"\n<footer>{footer}</footer>\n</main>\n</div>\n</body>\n</html>\n")


def fragment(blocks, trace, names, lang="en", precision=9):
    """The body only, with its style, for Jupyter (``_repr_html_``)."""
    page = render(blocks, trace, names, lang, precision)
    start, end = page.index("<main>"), page.index("</main>")
    return f'<div class="{ROOT}" lang="{lang}"><style>{scope_css(STYLE, "." + ROOT)}</style>' \
           f"{page[start + 6:end]}</div>"


def _equation(block, lang, precision):
    math = mathml.render(block.tokens, precision)
    if block.tag in BP_TAGS:
        label = escape(translate(lang, block.tag))
        return (f'<div class="eq tagged {block.tag}">{math}'
                f'<span class="tag" title="{label}">{block.tag}</span></div>')
    if block.tag == "shapes":
        label = escape(translate(lang, "shapes_label") + translate(lang, "label_sep"))
        return f'<div class="eq shapes"><span>{label}</span>{math}</div>'
    return f'<div class="eq">{math}</div>'


def _legend(lang):
    items = "".join(f'<div><span class="tag {tag}" title="{escape(translate(lang, tag))}">{tag}</span>'
                    f"<math>{_LEGEND[tag]}</math></div>" for tag in BP_TAGS)
    return f'<section class="legend"><h2>{escape(translate(lang, "legend"))}</h2>{items}</section>'


def _figure(block, trace, names, lang, precision):
    before = block.stage == "before"
    network = trace.network if before else trace.updated
    caption = translate(lang, "figure_before" if before else "figure_after")
    svg = network_svg(network, names=names, precision=min(precision, 6), title=caption,
                      changed=None if before else trace.network)
    keys = ["legend_positive", "legend_negative", "legend_width"] + ([] if before else ["legend_changed"])
    items = "".join(f'<span class="key {key}"><i></i>{escape(translate(lang, key))}</span>' for key in keys)
    return (f'<figure>{svg}<figcaption>{escape(caption)}</figcaption>'
            f'<p class="diagram-legend">{items}</p></figure>')
