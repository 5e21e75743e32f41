"""``explain(network, x, y)`` and the :class:`Explanation` it returns."""

from __future__ import annotations

import json

from . import build, demon, derive, html, latex, markdown, text
from .i18n import check_language
from .model import Trace
from .naming import names_for

FORMATS = ("text", "markdown", "html", "latex", "json")


class Explanation:
    """One training step of a network, ready to be shown in any language and format.

    Build it with :func:`explain`.  All numbers come from one :class:`~.model.Trace`
    (the engine's forward, backward and SGD step); the ``to_*`` methods only
    format them.
    """

    def __init__(self, trace, names, form="neuron", detail="concise"):
        self.trace = trace
        self.names = names
        self.form = build.check_form(form)
        self.detail = build.check_detail(detail)
        build.document(trace, names, form, detail)   # fail now (e.g. too large) rather than at render time

    def blocks(self, form=None):
        """The language-neutral document (:mod:`.document` blocks)."""
        return build.document(self.trace, self.names, self.form if form is None else build.check_form(form),
                              self.detail)

    def to_text(self, lang="en", precision=9, form=None):
        """Plain Unicode text."""
        return text.render(self.blocks(form), check_language(lang), _precision(precision))

    def to_markdown(self, lang="en", precision=9, form=None):
        """Markdown, equations in fenced text blocks."""
        return markdown.render(self.blocks(form), check_language(lang), _precision(precision))

    def to_html(self, lang="en", precision=9, form=None):
        """One self-contained HTML page: MathML equations, inline SVG diagrams, no external resources."""
        from .._version import __version__
        return html.render(self.blocks(form), self.trace, self.names, check_language(lang), _precision(precision),
                           version=__version__)

    def to_latex(self, lang="en", precision=9, form=None):
        """A standalone LaTeX document (``pdflatex``; ``xelatex`` with xeCJK for zh/ja): amsmath ``align*``,
        ``bmatrix``, shapes as ``\\underbrace``."""
        return latex.render(self.blocks(form), check_language(lang), _precision(precision))

    def to_dict(self):
        """The JSON contract (see :meth:`Trace.to_dict`), full float precision; with ``detail="derive"`` also
        ``derivations`` (:func:`~.derive.factors`: each factor of the chain rule, sample 1) and ``demon_checks``
        (one :class:`~deltaprop.teach.nudge.Nudge` per neuron, layers numbered from 1 = first hidden)."""
        out = self.trace.to_dict()
        if self.detail == "derive":
            out["derivations"] = derive.factors(self.trace)
            out["demon_checks"] = [check.as_dict() for check in demon.checks(self.trace)]
        return out

    def to_json(self, indent=2):
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def render(self, format="text", lang="en", precision=9, form=None):
        """Any of :data:`FORMATS` as a string."""
        if format not in FORMATS:
            raise ValueError(f"unknown format {format!r}; valid: {', '.join(FORMATS)}")
        if format == "json":
            return self.to_json() + "\n"
        return getattr(self, f"to_{format}")(lang=lang, precision=precision, form=form)

    def _repr_html_(self):
        return html.fragment(self.blocks(), self.trace, self.names)

    notebook_view = None    # set by the façade: {mime: data} of the interactive view in a Jupyter kernel, or {}

    def _repr_mimebundle_(self, include=None, exclude=None):
        """In a notebook: the interactive view (language, numbering, stages) when anywidget is installed, and
        this HTML for viewers without widgets."""
        bundle = {"text/html": self._repr_html_(), "text/plain": repr(self)}
        if Explanation.notebook_view is not None:
            bundle.update(Explanation.notebook_view(self))
        return bundle

    def __repr__(self):
        t = self.trace
        return (f"<Explanation of {t.network!r}: loss {t.loss:.9g} → {t.loss_after_update:.9g} "
                f"after one step (η = {t.learning_rate:g})>")


def explain(network, x, y, learning_rate=0.5, update_biases=None, steps=0, form="neuron", naming="auto",
            detail="concise", numbering="nielsen"):
    """Explain one step of backpropagation on ``network`` with every number shown.

    Parameters
    ----------
    network : Network
        Not modified (a copy is trained).
    x : array_like, shape (d_0,) or (n, d_0)
        One input, or a mini-batch of ``n`` inputs (gradients are then the batch mean).
    y : array_like, shape (d_L,) or (n, d_L)
        Target(s).
    learning_rate : float, default 0.5 (Mazur's)
    update_biases : bool, optional
        Whether the step changes the biases; default: each layer's ``train_biases``.
    steps : int, default 0
        Also report the loss and outputs after this many SGD steps on ``(x, y)``.
    form : {"neuron", "matrix", "both"}
        Neuron by neuron (Mazur), tensor form (the matrix form of BP1–BP4) or both.
    naming : {"auto", "mazur", "generic"}
        ``auto`` uses Mazur's names (w1..w8, h1, o1) for a 2-2-2 network.
    detail : {"concise", "derive"}
        ``derive`` adds where each factor comes from (the function, its derivative in general form, then the
        numbers; the softmax Jacobian; how a pair reduces BP1 to ``a − y`` or why it does not; remarks on
        saturated, dead or sign-flipping units) and, for every neuron, Nielsen's demon check: the cost change
        δ·Δz predicted by backprop next to the change recomputed by running the network again.
    numbering : {"deltaprop", "nielsen"}
        Layer numbers as the engine counts them (1 = first hidden layer) or as Nielsen's book does (the input
        is layer 1, so his z² is the engine's z¹).

    Returns
    -------
    Explanation

    Examples
    --------
    >>> import deltaprop as dp
    >>> e = dp.explain(dp.mazur_network(), [0.05, 0.10], [0.01, 0.99])
    >>> round(e.to_dict()["loss"], 9)
    0.298371109
    """
    trace = Trace(network, x, y, learning_rate=learning_rate, update_biases=update_biases, steps=steps)
    return Explanation(trace, names_for(network, naming, numbering), form, detail)


def _precision(precision):
    if isinstance(precision, bool) or not isinstance(precision, int) or not 1 <= precision <= 17:
        raise ValueError(f"precision must be an integer from 1 to 17, got {precision!r}")
    return precision        # an int, or FixedDecimals (keep trailing zeros: columns line up)
