"""Ingest: turn the inputs a user names into ``Document`` records, reporting what it cannot read.

Text files with an optional header and wire dateline, JSONL and CSV records, HTML pages,
folders and standard input all come out as ``claimgraph.records.Document``; anything that
cannot be read comes out as an ``IngestError`` in the same stream, never as an exception.

>>> from claimgraph.ingest import parse_txt
>>> doc = parse_txt(" date 2017-10-07 WASHINGTON (Sputnik) – The Pentagon said so.")
>>> doc.published, doc.outlet, doc.dateline.place, doc.text[:10], doc.offset
('2017-10-07', 'Sputnik', 'WASHINGTON', 'WASHINGTON', 17)
"""

from __future__ import annotations

from claimgraph.ingest.dateline import find_dateline
from claimgraph.ingest.dates import normalise_date
from claimgraph.ingest.errors import IngestError
from claimgraph.ingest.reader import FORMATS, read_file, read_inputs
from claimgraph.ingest.text import parse_txt

__all__ = [
    "FORMATS",
    "IngestError",
    "find_dateline",
    "normalise_date",
    "parse_txt",
    "read_file",
    "read_inputs",
]
