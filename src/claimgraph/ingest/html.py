"""Read an HTML article page with trafilatura: the main text and its metadata.

trafilatura finds the article body among navigation and footers and reads the title, date,
URL and site name from the page's metadata. The stored text is trafilatura's extraction
(offset 0: it cannot be mapped back into the HTML).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

from claimgraph.ingest.dates import normalise_date
from claimgraph.ingest.decode import UTF16_BOMS
from claimgraph.ingest.errors import IngestError
from claimgraph.ingest.text import make_document
from claimgraph.records import Document

# Fewer words than this is a menu or a label, not an article.
MIN_WORDS = 3


def read_html(data: bytes, origin: str) -> Document | IngestError:
    """Extract the article in an HTML page, or say why there is none."""
    if not data.strip():
        return IngestError(origin, "empty file")
    nul = data.find(b"\0")
    if nul >= 0 and not data.startswith(UTF16_BOMS):
        return IngestError(origin, f"binary file (NUL byte at byte {nul}); expected HTML")
    # Imported here: trafilatura takes a moment to load and only HTML input needs it.
    import trafilatura

    try:
        with _quiet_logger("trafilatura"):
            extracted = trafilatura.bare_extraction(data, with_metadata=True)
    except Exception as exc:
        # Any exception: a parser failing on one page must not stop the run.
        return IngestError(origin, f"HTML could not be parsed: {type(exc).__name__}: {exc}")
    text = getattr(extracted, "text", None) if extracted is not None else None
    if not text or not text.strip():
        return IngestError(origin, "no article text found in the HTML (trafilatura found none)")
    words = text.split()
    if len(words) < MIN_WORDS:
        # On a page with no article trafilatura's fallbacks return stray menu text ("Home").
        shown = " ".join(words)
        return IngestError(origin, f"no article text found in the HTML (only {shown!r})")
    title = _clean(getattr(extracted, "title", None))
    # trafilatura puts the headline on the first line; a dateline opens the line after it.
    first_line, newline, _ = text.partition("\n")
    dateline_from = len(first_line) + 1 if newline and title and first_line.strip() == title else 0
    meta = {"format": "html"}
    for name in ("author", "hostname", "description"):
        value = _clean(getattr(extracted, name, None))
        if value:
            meta[name] = value
    return make_document(
        text,
        origin=origin,
        title=title,
        outlet=_clean(getattr(extracted, "sitename", None)),
        published=normalise_date(getattr(extracted, "date", None)),
        url=_clean(getattr(extracted, "url", None)),
        meta=meta,
        dateline_from=dateline_from,
    )


def _clean(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


@contextlib.contextmanager
def _quiet_logger(name: str) -> Iterator[None]:
    # trafilatura logs ERROR lines ("empty HTML tree") for pages it cannot read; the caller
    # already gets an IngestError for them, so the log lines would only repeat it noisily.
    logger = logging.getLogger(name)
    previous = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(previous)
