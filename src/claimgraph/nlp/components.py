"""spaCy factories for claimgraph's components.

Each component only annotates the Doc; the work is done by plain functions in the module
named after the concern (quotes, attribution, speakers, qualifiers, time), so each can be
tested on its own and switched off with ``nlp.select_pipes``.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from claimgraph.nlp.attribution import find_attributions
from claimgraph.nlp.qualifiers import qualify
from claimgraph.nlp.quotes import find_quotes
from claimgraph.nlp.speakers import resolve_speakers
from claimgraph.nlp.time import date_utterances

for _name, _default in (("published", None), ("body_start", 0), ("quotes", None), ("attributions", None)):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)


class QuoteFinder:
    """Pair quotation marks into quote spans on ``doc._.quotes`` (list of (start, end))."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        doc._.quotes = find_quotes(doc.text)
        return doc


class AttributionFinder:
    """Find source, cue and content of every attribution: ``doc._.attributions``."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        doc._.attributions = find_attributions(doc, doc._.quotes or [])
        return doc


class SpeakerResolver:
    """Resolve pronoun and nominal sources ("he", "the spokesperson") to a named source."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        resolve_speakers(doc, doc._.attributions or [])
        return doc


class Qualifier:
    """Medium ("told Sputnik"), cue class (assert/deny/accuse/…) and hedges."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        qualify(doc, doc._.attributions or [])
        return doc


class UtteranceDater:
    """When the source said it ("on Friday"), relative to ``doc._.published``."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        date_utterances(doc, doc._.attributions or [], doc._.published)
        return doc


Language.factory("claimgraph_quotes")(QuoteFinder)
Language.factory("claimgraph_attribution")(AttributionFinder)
Language.factory("claimgraph_speakers")(SpeakerResolver)
Language.factory("claimgraph_qualifiers")(Qualifier)
Language.factory("claimgraph_utterance_date")(UtteranceDater)
