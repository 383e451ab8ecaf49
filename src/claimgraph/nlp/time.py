"""Utterance dates (work in progress)."""
from __future__ import annotations
from spacy.tokens import Doc
from claimgraph.nlp.model import Attribution
def date_utterances(doc: Doc, attributions: list[Attribution], published: str | None) -> None:
    return None
