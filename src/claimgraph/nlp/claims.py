"""Freeze the attributions found on a Doc into ``Claim`` records."""

from __future__ import annotations

from claimgraph.nlp.model import Attribution
from claimgraph.records import Claim, Content, Cue, DateRef, Document, Source, Span, claim_id


def doc_to_claims(document: Document, attributions: list[Attribution]) -> list[Claim]:
    """One ``Claim`` per attribution, spans cut from ``document.text``."""
    text = document.text
    claims: list[Claim] = []
    seen: set[str] = set()
    for att in sorted(attributions, key=lambda a: a.content[0][0] if a.content else a.cue[0]):
        fragments = tuple(sorted(att.content))
        cid = claim_id(document.doc_id, att.cue[0], fragments)
        if cid in seen:
            continue
        seen.add(cid)
        source = None
        if att.source is not None:
            s, e = att.source
            source = Source(text[s:e], s, e, att.resolved)
        medium = None
        if att.medium is not None:
            s, e = att.medium
            medium = Span(text[s:e], s, e)
        date = None
        if att.date is not None:
            value, s, e = att.date
            date = DateRef(text[s:e], value, s, e)
        cs, ce = att.cue
        claims.append(
            Claim(
                doc_id=document.doc_id,
                claim_id=cid,
                kind=att.kind,  # type: ignore[arg-type]
                source=source,
                cue=Cue(text[cs:ce], cs, ce, att.cue_lemma, att.cue_class),  # type: ignore[arg-type]
                content=Content(" … ".join(text[s:e] for s, e in fragments), fragments),
                medium=medium,
                hedged=att.hedged,
                date=date,
            )
        )
    return claims
