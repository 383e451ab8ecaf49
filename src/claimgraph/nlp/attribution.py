"""Attribution rules (work in progress)."""
from __future__ import annotations
from spacy.tokens import Doc
from claimgraph.nlp.model import Attribution
def find_attributions(doc: Doc, quotes: list[tuple[int, int]]) -> list[Attribution]:
    return []
