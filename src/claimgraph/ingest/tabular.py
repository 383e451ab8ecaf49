"""Read article records from JSONL and CSV: one article per line or row.

Each record has a ``text`` field (``body`` and ``articleBody``, FNC-1's bodies column, are
accepted for it) and optionally ``id``, ``title``, ``url``, ``outlet`` and
``published`` (``date`` and ``dct``, TimeML's document creation time as in TempEval-3 JSONL,
are accepted for it). ``doc_id`` is always the content id of the text,
so the same article gets the same id whatever the input calls it; the input's own ``id`` is
kept in ``meta["input_id"]`` and any other fields in ``meta["fields"]``.

A bad record (broken JSON, no text, bytes that are not UTF-8) becomes an ``IngestError``
naming ``file:line``, and the records after it are still read.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from claimgraph.ingest.dates import normalise_date
from claimgraph.ingest.decode import UTF16_BOMS, utf8_reason
from claimgraph.ingest.errors import IngestError
from claimgraph.ingest.text import make_document
from claimgraph.records import Document

KNOWN_FIELDS = ("id", "text", "title", "url", "outlet", "published", "date", "dct")
# Other names for ``published``, tried in this order when it is absent or empty.
PUBLISHED_ALIASES = ("date", "dct")
# Other names for ``text`` (lower-cased), tried in this order when there is no ``text`` field.
TEXT_ALIASES = ("body", "articlebody")
_SURROGATE = re.compile("[\ud800-\udfff]")
# A binary file gets one error, not one per line: NUL in the first block means not text.
_SNIFF_BYTES = 8192
# csv refuses fields over 128 KiB by default; an article may be megabytes long.
_CSV_FIELD_LIMIT = 2**31 - 1

Result = Document | IngestError


def document_from_record(record: object, origin: str, fmt: str) -> Result:
    """Turn one JSONL/CSV record into a ``Document``, or say what is wrong with it."""
    if not isinstance(record, Mapping):
        kind = "null" if record is None else type(record).__name__
        return IngestError(origin, f"record must be a JSON object with a 'text' field, got {kind}")
    fields: dict[str, Any] = {}
    for key, value in record.items():
        fields.setdefault(str(key).strip().lower(), value)
    for alias in TEXT_ALIASES:
        if "text" not in fields and alias in fields:
            fields["text"] = fields.pop(alias)
    if "text" not in fields:
        found = ", ".join(sorted(fields)[:8]) or "none"
        return IngestError(origin, f"missing 'text' field (fields: {found})")
    text = fields["text"]
    if not isinstance(text, str):
        kind = "null" if text is None else type(text).__name__
        return IngestError(origin, f"'text' must be a string, got {kind}")
    if not text.strip():
        return IngestError(origin, "'text' is empty")
    for key, value in fields.items():
        if _has_surrogate(value):
            what = "is not valid UTF-8" if fmt == "csv" else "contains an unpaired surrogate"
            # Such text cannot be written out as UTF-8 later (store, exports), so stop it here.
            return IngestError(origin, f"field '{key}' {what}")

    meta: dict[str, Any] = {"format": fmt}
    input_id = _scalar(fields.get("id"))
    if input_id is not None:
        meta["input_id"] = input_id
    raw_date = fields.get("published")
    for alias in PUBLISHED_ALIASES:
        if _scalar(raw_date) is None:
            raw_date = fields.get(alias)
    published = normalise_date(_scalar(raw_date))
    if published is None and _scalar(raw_date) is not None:
        # Kept so nothing the input said is lost; the date just could not be read as ISO.
        meta["published_raw"] = _scalar(raw_date)
    extra = {k: v for k, v in fields.items() if k not in KNOWN_FIELDS}
    if extra:
        meta["fields"] = extra
    return make_document(
        text,
        origin=origin,
        title=_scalar(fields.get("title")),
        outlet=_scalar(fields.get("outlet")),
        published=published,
        url=_scalar(fields.get("url")),
        meta=meta,
    )


def read_jsonl(data: bytes, origin: str) -> Iterator[Result]:
    """Read JSONL bytes; each line is decoded on its own so one bad line costs one record."""
    if not data.strip():
        yield IngestError(origin, "empty file")
        return
    if data.startswith(UTF16_BOMS) or b"\0" in data[:_SNIFF_BYTES]:
        yield IngestError(origin, "binary or UTF-16 file; expected UTF-8 JSON lines")
        return
    yield from _noting_claims(_jsonl_lines(data, origin), origin)


def _jsonl_lines(data: bytes, origin: str) -> Iterator[tuple[int, Result | None]]:
    """Each non-blank line of JSONL bytes with its number: its record, or the error."""
    position = 0
    for lineno, chunk in enumerate(data.split(b"\n"), start=1):
        base, position = position, position + len(chunk) + 1
        if not chunk.strip():
            continue
        where = f"{origin}:{lineno}"
        try:
            line = chunk.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield lineno, IngestError(where, utf8_reason(exc, chunk, base))
            continue
        yield lineno, _jsonl_record(line.removeprefix("\ufeff") if lineno == 1 else line, where)


def read_jsonl_text(text: str, origin: str) -> Iterator[Result]:
    """Read JSONL that is already text (standard input given as a text stream)."""
    if not text.strip():
        yield IngestError(origin, "empty input")
        return
    lines = enumerate(text.split("\n"), start=1)
    yield from _noting_claims(
        ((n, _jsonl_record(line, f"{origin}:{n}")) for n, line in lines if line.strip()), origin
    )


def _noting_claims(records: Iterator[tuple[int, Result | None]], origin: str) -> Iterator[Result]:
    """The records of numbered lines, then one error for the lines that were claim records
    of claimgraph's own output (None), if any."""
    skipped: list[int] = []
    for lineno, found in records:
        if found is None:
            skipped.append(lineno)
        else:
            yield found
    if not skipped:
        return
    first, last = skipped[0], skipped[-1]
    yield IngestError(
        f"{origin}:{first}" if first == last else f"{origin}:{first}-{last}",
        f"{len(skipped)} claim record{'s' if len(skipped) > 1 else ''} of claimgraph output "
        "skipped (not articles; the claims are extracted again from its document records)",
    )


# The ``type`` of the records claimgraph's own JSONL output holds besides its documents
# (``claimgraph.export.tables``): read back, the documents are articles again and their claims
# are extracted anew.
_OUTPUT_RECORDS = frozenset({"claim"})


def _jsonl_record(line: str, where: str) -> Result | None:
    """The record of one line; None for a claim record of claimgraph's own output."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return IngestError(where, f"invalid JSON: {exc.msg} (column {exc.colno})")
    except (ValueError, RecursionError) as exc:
        # ValueError: e.g. an integer longer than Python will convert; RecursionError: nesting.
        return IngestError(where, f"invalid JSON: {type(exc).__name__}: {exc}")
    if (
        isinstance(record, Mapping)
        and record.get("type") in _OUTPUT_RECORDS
        and "text" not in record
    ):
        return None
    return document_from_record(record, where, "jsonl")


def read_csv(data: bytes, origin: str, *, delimiter: str = ",") -> Iterator[Result]:
    """Read CSV (or TSV) bytes with a header row naming a ``text`` column (or one of
    ``TEXT_ALIASES``)."""
    if not data.strip():
        yield IngestError(origin, "empty file")
        return
    if data.startswith(UTF16_BOMS) or b"\0" in data[:_SNIFF_BYTES]:
        yield IngestError(origin, "binary or UTF-16 file; expected UTF-8 CSV")
        return
    # surrogateescape keeps undecodable bytes visible per field, so only the rows that contain
    # them are rejected (document_from_record reports them) and the others are read.
    text = data.decode("utf-8", "surrogateescape").removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = None
    while header is None:
        try:
            row = _next_row(reader)
        except csv.Error as exc:
            yield IngestError(f"{origin}:{reader.line_num}", f"unreadable CSV header: {exc}")
            return
        if row is None:
            yield IngestError(origin, "no header row")
            return
        if any(cell.strip() for cell in row):
            header = [cell.strip().lower() for cell in row]
    if not any(name in header for name in ("text", *TEXT_ALIASES)):
        shown = ", ".join(repr(name) for name in header[:8])
        yield IngestError(origin, f"no 'text' column in the header row (columns: {shown})")
        return
    rows = 0
    while True:
        start_line = reader.line_num + 1
        try:
            row = _next_row(reader)
        except csv.Error as exc:
            rows += 1
            yield IngestError(f"{origin}:{start_line}", f"unreadable CSV row: {exc}")
            if reader.line_num < start_line:
                return  # the reader cannot move past the error; stop rather than loop
            continue
        if row is None:
            if rows == 0:
                yield IngestError(origin, "no rows after the header row")
            return
        if not any(cell.strip() for cell in row):
            continue
        rows += 1
        record: dict[str, str] = {}
        for name, cell in zip(header, row, strict=False):
            record.setdefault(name, cell)
        yield document_from_record(record, f"{origin}:{start_line}", "csv")


def _next_row(reader: Any) -> list[str] | None:
    with _csv_field_limit(_CSV_FIELD_LIMIT):
        return next(reader, None)


@contextlib.contextmanager
def _csv_field_limit(limit: int) -> Iterator[None]:
    # The limit is process-wide; raise it only while reading, then put it back.
    previous = csv.field_size_limit(limit)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _has_surrogate(value: object) -> bool:
    if isinstance(value, str):
        return _SURROGATE.search(value) is not None
    if isinstance(value, Mapping):
        return any(_has_surrogate(k) or _has_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_surrogate(v) for v in value)
    return False


def _scalar(value: object) -> str | None:
    """A field value as a stripped string; ``None`` when absent, empty or not a scalar."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return value.strip() or None
    return None
