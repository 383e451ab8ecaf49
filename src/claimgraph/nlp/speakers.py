"""Speaker resolution (work in progress)."""
from __future__ import annotations
from spacy.tokens import Doc
from claimgraph.nlp.model import Attribution
def resolve_speakers(doc: Doc, attributions: list[Attribution]) -> None:
    return None
