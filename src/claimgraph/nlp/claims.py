"""Freeze the attributions found on a Doc into ``Claim`` records."""

from __future__ import annotations

from typing import TypeVar

from claimgraph.nlp.entities import canonical_ref
from claimgraph.nlp.model import Attribution
from claimgraph.records import (
    Claim,
    Content,
    Cue,
    DateRef,
    Document,
    Place,
    Source,
    Span,
    claim_id,
    granularity_of,
)

T = TypeVar("T", DateRef, Place)


def _inside(items: tuple[T, ...], fragments: tuple[tuple[int, int], ...]) -> tuple[T, ...]:
    """The dated or placed mentions that lie inside one of the content fragments."""
    return tuple(x for x in items if any(s <= x.start and x.end <= e for s, e in fragments))


def outlet_source(document: Document) -> Source | None:
    """The outlet as the source of its own reports (narrative records), pinned to where the
    dateline names it ("WASHINGTON (Sputnik) –"); None when the text does not name it."""
    outlet, dateline = document.outlet, document.dateline
    if not outlet or dateline is None:
        return None
    at = document.text.find(outlet, dateline.start, dateline.end)
    if at == -1:
        return None
    ref = canonical_ref(outlet, "ORG")
    return Source(outlet, at, at + len(outlet), outlet, ref.entity_id, ref.name)


def doc_to_claims(document: Document, attributions: list[Attribution]) -> list[Claim]:
    """One ``Claim`` per attribution, spans cut from ``document.text``."""
    text = document.text
    outlet = outlet_source(document)
    claims: list[Claim] = []
    seen: set[str] = set()
    for att in sorted(attributions, key=lambda a: a.content[0][0] if a.content else a.cue[0]):
        fragments = tuple(sorted(att.content))
        cid = claim_id(document.doc_id, att.cue[0], fragments)
        if cid in seen:
            continue
        seen.add(cid)
        source = outlet if att.kind == "narrative" else None
        if att.source is not None:
            s, e = att.source
            source = Source(
                text[s:e],
                s,
                e,
                att.resolved,
                entity_id=att.entity.entity_id if att.entity else None,
                entity_name=att.entity.name if att.entity else None,
                affiliation=att.affiliation,
            )
        medium = None
        if att.medium is not None:
            s, e = att.medium
            medium = Span(text[s:e], s, e)
        date = None
        if att.date is not None:
            value, s, e = att.date
            date = DateRef(text[s:e], value, s, e, granularity_of(value))
        cs, ce = att.cue
        claims.append(
            Claim(
                doc_id=document.doc_id,
                claim_id=cid,
                kind=att.kind,  # type: ignore[arg-type]
                source=source,
                cue=Cue(text[cs:ce], cs, ce, att.cue_lemma, att.cue_class),  # type: ignore[arg-type]
                content=Content(
                    " … ".join(text[s:e] for s, e in fragments), fragments, att.content_negated
                ),
                medium=medium,
                hedged=att.hedged,
                date=date,
                dates=_inside(document.dates, fragments),
                places=_inside(document.places, fragments),
                targets=tuple(att.targets),
            )
        )
    return claims
