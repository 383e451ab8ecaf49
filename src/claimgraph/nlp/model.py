"""The attribution structure the nlp components share on ``doc._.attributions``.

Components fill it in pipeline order: attribution (source, cue, content, kind) →
speakers (resolved) → entities (source entity, affiliation, targets) → qualifiers (medium,
cue class, hedged) → time (utterance date) → narrative (the outlet's own reports, kind
"narrative"). Document-level results live on the Doc: ``doc._.dates`` (list of
``(value, start, end)``), ``doc._.places`` (list of ``records.Place``) and
``doc._.entities`` (list of ``records.Entity``). Offsets are character offsets into
``doc.text``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc

from claimgraph.records import EntityRef


@dataclass(slots=True)
class Attribution:
    """A mutable attribution under construction; ``claims.doc_to_claims`` freezes it."""

    cue: tuple[int, int]
    cue_lemma: str
    content: list[tuple[int, int]]
    kind: str  # direct | indirect | mixed
    source: tuple[int, int] | None = None
    resolved: str | None = None
    medium: tuple[int, int] | None = None
    cue_class: str = "other"
    hedged: bool = False
    content_negated: bool | None = None  # a negation in the content's main clause (parse)
    date: tuple[str, int, int] | None = None  # (iso value, start, end)
    entity: EntityRef | None = None  # the canonical entity of the source
    affiliation: str | None = None  # the organisation a person source speaks for
    targets: list[EntityRef] = field(default_factory=list)  # entities the claim is about
    rule: str = ""  # which rule produced it, for debugging and evaluation
    extra: dict[str, object] = field(default_factory=dict)


def doc_length(doc: Doc) -> int:
    """``len(doc.text)`` without building the text (spaCy joins every token for it)."""
    if len(doc) == 0:
        return 0
    last = doc[-1]
    return last.idx + len(last.text_with_ws)
