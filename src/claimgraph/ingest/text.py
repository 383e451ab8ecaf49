"""Read a plain-text article: optional header lines, then the body with an optional dateline.

A header is a few ``key value`` lines at the very top with a known key::

     date 2017-10-07 WASHINGTON (Sputnik) – The aim of …
    published: October 7, 2017
    title Pentagon rejects Russian claims
    url https://sputniknews.com/…
    outlet Sputnik

A date header may share its line with the start of the body (as in the bundled Sputnik
example). Headers are recognised conservatively, so an article that opens with its title
("Stealth Over Health: …", every PolNeAR file) is stored unchanged with offset 0: the key
must be written in lower case unless followed by a colon, a date must be a complete date,
a URL must look like one.

``Document.text`` is the body exactly as in the input, and ``Document.offset`` the number of
characters before it, so ``raw[offset:] == text`` and every span maps back to the input.
"""

from __future__ import annotations

import re
from typing import Any

from claimgraph.ingest.dateline import dateline_date, find_dateline
from claimgraph.ingest.dates import normalise_date
from claimgraph.ingest.errors import IngestError
from claimgraph.records import Document, content_id

HEADER_KEYS = ("date", "published", "title", "url", "outlet")
_HEADER = re.compile(r"(?P<key>[A-Za-z]+)(?:(?P<colon>[ \t]*:)[ \t]*|[ \t]+)(?P<value>[^\n]*)")
_URL = re.compile(r"(?:https?://|www\.)\S+")
_FIRST_TOKEN = re.compile(r"(?P<token>\S+)[ \t\u00a0]*")


def parse_txt(raw: str, origin: str | None = None) -> Document | IngestError:
    """Turn the text of one article into a ``Document``, or say why it cannot.

    ``origin`` names where the text came from (a path) and is stored on the document.
    """
    where = origin or "<text>"
    if not raw:
        return IngestError(where, "empty file")
    headers, body_start = read_headers(raw)
    text = raw[body_start:]
    if not text.strip():
        reason = "no text after the header lines" if headers else "no text (only whitespace)"
        return IngestError(where, reason)
    return make_document(
        text,
        origin=origin,
        offset=body_start,
        title=headers.get("title"),
        outlet=headers.get("outlet"),
        published=headers.get("published"),
        url=headers.get("url"),
        meta={"format": "txt"},
    )


def read_headers(raw: str) -> tuple[dict[str, str], int]:
    """Read the header lines at the top of ``raw``: their values and where the body starts.

    The body starts at its first non-space character.
    """
    headers: dict[str, str] = {}
    # A byte-order mark is not part of the article; skipping it keeps raw[offset:] == text.
    pos = _skip_space(raw, 1 if raw.startswith("\ufeff") else 0)
    while True:
        match = _HEADER.match(raw, pos)
        if match is None:
            break
        key, value = match["key"], match["value"].rstrip()
        name = key.lower()
        if name not in HEADER_KEYS or (match["colon"] is None and key != name):
            break
        field = "published" if name == "date" else name
        if field in headers:
            break
        if field == "published":
            date = normalise_date(value)
            if date is not None:
                headers[field] = date
                pos = _skip_space(raw, match.end())
                continue
            # "date 2017-10-07 WASHINGTON (Sputnik) – …": the date, then the body on one line.
            token = _FIRST_TOKEN.match(raw, match.start("value"))
            date = normalise_date(token["token"]) if token else None
            if token is None or date is None:
                break
            headers[field] = date
            pos = _skip_space(raw, token.end())
            break
        if field == "url" and not _URL.fullmatch(value):
            break
        if not value:
            break
        headers[field] = value
        pos = _skip_space(raw, match.end())
    return headers, pos


def make_document(
    text: str,
    *,
    origin: str | None,
    offset: int = 0,
    title: str | None = None,
    outlet: str | None = None,
    published: str | None = None,
    url: str | None = None,
    meta: dict[str, Any] | None = None,
    dateline_from: int = 0,
) -> Document:
    """Build a ``Document`` for ``text``, reading the dateline at ``text[dateline_from:]``.

    The dateline supplies the outlet and the date when the caller has none.
    """
    dateline = find_dateline(text, dateline_from)
    if dateline is not None:
        outlet = outlet or dateline.outlet
        published = published or dateline_date(dateline)
    return Document(
        doc_id=content_id(text),
        text=text,
        title=title,
        outlet=outlet,
        published=published,
        url=url,
        dateline=dateline,
        origin=origin,
        offset=offset,
        meta=dict(meta or {}),
    )


def _skip_space(raw: str, pos: int) -> int:
    """Position of the first non-space character at or after ``pos``."""
    return len(raw) - len(raw[pos:].lstrip())
