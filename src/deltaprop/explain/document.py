"""The explanation as a list of language- and format-neutral blocks.

Builders (:mod:`.neuron`, :mod:`.matrix`, :mod:`.build`) emit these; the
renderers (:mod:`.text`, :mod:`.markdown`, :mod:`.html`) turn them into output.
Words are stored as translation keys plus arguments (:mod:`.i18n`), numbers as
:class:`~.expr.Num`, so one document renders in every language and precision.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Heading:
    level: int          # 1 = title, 2 = section, 3 = subsection
    key: str
    args: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Para:
    key: str
    args: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Count:
    """A whole number in prose, grouped the language's way at render time (10,000; fr: 10 000)."""

    value: int


@dataclass(frozen=True)
class Terms:
    """Names translated at render time (``act_sigmoid``, ``loss_quadratic``, …), joined by the language's list
    separator (``, `` or ``、``)."""

    keys: tuple


@dataclass(frozen=True)
class Printed:
    """A number with its own digits (the tutorial's printed figures): only the decimal mark follows the language."""

    value: float
    digits: int             # significant digits to show (decimals with ``fixed``)
    fixed: bool = False     # as the tutorial printed it: 0.0000351085


@dataclass(frozen=True)
class Percent:
    """A ratio in prose, as a percentage with two significant digits (0.05 %), in the language's form."""

    value: float


@dataclass(frozen=True)
class Phrase:
    """A translated phrase inside a sentence (``unit_label``: "neuron 2 of layer 3"), its args rendered alike."""

    key: str
    args: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Note:
    """A highlighted remark (e.g. the tutorial's rounding)."""

    key: str
    args: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Eq:
    """One equation; ``tag`` names the equation it applies (``BP1``..``BP4``) or a step label key."""

    tokens: tuple
    tag: str | None = None


@dataclass(frozen=True)
class Figure:
    """The network diagram, ``stage`` ``"before"`` or ``"after"`` the update (HTML only)."""

    stage: str


BP_TAGS = ("BP1", "BP2", "BP3", "BP4")
