"""spaCy factories for claimgraph's components.

Each component only annotates the Doc; the work is done by plain functions in the module
named after the concern (quotes, attribution, speakers, qualifiers, time), so each can be
tested on its own and switched off with ``nlp.select_pipes``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import minibatch

from claimgraph.nlp.attribution import find_attributions
from claimgraph.nlp.entities import link_entities
from claimgraph.nlp.narrative import find_narrative
from claimgraph.nlp.places import geocode_places
from claimgraph.nlp.qualifiers import qualify
from claimgraph.nlp.quotes import find_quotes
from claimgraph.nlp.speakers import resolve_speakers
from claimgraph.nlp.time import date_mentions, date_utterances

for _name, _default in (
    ("published", None),
    ("body_start", 0),
    ("quotes", None),
    ("attributions", None),
    ("errors", None),
    ("dates", None),
    ("places", None),
    ("entities", None),
):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)


def _guarded(name: str, doc: Doc, work: Callable[[], None]) -> Doc:
    """Run one component's work; a failure is recorded on ``doc._.errors`` so that one
    odd article costs only that component's output, never the rest of the run."""
    try:
        work()
    except Exception as exc:
        doc._.errors = [*(doc._.errors or []), f"{name}: {type(exc).__name__}: {exc}"]
    return doc


class QuoteFinder:
    """Pair quotation marks into quote spans on ``doc._.quotes`` (list of (start, end))."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        def work() -> None:
            doc._.quotes = find_quotes(doc.text)

        return _guarded(self.name, doc, work)


class AttributionFinder:
    """Find source, cue and content of every attribution: ``doc._.attributions``."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        def work() -> None:
            doc._.attributions = find_attributions(doc, doc._.quotes or [])

        return _guarded(self.name, doc, work)


class AttributionModel:
    """The learned tagger (``claimgraph.nlp.tagger``): replaces the rules' attributions by
    the model's (``policy`` "model") or adds the model's that the rules missed ("hybrid").
    ``path``: a trained model's directory (default: the one shipped with the package)."""

    def __init__(
        self, nlp: Language, name: str, path: str | None = None, policy: str = "model"
    ) -> None:
        self.name = name
        self.path = path or None
        self.policy = policy

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc], batch_size=1)))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 16) -> Iterator[Doc]:
        from claimgraph.nlp.tagger import run_tagger

        for batch in minibatch(docs, size=batch_size):
            try:
                run_tagger(batch, self.path, self.policy)
            except Exception:  # one bad batch: each document on its own, errors recorded
                for doc in batch:
                    _guarded(
                        self.name, doc, lambda doc=doc: run_tagger([doc], self.path, self.policy)
                    )
            yield from batch


class SpeakerResolver:
    """Resolve pronoun and nominal sources ("he", "the spokesperson") to a named source."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        return _guarded(self.name, doc, lambda: resolve_speakers(doc, doc._.attributions or []))


class Qualifier:
    """Medium ("told Sputnik"), cue class (assert/deny/accuse/…) and hedges."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        return _guarded(self.name, doc, lambda: qualify(doc, doc._.attributions or []))


class UtteranceDater:
    """When the source said it ("on Friday"), relative to ``doc._.published``: one of the
    text's dates (``doc._.dates``, found by the dates component before this one)."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        return _guarded(
            self.name,
            doc,
            lambda: date_utterances(doc, doc._.attributions or [], doc._.published),
        )


class EntityLinker:
    """Canonical entities (aliases, in-document variants, acronyms), each source's entity and
    affiliation, and each claim's targets."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        return _guarded(self.name, doc, lambda: link_entities(doc, doc._.attributions or []))


class DateFinder:
    """Every date expression of the text, normalised against ``doc._.published``."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        def work() -> None:
            doc._.dates = date_mentions(doc, doc._.published)

        return _guarded(self.name, doc, work)


class PlaceFinder:
    """Every place mention, geocoded to GeoNames: ``doc._.places``."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        return _guarded(self.name, doc, lambda: geocode_places(doc))


class NarrativeFinder:
    """Sentences in the outlet's own voice that report events become attributions of kind
    "narrative" (the outlet is the source)."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        def work() -> None:
            found = find_narrative(doc, doc._.attributions or [])
            doc._.attributions = [*(doc._.attributions or []), *found]

        return _guarded(self.name, doc, work)


Language.factory("claimgraph_quotes")(QuoteFinder)
Language.factory("claimgraph_attribution")(AttributionFinder)
Language.factory("claimgraph_attribution_model", default_config={"path": "", "policy": "model"})(
    AttributionModel
)
Language.factory("claimgraph_speakers")(SpeakerResolver)
Language.factory("claimgraph_qualifiers")(Qualifier)
Language.factory("claimgraph_utterance_date")(UtteranceDater)
Language.factory("claimgraph_entities")(EntityLinker)
Language.factory("claimgraph_dates")(DateFinder)
Language.factory("claimgraph_places")(PlaceFinder)
Language.factory("claimgraph_narrative")(NarrativeFinder)
