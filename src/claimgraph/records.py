"""The one schema every stage and every export uses.

Frozen dataclasses with no dependencies beyond the standard library. Every span carries
character offsets into ``Document.text`` as stored, so ``text[start:end] == span.text``.
``to_dict`` gives the JSONL shape documented in the README.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from dataclasses import dataclass, field
from typing import Any, Literal

ClaimKind = Literal["direct", "indirect", "mixed", "narrative"]
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
    """Who the claim is attributed to: the surface mention, the name it resolves to, the
    canonical entity, and the organisation a person speaks for ("a Pentagon spokesperson"
    → affiliation "Pentagon")."""

    text: str
    start: int
    end: int
    resolved: str | None = None
    entity_id: str | None = None
    entity_name: str | None = None
    affiliation: str | None = None


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
    # Whether the parse puts a negation of the content's first sentence in its main clause
    # ("that the US does not support terrorists"; not "killed … because they wouldn't take
    # part"); None when unknown (records built by hand or stored before it was recorded).
    negated: bool | None = None

    @property
    def start(self) -> int:
        return self.fragments[0][0]

    @property
    def end(self) -> int:
        return self.fragments[-1][1]


@dataclass(frozen=True, slots=True)
class DateRef:
    """A date expression and its normalised value: ISO / TimeML (``2017-10-06``,
    ``2017-09``, ``2017-W39``, ``2017-Q3``, ``2017``) or a range ``2017-09-01/2017-09-27``."""

    text: str
    value: str
    start: int
    end: int
    granularity: str | None = None  # day | week | month | quarter | year | range
    # the narrower interval the words give, when narrower than ``value``'s calendar unit:
    # "mid-October" → value "2017-10", range "2017-10-11/2017-10-20" (TimeML keeps the unit)
    range: str | None = None


@dataclass(frozen=True, slots=True)
class Place:
    """A place mention geocoded to GeoNames (fields None when it is not in the gazetteer)."""

    text: str
    start: int
    end: int
    geonameid: int | None = None
    name: str | None = None
    country_code: str | None = None
    lat: float | None = None
    lon: float | None = None
    feature_class: str | None = None


@dataclass(frozen=True, slots=True)
class EntityRef:
    """A canonical entity a claim is about (a target) or that a source is."""

    entity_id: str
    name: str


@dataclass(frozen=True, slots=True)
class Entity:
    """A canonical entity: one id for every alias ("Daesh", "ISIS", "Islamic State")."""

    entity_id: str
    name: str
    kind: str | None = None  # PERSON | ORG | GPE | NORP | …
    qid: str | None = None  # Wikidata id, when the alias table gives one
    aliases: tuple[str, ...] = ()


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
    date: DateRef | None = None  # when the source said it
    dates: tuple[DateRef, ...] = ()  # dates inside the content
    places: tuple[Place, ...] = ()  # places inside the content
    targets: tuple[EntityRef, ...] = ()  # what the claim is about

    def to_dict(self) -> dict[str, Any]:
        """The JSONL record (lists where the dataclass has tuples)."""
        d = _lists(dataclasses.asdict(self))
        d["cue"]["class"] = d["cue"].pop("cls")
        return d


@dataclass(frozen=True, slots=True)
class Dateline:
    """The opening "WASHINGTON (Sputnik) –" of a wire story."""

    text: str
    start: int
    end: int
    place: str | None = None
    outlet: str | None = None
    geonameid: int | None = None
    name: str | None = None
    country_code: str | None = None
    lat: float | None = None
    lon: float | None = None


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
    dates: tuple[DateRef, ...] = ()  # every date expression in the text
    places: tuple[Place, ...] = ()  # every place mention in the text
    entities: tuple[Entity, ...] = ()  # canonical entities mentioned

    def to_dict(self) -> dict[str, Any]:
        """The JSONL record (lists where the dataclass has tuples)."""
        return _lists(dataclasses.asdict(self))


def _lists(value: Any) -> Any:
    """Tuples as lists, recursively, so a record equals its JSON round trip."""
    if isinstance(value, dict):
        return {k: _lists(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_lists(v) for v in value]
    return value


def content_id(text: str) -> str:
    """A stable document id: the same text always gets the same id."""
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def claim_id(doc_id: str, cue_start: int, fragments: tuple[tuple[int, int], ...]) -> str:
    """A stable claim id from its document and position."""
    key = f"{doc_id}:{cue_start}:" + ",".join(f"{s}-{e}" for s, e in fragments)
    return hashlib.sha1(key.encode()).hexdigest()[:16]


def granularity_of(value: str) -> str | None:
    """The calendar unit a normalised date value names."""
    if "/" in value:
        return "range"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return "day"
    if re.fullmatch(r"\d{4}-W\d{2}", value):
        return "week"
    if re.fullmatch(r"\d{4}-\d{2}", value):
        return "month"
    if re.fullmatch(r"\d{4}-Q[1-4]", value):
        return "quarter"
    if re.fullmatch(r"\d{4}", value):
        return "year"
    return None
