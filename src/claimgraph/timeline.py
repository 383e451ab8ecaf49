"""Entity timelines: what an entity claimed and what was claimed about it, in date order.

An entity *said* a claim when it is the claim's source entity, or when the source speaks for
it (its affiliation is one of the entity's names: "a Pentagon spokesperson" → Pentagon). A
claim is *about* an entity when the entity is among the claim's targets. Each claim is dated
by when it was said (``Claim.date``), or failing that by its article's published date.

>>> from claimgraph.records import Claim, Content, Cue, DateRef, Document, EntityRef, Source
>>> text = "Moscow accused Washington on Friday of shielding the militants."
>>> doc = Document("d1", text, published="2017-10-07")
>>> claim = Claim("d1", "c1", "indirect",
...     Source("Moscow", 0, 6, "Russia", "Q159", "Russia"), Cue("accused", 7, 14, "accuse",
...     "accuse"), Content("shielding the militants", ((39, 62),)),
...     date=DateRef("on Friday", "2017-10-06", 26, 35, "day"),
...     targets=(EntityRef("Q30", "United States"),))
>>> from claimgraph.store import ClaimStore
>>> with ClaimStore(":memory:") as store:
...     _ = store.add(doc, [claim])
...     [(e.entity.name, e.said, e.about) for e in entities(store)]
...     [(i.date, i.role, i.source) for i in timeline(store, "united states")]
[('Russia', 1, 0), ('United States', 0, 1)]
[('2017-10-06', 'about', 'Russia')]
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Literal, NamedTuple

from claimgraph.records import Claim, ClaimKind, Entity
from claimgraph.store import ClaimStore

__all__ = [
    "EntityLookupError",
    "EntitySummary",
    "TimelineItem",
    "date_start",
    "entities",
    "find_entity",
    "timeline",
]

Role = Literal["said", "about"]


class EntityLookupError(LookupError):
    """No entity, or more than one, answers to the name given; the message says which."""


class EntitySummary(NamedTuple):
    """An entity and how many claims it made (``said``) and how many target it (``about``)."""

    entity: Entity
    said: int
    about: int


@dataclass(frozen=True, slots=True)
class TimelineItem:
    """One claim on an entity's timeline.

    ``date`` is the utterance date's normalised value (``dated_by == "utterance"``), else
    the article's published date (``"published"``), else None. ``source`` is the source's
    canonical name (its entity, else the name it resolves to, else its words), ``source_text``
    the words of the article. ``start``/``end`` are the content's offsets into the article
    text.
    """

    date: str | None
    dated_by: Literal["utterance", "published"] | None
    role: Role
    source: str | None
    source_text: str | None
    affiliation: str | None
    cue: str
    cue_class: str
    content: str
    kind: ClaimKind
    doc_id: str
    claim_id: str
    start: int
    end: int


def _names(entity: Entity) -> set[str]:
    return {n.casefold() for n in (entity.entity_id, entity.name, *entity.aliases)}


def find_entity(store: ClaimStore, name_or_id: str) -> Entity:
    """The entity whose id, canonical name or an alias is ``name_or_id`` (any case).

    An id match wins over a name match, which wins over an alias match. Raises
    ``EntityLookupError`` when nothing matches, or when several entities share the name at
    the best level (the message lists their ids, which are unambiguous).
    """
    key = name_or_id.strip().casefold()
    registry = store.entities()
    levels = (
        ("id", lambda e: {e.entity_id.casefold()}),
        ("name", lambda e: {e.name.casefold()}),
        ("alias", lambda e: {a.casefold() for a in e.aliases}),
    )
    for level, names in levels:
        found = [e for e in registry if key in names(e)]
        if len(found) == 1:
            return found[0]
        if found:
            choices = ", ".join(f"{e.entity_id} ({e.name})" for e in found)
            raise EntityLookupError(
                f"{name_or_id!r} is the {level} of {len(found)} entities: {choices}; "
                "give one of the ids"
            )
    raise EntityLookupError(
        f"no entity named {name_or_id!r} ({len(registry)} entities stored; "
        "`claimgraph entities` lists them)"
    )


def entities(store: ClaimStore) -> list[EntitySummary]:
    """Every stored entity with its claim counts, the busiest first (then by name)."""
    registry = store.entities()
    by_name: dict[str, set[str]] = defaultdict(set)
    for entity in registry:
        for name in _names(entity):
            by_name[name].add(entity.entity_id)
    said: Counter[str] = Counter()
    for _, source_id, affiliation in store.claim_sources():
        # A set, so a source that is the entity and also speaks for it counts once.
        ids = by_name.get(affiliation.casefold(), set()) if affiliation else set()
        said.update(ids | ({source_id} if source_id else set()))
    about = store.target_counts()
    summaries = [EntitySummary(e, said[e.entity_id], about.get(e.entity_id, 0)) for e in registry]
    summaries.sort(key=lambda s: (-(s.said + s.about), s.entity.name.casefold()))
    return summaries


def timeline(store: ClaimStore, name_or_id: str) -> list[TimelineItem]:
    """What the entity ``name_or_id`` claimed and what was claimed about it, by date.

    The entity is found as ``find_entity`` does (``EntityLookupError`` when it cannot be).
    A claim both by and about the entity appears twice, once in each role. A coarse date
    sorts at its first day ("2017-09" before "2017-09-12"); items of one date are ordered by
    article (published date, then id) and by position in the text; undated items come last.
    """
    entity = find_entity(store, name_or_id)
    said = list(store.claims_by(entity.entity_id, affiliations=_names(entity)))
    about = list(store.claims_about(entity.entity_id))
    published = store.published_dates(c.doc_id for c in (*said, *about))
    items = [_item(c, "said", published) for c in said]
    items += [_item(c, "about", published) for c in about]
    items.sort(key=lambda i: _sort_key(i, published))
    return items


def _item(claim: Claim, role: Role, published: dict[str, str | None]) -> TimelineItem:
    s = claim.source
    date: str | None = published.get(claim.doc_id)
    dated_by: Literal["utterance", "published"] | None = "published" if date else None
    if claim.date is not None and claim.date.value:
        date, dated_by = claim.date.value, "utterance"
    return TimelineItem(
        date=date,
        dated_by=dated_by,
        role=role,
        source=None if s is None else (s.entity_name or s.resolved or s.text),
        source_text=None if s is None else s.text,
        affiliation=None if s is None else s.affiliation,
        cue=claim.cue.text,
        cue_class=claim.cue.cls,
        content=claim.content.text,
        kind=claim.kind,
        doc_id=claim.doc_id,
        claim_id=claim.claim_id,
        start=claim.content.start,
        end=claim.content.end,
    )


def _sort_key(item: TimelineItem, published: dict[str, str | None]) -> tuple[object, ...]:
    # A coarse value sorts at its first day: "2017-09" before "2017-09-12".
    start = date_start(item.date) if item.date else None
    return (
        start is None,
        start or dt.date.min,
        published.get(item.doc_id) or "",
        item.doc_id,
        item.start,
        item.role != "said",
    )


# Where a season or half-year of a TimeML value begins (month).
_PART_MONTH = {"SP": 3, "SU": 6, "FA": 9, "AU": 9, "WI": 12, "H1": 1, "H2": 7}
_VALUE = re.compile(
    r"(?P<year>\d{4})(?:-(?:W(?P<week>\d{2})|Q(?P<quarter>[1-4])|(?P<part>SP|SU|FA|AU|WI|H1|H2)"
    r"|(?P<month>\d{2})(?:-(?P<day>\d{2}))?))?"
)


def date_start(value: str) -> dt.date | None:
    """The first day a normalised date value covers, or None when it names no calendar day.

    >>> [date_start(v) for v in ("2017-10-06", "2017-09", "2017-W39", "2017-Q3",
    ...                          "2017-09-01/2017-09-27", "2017-10-07T09:30:00", "PAST_REF")]
    ... # doctest: +NORMALIZE_WHITESPACE
    [datetime.date(2017, 10, 6), datetime.date(2017, 9, 1), datetime.date(2017, 9, 25),
     datetime.date(2017, 7, 1), datetime.date(2017, 9, 1), datetime.date(2017, 10, 7), None]
    """
    m = _VALUE.match(value.split("/", 1)[0].strip())
    if m is None:
        return None
    year = int(m["year"])
    try:
        if m["week"]:
            return dt.date.fromisocalendar(year, int(m["week"]), 1)
        if m["quarter"]:
            return dt.date(year, 3 * int(m["quarter"]) - 2, 1)
        if m["part"]:
            return dt.date(year, _PART_MONTH[m["part"]], 1)
        return dt.date(year, int(m["month"] or 1), int(m["day"] or 1))
    except ValueError:
        # "2017-13", "2017-02-30", "2017-W54": a value no calendar has.
        return None
