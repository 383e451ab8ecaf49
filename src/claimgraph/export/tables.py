"""Export stored claims as tables: JSONL records, a CSV sheet, or a Parquet file.

JSONL keeps the full records: a ``{"type": "document", ...}`` line for each document
followed by a ``{"type": "claim", ...}`` line for each of its claims, in the shapes of
``Document.to_dict`` and ``Claim.to_dict``. CSV and Parquet are one flat row per claim with
the columns of ``CLAIM_COLUMNS`` (content fragments as a JSON list of ``[start, end]``; the
dates, places and targets of the claim as JSON lists of the JSONL objects; and the article's
title, outlet, published date and url beside each claim) so they open directly in a
spreadsheet, pandas or DuckDB (``json_extract(places, '$[0].name')``).
"""

from __future__ import annotations

import csv
import dataclasses
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Literal, TextIO

import pyarrow as pa
import pyarrow.parquet as pq

from claimgraph.records import Claim, Document
from claimgraph.store import ClaimStore

__all__ = ["CLAIM_COLUMNS", "FORMATS", "claim_row", "export", "write_jsonl"]

Format = Literal["jsonl", "csv", "parquet"]
FORMATS: tuple[str, ...] = ("jsonl", "csv", "parquet")

_STR, _INT, _BOOL = pa.string(), pa.int64(), pa.bool_()
# Column name and Arrow type of the flat claim table (CSV uses the same names and order).
_SCHEMA = pa.schema(
    [
        ("doc_id", _STR),
        ("claim_id", _STR),
        ("kind", _STR),
        ("source_text", _STR),
        ("source_start", _INT),
        ("source_end", _INT),
        ("source_resolved", _STR),
        ("source_entity_id", _STR),
        ("source_entity_name", _STR),
        ("source_affiliation", _STR),
        ("cue_text", _STR),
        ("cue_start", _INT),
        ("cue_end", _INT),
        ("cue_lemma", _STR),
        ("cue_class", _STR),
        ("content_text", _STR),
        ("content_start", _INT),
        ("content_end", _INT),
        ("content_fragments", _STR),
        ("content_negated", _BOOL),
        ("medium_text", _STR),
        ("medium_start", _INT),
        ("medium_end", _INT),
        ("hedged", _BOOL),
        ("date_text", _STR),
        ("date_value", _STR),
        ("date_start", _INT),
        ("date_end", _INT),
        ("date_granularity", _STR),
        ("dates", _STR),
        ("places", _STR),
        ("targets", _STR),
        ("doc_title", _STR),
        ("doc_outlet", _STR),
        ("doc_published", _STR),
        ("doc_url", _STR),
    ]
)
CLAIM_COLUMNS: tuple[str, ...] = tuple(_SCHEMA.names)
_BATCH = 10_000
# JSON leaves these unescaped with ensure_ascii=False, but str.splitlines() and some JSONL
# readers split on them; escaping keeps one record per line for every reader.
_LINE_BREAKS = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def _json_list(items: tuple[Any, ...]) -> str:
    """Records as a JSON list of the objects JSONL gives them (``[]`` when there are none)."""
    return json.dumps([dataclasses.asdict(x) for x in items], ensure_ascii=False)


def claim_row(document: Document, claim: Claim) -> dict[str, Any]:
    """One flat row for a claim, with its document's title, outlet, published date and url."""
    s, m, d, frags = claim.source, claim.medium, claim.date, claim.content.fragments
    return {
        "doc_id": claim.doc_id,
        "claim_id": claim.claim_id,
        "kind": claim.kind,
        "source_text": None if s is None else s.text,
        "source_start": None if s is None else s.start,
        "source_end": None if s is None else s.end,
        "source_resolved": None if s is None else s.resolved,
        "source_entity_id": None if s is None else s.entity_id,
        "source_entity_name": None if s is None else s.entity_name,
        "source_affiliation": None if s is None else s.affiliation,
        "cue_text": claim.cue.text,
        "cue_start": claim.cue.start,
        "cue_end": claim.cue.end,
        "cue_lemma": claim.cue.lemma,
        "cue_class": claim.cue.cls,
        "content_text": claim.content.text,
        "content_start": frags[0][0] if frags else None,
        "content_end": frags[-1][1] if frags else None,
        "content_fragments": json.dumps([list(f) for f in frags]),
        "content_negated": claim.content.negated,
        "medium_text": None if m is None else m.text,
        "medium_start": None if m is None else m.start,
        "medium_end": None if m is None else m.end,
        "hedged": claim.hedged,
        "date_text": None if d is None else d.text,
        "date_value": None if d is None else d.value,
        "date_start": None if d is None else d.start,
        "date_end": None if d is None else d.end,
        "date_granularity": None if d is None else d.granularity,
        "dates": _json_list(claim.dates),
        "places": _json_list(claim.places),
        "targets": _json_list(claim.targets),
        "doc_title": document.title,
        "doc_outlet": document.outlet,
        "doc_published": document.published,
        "doc_url": document.url,
    }


def _write_record(fh: TextIO, record: dict[str, Any]) -> None:
    line = json.dumps(record, ensure_ascii=False, default=str).translate(_LINE_BREAKS) + "\n"
    try:
        fh.write(line)
    except UnicodeEncodeError:
        # Text decoded with surrogateescape holds lone surrogates, which UTF-8 cannot carry;
        # \u escapes can, and json.loads gives back the same string. A text stream encodes
        # the whole line before writing any of it, so nothing half-written precedes this.
        fh.write(json.dumps(record, ensure_ascii=True, default=str) + "\n")


def write_jsonl(pairs: Iterable[tuple[Document, list[Claim]]], fh: TextIO) -> dict[str, int]:
    """Write each document record followed by its claim records; return the counts."""
    counts = {"documents": 0, "claims": 0}
    for document, claims in pairs:
        _write_record(fh, {"type": "document", **document.to_dict()})
        for claim in claims:
            _write_record(fh, {"type": "claim", **claim.to_dict()})
        counts["documents"] += 1
        counts["claims"] += len(claims)
    return counts


def _pairs(store: ClaimStore) -> Iterator[tuple[Document, list[Claim]]]:
    for document in store.documents():
        yield document, list(store.claims(document.doc_id))


def _write_csv(pairs: Iterable[tuple[Document, list[Claim]]], fh: TextIO) -> dict[str, int]:
    counts = {"documents": 0, "claims": 0}
    writer = csv.DictWriter(fh, fieldnames=CLAIM_COLUMNS)
    writer.writeheader()
    for document, claims in pairs:
        writer.writerows(claim_row(document, c) for c in claims)
        counts["documents"] += 1
        counts["claims"] += len(claims)
    return counts


def _write_parquet(pairs: Iterable[tuple[Document, list[Claim]]], path: Path) -> dict[str, int]:
    counts = {"documents": 0, "claims": 0}
    rows: list[dict[str, Any]] = []
    # Written in row groups so a large store never has to fit in memory at once.
    with pq.ParquetWriter(path, _SCHEMA) as writer:
        for document, claims in pairs:
            rows.extend(claim_row(document, c) for c in claims)
            counts["documents"] += 1
            counts["claims"] += len(claims)
            if len(rows) >= _BATCH:
                writer.write_table(pa.Table.from_pylist(rows, schema=_SCHEMA))
                rows = []
        writer.write_table(pa.Table.from_pylist(rows, schema=_SCHEMA))
    return counts


def export(store: ClaimStore, fmt: Format, out: Path) -> dict[str, int]:
    """Write every stored document's claims to ``out`` as ``fmt``; return the counts.

    The file is written under a temporary name and renamed at the end, so an interrupted
    export never leaves a truncated file that looks complete.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".part")
    try:
        if fmt == "parquet":
            counts = _write_parquet(_pairs(store), partial)
        else:
            # newline="" lets the csv module write its own line ends and keeps "\r" in
            # text from being translated.
            with partial.open("w", encoding="utf-8", newline="") as fh:
                writer = write_jsonl if fmt == "jsonl" else _write_csv
                counts = writer(_pairs(store), fh)
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    return counts
