"""The Python API: what the CLI (and later the web app) call, one function per user task.

>>> from claimgraph import extract
>>> claims = extract("The Pentagon denied the claims, a spokesperson said on Friday.",
...                  published="2017-10-07")
>>> [(c.source.text, c.cue.text) for c in claims]
[('a spokesperson', 'said')]
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from claimgraph.ingest import IngestError, read_inputs
from claimgraph.ingest.dateline import find_dateline
from claimgraph.nlp.pipeline import extract_claims
from claimgraph.records import Claim, Document, content_id
from claimgraph.store import ClaimStore, StoreError

EXAMPLE_NAME = "sputnik-2017-10-07-pentagon.txt"


def example_path() -> Path:
    """The bundled example article (a wire story with an accusation and its denial)."""
    return Path(str(resources.files("claimgraph") / "examples" / EXAMPLE_NAME))


def make_document(
    text: str,
    *,
    published: str | None = None,
    title: str | None = None,
    outlet: str | None = None,
    url: str | None = None,
) -> Document:
    """A ``Document`` for text given directly; a wire dateline at its start is recognised."""
    dateline = find_dateline(text)
    return Document(
        doc_id=content_id(text),
        text=text,
        title=title,
        outlet=outlet or (dateline.outlet if dateline else None),
        published=published,
        url=url,
        dateline=dateline,
    )


def extract(text: str, *, published: str | None = None, **meta: str | None) -> list[Claim]:
    """The claims of one article given as text; offsets index into ``text``."""
    document = make_document(text, published=published, **meta)
    return next(extract_claims([document]))[1]


def open(path: str | Path = "claimgraph.db") -> ClaimStore:
    """Open (or create) a claim database."""
    return ClaimStore(path)


@dataclass
class RunSummary:
    """What a run did: counts for the summary line, and the claims of new documents."""

    documents: int = 0
    new_documents: int = 0
    claims: int = 0
    errors: int = 0
    seconds: float = 0.0
    results: list[tuple[Document, list[Claim]]] = field(default_factory=list)


def process(
    inputs: Iterable[str | Path],
    *,
    on_error: Callable[[str], None] | None = None,
    on_warning: Callable[[str], None] | None = None,
    outputs: Iterable[str | Path] = (),
) -> Iterator[tuple[Document, list[Claim]]]:
    """Read ``inputs`` (files, folders, ``-``) and yield each document with its claims.

    Unreadable inputs and failing components are reported through ``on_error`` as one line
    each ("origin: reason"); everything else goes on. A record read with less than it
    gave (a ``published`` value that is no date, kept as ``meta["published_raw"]``) is
    reported through ``on_warning`` and processed. ``outputs``: the files or folders the
    caller writes to, which a folder being read leaves out.
    """
    report = on_error or (lambda message: None)
    warn = on_warning or (lambda message: None)

    def documents() -> Iterator[Document]:
        for item in read_inputs(inputs, outputs=outputs):
            if isinstance(item, IngestError):
                report(str(item))
                continue
            raw = item.meta.get("published_raw")
            if raw is not None:
                warn(
                    f"{item.origin or item.doc_id}: 'published' {raw!r} is not a date; read "
                    "without one (relative dates such as 'on Friday' stay unresolved)"
                )
            yield item

    def component_error(document: Document, message: str) -> None:
        report(f"{document.origin or document.doc_id}: {message}")

    yield from extract_claims(documents(), on_error=component_error)


def run(
    inputs: Iterable[str | Path],
    db: str | Path = "claimgraph.db",
    *,
    on_error: Callable[[str], None] | None = None,
    on_warning: Callable[[str], None] | None = None,
    on_document: Callable[[Document, list[Claim]], None] | None = None,
    keep_results: bool = False,
) -> RunSummary:
    """Extract claims from ``inputs`` and store them in ``db``; documents already stored
    are not added again (``on_error``, ``on_warning``: as for ``process``)."""
    summary = RunSummary()
    start = time.perf_counter()

    def report(message: str) -> None:
        summary.errors += 1
        if on_error is not None:
            on_error(message)

    with ClaimStore(db) as store:
        found = process(inputs, on_error=report, on_warning=on_warning, outputs=[db])
        for document, claims in found:
            summary.documents += 1
            try:
                added = store.add(document, claims)
            except (StoreError, ValueError) as exc:
                report(f"{document.origin or document.doc_id}: not stored: {exc}")
                continue
            if added:
                summary.new_documents += 1
                summary.claims += len(claims)
            if keep_results:
                summary.results.append((document, claims))
            if on_document is not None:
                on_document(document, claims)
    summary.seconds = time.perf_counter() - start
    return summary
