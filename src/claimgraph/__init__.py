"""claimgraph: who claimed what, about whom, when, where and through which outlet.

>>> import claimgraph
>>> claims = claimgraph.extract("“It is ridiculous,” the spokesperson said.")
>>> claims[0].kind, claims[0].content.text
('direct', '“It is ridiculous,”')
"""

from __future__ import annotations

from claimgraph.api import RunSummary, example_path, extract, make_document, open, process, run
from claimgraph.records import Claim, Content, Cue, Dateline, DateRef, Document, Source, Span

__version__ = "0.1.0"

__all__ = [
    "Claim",
    "Content",
    "Cue",
    "DateRef",
    "Dateline",
    "Document",
    "RunSummary",
    "Source",
    "Span",
    "example_path",
    "extract",
    "make_document",
    "open",
    "process",
    "run",
]
