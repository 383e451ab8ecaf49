"""The one schema every stage and every export uses.

Frozen dataclasses with no dependencies beyond the standard library. Every span carries
character offsets into ``Document.text`` as stored, so ``text[start:end] == span.text``.
``to_dict`` gives the JSONL shape documented in the README.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from typing import Any, Literal

ClaimKind = Literal["direct", "indirect", "mixed"]
CueClass = Literal["assert", "deny", "accuse", "warn", "publish", "other"]
CUE_CLASSES: tuple[str, ...] = ("assert", "deny", "accuse", "warn", "publish", "other")


@dataclass(frozen=True, slots=True)
class Span:
    """A contiguous piece of the document text."""

    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Source:
    """Who the claim is attributed to: the surface mention and the name it resolves to."""

    text: str
    start: int
    end: int
    resolved: str | None = None


@dataclass(frozen=True, slots=True)
class Cue:
    """The words that mark the attribution ("said", "according to", "denied")."""

    text: str
    start: int
    end: int
    lemma: str
    cls: CueClass = "other"


@dataclass(frozen=True, slots=True)
class Content:
    """What was claimed; several fragments when a quote is split by "she said"."""

    text: str
    fragments: tuple[tuple[int, int], ...]

    @property
    def start(self) -> int:
        return self.fragments[0][0]

    @property
    def end(self) -> int:
        return self.fragments[-1][1]


@dataclass(frozen=True, slots=True)
class DateRef:
    """A date expression and its normalised ISO value."""

    text: str
    value: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Claim:
    """One attribution: source (may be absent), cue, content, and what qualifies them."""

    doc_id: str
    claim_id: str
    kind: ClaimKind
    source: Source | None
    cue: Cue
    content: Content
    medium: Span | None = None
    hedged: bool = False
    date: DateRef | None = None

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["cue"]["class"] = d["cue"].pop("cls")
        d["content"]["fragments"] = [list(f) for f in self.content.fragments]
        return d


@dataclass(frozen=True, slots=True)
class Dateline:
    """The opening "WASHINGTON (Sputnik) –" of a wire story."""

    text: str
    start: int
    end: int
    place: str | None = None
    outlet: str | None = None


@dataclass(frozen=True, slots=True)
class Document:
    """An article as stored: ``text`` is what every offset indexes into.

    ``offset`` is where ``text`` starts in the original input (after header lines), so a
    span can be mapped back to the source file (the brat export does this).
    """

    doc_id: str
    text: str
    title: str | None = None
    outlet: str | None = None
    published: str | None = None
    url: str | None = None
    dateline: Dateline | None = None
    origin: str | None = None
    offset: int = 0
    meta: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def content_id(text: str) -> str:
    """A stable document id: the same text always gets the same id."""
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def claim_id(doc_id: str, cue_start: int, fragments: tuple[tuple[int, int], ...]) -> str:
    """A stable claim id from its document and position."""
    key = f"{doc_id}:{cue_start}:" + ",".join(f"{s}-{e}" for s, e in fragments)
    return hashlib.sha1(key.encode()).hexdigest()[:16]
